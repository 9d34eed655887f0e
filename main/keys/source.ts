/**
 * The one way to read a private key from where the attempt names it: a file path, pasted text,
 * or the file's bytes in base64 (how the window hands over a dropped binary key such as SSH-1).
 * Diagnose, repair (local and server-side fixes), the services and the CLI all read it here, so a
 * key reaches every one of them the same way. Order when several are given: path, base64, text.
 */
import type { KeySource } from '../../shared/types';
import { readKeyFile } from './file';
import { KeyError } from './problems';
import { MAX_KEY_FILE_BYTES, tooLarge } from './text';

export type KeySourceKind = 'file' | 'base64' | 'text';

export interface KeySourceBytes {
  bytes: Buffer;
  kind: KeySourceKind;
  /** The file, when the key came from one (for messages and file-name hints). */
  path?: string;
}

/** Whether the attempt names a key at all. */
export function keyGiven(source: KeySource | undefined | null): source is KeySource {
  return !!(source && (source.path || source.text || source.base64));
}

/** Bytes from base64 as the window sends them; anything else is refused, not silently dropped. */
export function keyBytesFromBase64(base64: string): Buffer {
  const clean = base64.replace(/\s+/g, '');
  if (clean.length > Math.ceil((MAX_KEY_FILE_BYTES * 4) / 3) + 4) throw tooLarge(Math.floor((clean.length * 3) / 4));
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new KeyError('KEY_UNSUPPORTED_FORMAT', 'The key handed over could not be read: its bytes were not sent whole.', 'Choose the key file again.', 'bad-base64');
  }
  return Buffer.from(clean, 'base64');
}

/**
 * The key's bytes, or null when the attempt names no key. Throws KeyError when it names one that
 * cannot be read (a missing file, a folder, a file far too large, bytes not sent whole).
 * `checkPath` lets a caller refuse a path first (the browser host's path gate).
 */
export async function readKeySource(source: KeySource | undefined | null, opts: { checkPath?: (path: string) => void } = {}): Promise<KeySourceBytes | null> {
  if (!keyGiven(source)) return null;
  if (source.path) {
    opts.checkPath?.(source.path);
    return { bytes: await readKeyFile(source.path), kind: 'file', path: source.path };
  }
  if (source.base64) return { bytes: keyBytesFromBase64(source.base64), kind: 'base64' };
  const bytes = Buffer.from(source.text ?? '', 'utf8');
  if (bytes.length > MAX_KEY_FILE_BYTES) throw tooLarge(bytes.length);
  return { bytes, kind: 'text' };
}
