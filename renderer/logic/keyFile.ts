/** Turning a dropped, picked or pasted key into what the form and the key inspector send. Pure. */
import type { KeyInput } from '../../shared/api';
import { type KeyChoice, looksLikeText, MAX_KEY_BYTES } from './form';

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) bin += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(bin);
}

/** A loaded file as a key choice, or a message when it cannot be a key file. */
export function keyChoiceFromBytes(name: string, bytes: Uint8Array): KeyChoice | { error: string } {
  if (bytes.length === 0) return { error: `"${name}" is empty. Pick the key file itself (for example id_ed25519 or a .ppk file).` };
  if (bytes.length > MAX_KEY_BYTES) {
    return { error: `"${name}" is ${Math.round(bytes.length / 1024)} KB, far too big for an SSH key (they are a few KB). Pick the key file itself.` };
  }
  if (looksLikeText(bytes)) return { source: 'content', name, size: bytes.length, text: new TextDecoder('utf-8').decode(bytes) };
  return { source: 'content', name, size: bytes.length, base64: toBase64(bytes) };
}

export function keyChoiceFromText(text: string): KeyChoice {
  return { source: 'content', name: 'pasted key', size: new TextEncoder().encode(text).length, text };
}

/** What keys:inspect and keys:convert get for a key choice. */
export function keyInputOf(choice: KeyChoice): KeyInput {
  if (choice.source === 'path') return { path: choice.path.trim(), name: choice.path.trim().split(/[\\/]/).pop() ?? choice.path };
  const input: KeyInput = { name: choice.name };
  if (choice.text !== undefined) input.text = choice.text;
  if (choice.base64 !== undefined) input.base64 = choice.base64;
  return input;
}

/** Where the private half of a public key file probably is ("id_ed25519.pub" → "id_ed25519"). */
export function privateKeyHint(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? name;
  if (/\.pub$/i.test(base)) return base.replace(/\.pub$/i, '');
  return null;
}
