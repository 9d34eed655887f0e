/**
 * Comparing a host key fingerprint the user typed or pasted (from the provider's web page, an
 * e-mail from the administrator, `ssh-keygen -l` output, PuTTY or WinSCP) with the server's key.
 * ONE set of rules for the window (live feedback while typing) and for main (`repair`, the CLI's
 * --trust-host-key): what the window shows as a match is exactly what repair accepts. Pure.
 *
 * Accepted, as WinSCP's "Paste key" does: "SHA256:<base64>" (with or without the prefix and the
 * trailing "=", also in the groups of four the window shows), the same as hex, "MD5:aa:bb:..."
 * (with or without the prefix, with or without colons, any case), a whole `ssh-keygen -l` line,
 * PuTTY's "ssh-ed25519 255 SHA256:..." and the public key itself ("ssh-ed25519 AAAA..."). Only an
 * exact match counts.
 */
import type { HostKeyInfo } from './types';

export type FingerprintKind = 'sha256' | 'md5' | 'public-key';

/** The final answer (repair, the CLI): a match, or why not with a next step. */
export type FingerprintCheck = { ok: true; kind: FingerprintKind } | { ok: false; reason: 'empty' | 'not-a-fingerprint' | 'mismatch'; message: string };

/** The live answer while the user types (the window): like FingerprintCheck, plus "so far it matches". */
export type FingerprintMatch =
  | { status: 'empty' }
  | { status: 'unreadable' }
  | { status: 'partial'; kind: 'sha256' | 'md5' }
  | { status: 'match'; kind: FingerprintKind }
  | { status: 'mismatch'; kind?: FingerprintKind };

type KeyPrints = Pick<HostKeyInfo, 'sha256' | 'md5'> & Partial<Pick<HostKeyInfo, 'publicKey'>>;

/** Hard limit on what is looked at (a pasted e-mail is fine, a pasted file is not). */
export const MAX_FINGERPRINT_INPUT = 64 * 1024;
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

/** Base64 to lower-case hex, without Node's Buffer (this runs in the window too). '' when unreadable. */
function base64ToHex(b64: string): string {
  try {
    const bin = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='));
    let out = '';
    for (let i = 0; i < bin.length; i++) out += bin.charCodeAt(i).toString(16).padStart(2, '0');
    return out;
  } catch {
    return '';
  }
}

/** Joins a fingerprint written in groups ("SHA256:nThb g6kX ...", "a1:b2:c3:d4 e5:f6:07:18 ...") back into one token. */
function joinGroups(text: string): string {
  return text
    .replace(/SHA256:\s?([A-Za-z0-9+/]{4}(?: [A-Za-z0-9+/=]{1,4}){1,11})(?![A-Za-z0-9+/=])/gi, (_m, body: string) => `SHA256:${body.replace(/ /g, '')}`)
    .replace(/(?<=^|[^0-9a-f:]|MD5:)((?:[0-9a-f]{2}:){3}[0-9a-f]{2}(?: (?:[0-9a-f]{2}:){3}[0-9a-f]{2}){3})(?![0-9a-f:])/gi, (_m, body: string) => body.replace(/ /g, ':'));
}

/** Exact comparison: does the text name this key? */
export function matchFingerprint(text: string, key: KeyPrints): FingerprintCheck {
  const input = joinGroups(text.slice(0, MAX_FINGERPRINT_INPUT).trim());
  if (input === '') return { ok: false, reason: 'empty', message: 'No fingerprint was given. Paste the fingerprint your provider published (it starts with SHA256: or MD5:).' };
  const wantSha = sha256Body(key.sha256);
  const wantMd5 = md5Hex(key.md5);
  const wantShaHex = base64ToHex(wantSha);
  const wantBlob = key.publicKey?.split(' ')[1] ?? '';
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
      if (wantShaHex !== '' && m[1]!.replace(/:/g, '').toLowerCase() === wantShaHex) return { ok: true, kind: 'sha256' };
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
      if (wantBlob !== '' && token === wantBlob) return { ok: true, kind: 'public-key' };
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

/** Pulls a (maybe still incomplete) fingerprint out of pasted text, for the live "so far" answer. */
export function parseFingerprint(text: string): { kind: 'sha256'; value: string } | { kind: 'md5'; value: string } | null {
  const t = text.slice(0, MAX_FINGERPRINT_INPUT).trim();
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
  if (/^[A-Za-z0-9+/]{43}=?$/.test(t)) return { kind: 'sha256', value: sha256Body(t) };
  return null;
}

/**
 * The live answer: "match" exactly when matchFingerprint accepts the text (so the window never
 * shows a match that repair would refuse), "partial" while a typed fingerprint is still a prefix.
 */
export function compareFingerprint(pasted: string, key: KeyPrints): FingerprintMatch {
  if (!pasted.trim()) return { status: 'empty' };
  const check = matchFingerprint(pasted, key);
  if (check.ok) return { status: 'match', kind: check.kind };
  const fp = parseFingerprint(pasted);
  if (fp) {
    const actual = fp.kind === 'sha256' ? sha256Body(key.sha256) : md5Hex(key.md5);
    if (fp.value.length < actual.length && actual.startsWith(fp.value)) return { status: 'partial', kind: fp.kind };
    return { status: 'mismatch', kind: fp.kind };
  }
  return check.reason === 'mismatch' ? { status: 'mismatch' } : { status: 'unreadable' };
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
