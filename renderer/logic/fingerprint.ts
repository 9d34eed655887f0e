/**
 * Comparing the host key fingerprint an admin sent with the one the server shows, as the user
 * pastes it: ssh-keygen -l lines, PuTTY/WinSCP lines, bare SHA256 or MD5 fingerprints. Pure.
 */
import type { HostKeyInfo } from '../../shared/types';

export type FingerprintMatch =
  | { status: 'empty' }
  | { status: 'unreadable' }
  | { status: 'partial'; kind: 'sha256' | 'md5' }
  | { status: 'match'; kind: 'sha256' | 'md5' }
  | { status: 'mismatch'; kind: 'sha256' | 'md5' };

const SHA256_LEN = 43;

function sha256Body(fp: string): string {
  return fp.replace(/^SHA256:/i, '').replace(/=+$/, '');
}

function md5Hex(fp: string): string {
  return fp
    .replace(/^MD5:/i, '')
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase();
}

/** Pulls a fingerprint out of pasted text. */
export function parseFingerprint(text: string): { kind: 'sha256'; value: string } | { kind: 'md5'; value: string } | null {
  const t = text.trim();
  if (!t) return null;
  const sha = /SHA256:\s?([A-Za-z0-9+/= ]+)/i.exec(t);
  if (sha) {
    const body = sha[1]!.replace(/ /g, '').replace(/=+$/, '').slice(0, SHA256_LEN);
    return body ? { kind: 'sha256', value: body } : null;
  }
  const md5Prefixed = /MD5:\s?([0-9a-f: ]+)/i.exec(t);
  if (md5Prefixed) return { kind: 'md5', value: md5Hex(md5Prefixed[1]!) };
  const md5 = /(?<![0-9a-f])((?:[0-9a-f]{2}:){1,15}[0-9a-f]{1,2})(?![0-9a-f])/i.exec(t);
  if (md5) return { kind: 'md5', value: md5Hex(md5[1]!) };
  // A bare SHA256 body (43 base64 characters), as some panels show it.
  const bare = /^[A-Za-z0-9+/]{43}=?$/.exec(t);
  if (bare) return { kind: 'sha256', value: sha256Body(t) };
  return null;
}

export function compareFingerprint(pasted: string, key: Pick<HostKeyInfo, 'sha256' | 'md5'>): FingerprintMatch {
  if (!pasted.trim()) return { status: 'empty' };
  const fp = parseFingerprint(pasted);
  if (!fp) return { status: 'unreadable' };
  if (fp.kind === 'sha256') {
    const actual = sha256Body(key.sha256);
    if (fp.value === actual) return { status: 'match', kind: 'sha256' };
    if (fp.value.length < actual.length && actual.startsWith(fp.value)) return { status: 'partial', kind: 'sha256' };
    return { status: 'mismatch', kind: 'sha256' };
  }
  const actual = md5Hex(key.md5);
  if (fp.value === actual) return { status: 'match', kind: 'md5' };
  if (fp.value.length < actual.length && actual.startsWith(fp.value)) return { status: 'partial', kind: 'md5' };
  return { status: 'mismatch', kind: 'md5' };
}

/** Splits a fingerprint into groups that are easy to compare by eye. */
export function groupFingerprint(fp: string): { prefix: string; groups: string[] } {
  const m = /^(SHA256:|MD5:)?(.*)$/i.exec(fp.trim());
  const prefix = m?.[1] ?? '';
  const body = m?.[2] ?? '';
  if (/^MD5:$/i.test(prefix) || /^([0-9a-f]{2}:)+[0-9a-f]{2}$/i.test(body)) {
    const pairs = body.split(':');
    const groups: string[] = [];
    for (let i = 0; i < pairs.length; i += 4) groups.push(pairs.slice(i, i + 4).join(':'));
    return { prefix, groups };
  }
  const groups: string[] = [];
  for (let i = 0; i < body.length; i += 4) groups.push(body.slice(i, i + 4));
  return { prefix, groups };
}
