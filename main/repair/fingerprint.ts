/**
 * Compares a fingerprint the user typed or pasted (from the provider's web page, an e-mail from
 * the administrator, `ssh-keygen -l` output) with the server's key, the way WinSCP's "Paste key"
 * does: any usual spelling is accepted, and only an exact match counts.
 *
 * Accepted: "SHA256:<base64>" (with or without the prefix and the trailing "="), the same as hex,
 * "MD5:aa:bb:..." (with or without the prefix, with or without colons, any case), a whole
 * `ssh-keygen -l` line ("256 SHA256:... comment (ED25519)"), PuTTY's "ssh-ed25519 255 SHA256:..."
 * and the public key itself ("ssh-ed25519 AAAA...").
 */
import type { HostKeyInfo } from '../../shared/types';

export type FingerprintCheck =
  | { ok: true; kind: 'sha256' | 'md5' | 'public-key' }
  | { ok: false; reason: 'empty' | 'not-a-fingerprint' | 'mismatch'; message: string };

/** Hard limit on what is looked at (a pasted e-mail is fine, a pasted file is not). */
const MAX_INPUT = 64 * 1024;

function sha256Hex(key: Pick<HostKeyInfo, 'sha256'>): string {
  return Buffer.from(key.sha256.replace(/^SHA256:/, ''), 'base64').toString('hex');
}

export function matchFingerprint(text: string, key: Pick<HostKeyInfo, 'sha256' | 'md5' | 'publicKey'>): FingerprintCheck {
  const input = text.slice(0, MAX_INPUT).trim();
  if (input === '') return { ok: false, reason: 'empty', message: 'No fingerprint was given. Paste the fingerprint your provider published (it starts with SHA256: or MD5:).' };
  const wantSha = key.sha256.replace(/^SHA256:/, '');
  const wantMd5 = key.md5.replace(/^MD5:/, '').replace(/:/g, '').toLowerCase();
  const wantShaHex = sha256Hex(key);
  const wantBlob = key.publicKey.split(' ')[1] ?? '';
  let recognised = false;
  // Tokens: whitespace, quotes, brackets and commas separate them (a line from an e-mail or a table).
  for (const raw of input.split(/[\s"'`<>()[\],;]+/)) {
    const token = raw.replace(/[.]+$/, '');
    if (!token) continue;
    let m = /^SHA256:([A-Za-z0-9+/]{43})=?$/i.exec(token);
    if (m || /^[A-Za-z0-9+/]{43}=?$/.test(token)) {
      recognised = true;
      const value = m ? m[1]! : token.replace(/=$/, '');
      if (value === wantSha) return { ok: true, kind: 'sha256' };
      continue;
    }
    m = /^(?:SHA256:)?((?:[0-9a-f]{2}:?){31}[0-9a-f]{2})$/i.exec(token);
    if (m) {
      recognised = true;
      if (m[1]!.replace(/:/g, '').toLowerCase() === wantShaHex) return { ok: true, kind: 'sha256' };
      continue;
    }
    m = /^(?:MD5:)?((?:[0-9a-f]{2}:?){15}[0-9a-f]{2})$/i.exec(token);
    if (m) {
      recognised = true;
      if (m[1]!.replace(/:/g, '').toLowerCase() === wantMd5) return { ok: true, kind: 'md5' };
      continue;
    }
    if (/^AAAA[A-Za-z0-9+/]{20,}={0,2}$/.test(token)) {
      recognised = true;
      if (token === wantBlob) return { ok: true, kind: 'public-key' };
    }
  }
  if (!recognised) {
    return { ok: false, reason: 'not-a-fingerprint', message: 'What was given is not a fingerprint. A fingerprint looks like SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU or MD5:16:27:ac:a5:...; ask your provider for it.' };
  }
  return {
    ok: false,
    reason: 'mismatch',
    message: `The fingerprint given does not match the key this server presented (${key.sha256}). Do not trust it: ask your provider to confirm the fingerprint, and check that you typed the right server name.`,
  };
}
