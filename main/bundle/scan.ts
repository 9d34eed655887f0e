/**
 * The last line of defence: before a bundle is offered, every file is searched for every secret
 * of the session in every form a program might have written it in. Secrets are kept out of the
 * bundle by construction (no shared type can carry one); this scan proves it, and a hit stops the
 * export loudly, naming the file and the form, never the secret.
 *
 * Forms searched, for each secret:
 *   - as typed, HTML-escaped and JSON-escaped (a password with `&` or `"` is written that way);
 *   - base64, standard and url-safe, with and without padding, and the three alignment offsets of
 *     a secret inside longer base64 text (the characters that depend only on the secret's bytes);
 *   - hex, lower and upper case, plain and with ':' or ' ' between bytes;
 *   - URL-encoded (encodeURIComponent, '+' for spaces, every byte escaped, lower-case escapes);
 *   - for private key text: each line of its base64 body, except lines that only spell out the
 *     public key the file stores in clear (PuTTY's Public-Lines, the openssh-key-v1 header).
 * And, whatever the secrets: private key markers (PEM/OpenSSH/SSH.com "BEGIN ... PRIVATE KEY",
 * PuTTY's header and "Private-Lines:", SSH-1's file header, and the base64 of "openssh-key-v1").
 *
 * The short-secret rule: a secret shorter than 4 characters is only searched as typed, as a whole
 * token (not inside a longer word or number). Its encoded forms are 2 to 6 characters long and
 * turn up by chance inside fingerprints and key blobs, which would make every export fail while
 * proving nothing. Secrets of 4 characters or more are searched in every form listed above; a
 * shifted base64 form is only searched when it is at least 4 characters long.
 */
import type { Secret } from '../common/secret';
import { tryRead } from '../common/ssh-wire';

export interface ScanFile {
  name: string;
  text: string;
}

export interface SecretHit {
  file: string;
  /** Which form was found, e.g. "base64 (url-safe)"; never the secret itself. */
  form: string;
  /** Position of the secret in the list given (1-based), or null for a private key marker. */
  secret: number | null;
}

/** Thrown when a file of the bundle holds a secret. The message names the file, not the secret. */
export class BundleSecretError extends Error {
  readonly hits: SecretHit[];
  constructor(hits: SecretHit[]) {
    const first = hits[0]!;
    const what = first.secret === null ? `private key material (${first.form})` : `a secret of this session (${first.form})`;
    const more = hits.length > 1 ? ` It was not the only hit: ${hits.length} in all, in ${[...new Set(hits.map((h) => h.file))].join(', ')}.` : '';
    super(
      `Support bundle NOT written: the file "${first.file}" contains ${what}.${more} ` +
        'Nothing was saved. This is a fault in SFTP Doctor, not in your setup: please report it without attaching any bundle.',
    );
    this.name = 'BundleSecretError';
    this.hits = hits;
  }
}

interface Needle {
  form: string;
  text: string;
  /** Match only as a whole token (short secrets). */
  token?: boolean;
}

const SHORT = 4;

const PRIVATE_KEY_MARKERS: { form: string; re: RegExp }[] = [
  { form: 'a "BEGIN ... PRIVATE KEY" marker', re: /-{4,5} ?BEGIN [A-Z0-9 ]*PRIVATE KEY/ },
  { form: 'a PuTTY private key header', re: /PuTTY-User-Key-File-\d/ },
  { form: 'a PuTTY "Private-Lines" block', re: /(^|[\r\n])Private-Lines: *\d/ },
  { form: 'an SSH-1 private key header', re: /SSH PRIVATE KEY FILE FORMAT 1\.1/ },
  { form: 'an OpenSSH private key body', re: /b3BlbnNzaC1rZXktdjE/ },
];

const toUrlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');
const unpad = (b64: string) => b64.replace(/=+$/, '');

/**
 * The base64 characters of `bytes` that do not depend on what comes before or after them when
 * they start `offset` bytes (0, 1 or 2) into a longer base64-encoded stream.
 */
export function base64Core(bytes: Uint8Array, offset: 0 | 1 | 2): string {
  const padded = Buffer.concat([Buffer.alloc(offset), Buffer.from(bytes)]);
  const encoded = unpad(padded.toString('base64'));
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return encoded.slice(first, end);
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function hexForms(bytes: Buffer): Needle[] {
  const lower = bytes.toString('hex');
  const pairs = lower.match(/../g) ?? [];
  const out: Needle[] = [];
  for (const [name, text] of [
    ['hex', lower],
    ['hex with ":" separators', pairs.join(':')],
    ['hex with spaces', pairs.join(' ')],
  ] as const) {
    out.push({ form: `${name} (lower case)`, text }, { form: `${name} (upper case)`, text: text.toUpperCase() });
  }
  return out;
}

function urlForms(value: string, bytes: Buffer): Needle[] {
  const component = encodeURIComponent(value);
  const everyByte = [...bytes].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join('');
  return [
    { form: 'URL-encoded', text: component },
    { form: 'URL-encoded (lower-case escapes)', text: component.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()) },
    { form: 'form-encoded', text: component.replace(/%20/g, '+') },
    { form: 'URL-encoded (every byte)', text: everyByte },
    { form: 'URL-encoded (every byte, lower case)', text: everyByte.toLowerCase() },
  ];
}

function base64Forms(bytes: Buffer): Needle[] {
  const std = bytes.toString('base64');
  const out: Needle[] = [
    { form: 'base64', text: std },
    { form: 'base64 (no padding)', text: unpad(std) },
    { form: 'base64 (url-safe)', text: toUrlSafe(std) },
    { form: 'base64 (url-safe, no padding)', text: unpad(toUrlSafe(std)) },
  ];
  for (const offset of [0, 1, 2] as const) {
    const core = base64Core(bytes, offset);
    if (core.length < SHORT) continue;
    out.push({ form: `base64 inside longer base64 (offset ${offset})`, text: core });
    out.push({ form: `url-safe base64 inside longer base64 (offset ${offset})`, text: toUrlSafe(core) });
  }
  return out;
}

/**
 * The public key blob (base64, as in a public key line) that a private key file stores in clear:
 * PuTTY's "Public-Lines" block, and the header of an "openssh-key-v1" file (before the private,
 * possibly encrypted, part). Null for other formats or when the file cannot be read that far.
 */
export function clearPublicBlob(value: string): string | null {
  const lines = value.split(/\r?\n/).map((l) => l.trim());
  const ppk = lines.findIndex((l) => /^Public-Lines: *\d+$/.test(l));
  if (ppk >= 0) {
    const n = Number(lines[ppk]!.split(':')[1]);
    return n > 0 && n <= 1000 ? lines.slice(ppk + 1, ppk + 1 + n).join('') : null;
  }
  const begin = lines.indexOf('-----BEGIN OPENSSH PRIVATE KEY-----');
  const end = lines.indexOf('-----END OPENSSH PRIVATE KEY-----');
  if (begin < 0 || end <= begin) return null;
  const bin = Buffer.from(lines.slice(begin + 1, end).join(''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (bin.subarray(0, magic.length).toString('latin1') !== magic) return null;
  const blob = tryRead(bin.subarray(magic.length), (r) => {
    for (let i = 0; i < 3; i++) r.string(); // cipher, kdf, kdf options
    if (r.uint32() < 1) return null; // number of keys
    return r.string();
  });
  return blob && blob.length > 0 ? blob.toString('base64') : null;
}

/**
 * Each base64 body line of a private key file, so a partial leak of the key is caught too. Lines
 * that only spell out the key's public half (the same characters as its public key line, which
 * key.json rightly shows the admin) are no secret and are left out: otherwise every PuTTY key and
 * every encrypted OpenSSH RSA, ECDSA or DSA key would stop the export.
 */
function privateKeyBodyLines(value: string): Needle[] {
  if (!/PRIVATE KEY|PuTTY-User-Key-File|SSH PRIVATE KEY FILE/.test(value)) return [];
  const publicBlob = clearPublicBlob(value);
  const out: Needle[] = [];
  for (const raw of value.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length < 16 || !/^[A-Za-z0-9+/=]+$/.test(line)) continue;
    if (publicBlob?.includes(line)) continue;
    out.push({ form: 'a line of the private key', text: line });
  }
  return out;
}

/** Every form of one secret the scanner looks for. */
export function secretNeedles(value: string): Needle[] {
  if (value.length === 0) return [];
  if (value.length < SHORT) return [{ form: 'as typed (short secret, whole token)', text: value, token: true }];
  const bytes = Buffer.from(value, 'utf8');
  const needles: Needle[] = [
    { form: 'as typed', text: value },
    { form: 'HTML-escaped', text: htmlEscape(value) },
    { form: 'JSON-escaped', text: JSON.stringify(value).slice(1, -1) },
    ...base64Forms(bytes),
    ...hexForms(bytes),
    ...urlForms(value, bytes),
    ...privateKeyBodyLines(value),
  ];
  const trimmed = value.trim();
  if (trimmed !== value && trimmed.length >= SHORT) needles.push({ form: 'as typed, without the outer spaces', text: trimmed });
  const seen = new Set<string>();
  return needles.filter((n) => (seen.has(n.text) ? false : (seen.add(n.text), true)));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds every secret (in any form) and every private key marker in the files. */
export function scanForSecrets(files: readonly ScanFile[], secrets: readonly Secret[]): SecretHit[] {
  const needles = secrets.map((s) => secretNeedles(s.reveal()));
  const hits: SecretHit[] = [];
  for (const file of files) {
    for (const marker of PRIVATE_KEY_MARKERS) {
      if (marker.re.test(file.text)) hits.push({ file: file.name, form: marker.form, secret: null });
    }
    needles.forEach((list, i) => {
      for (const needle of list) {
        const found = needle.token
          ? new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(needle.text)}(?![\\p{L}\\p{N}])`, 'u').test(file.text)
          : file.text.includes(needle.text);
        if (found) {
          hits.push({ file: file.name, form: needle.form, secret: i + 1 });
          break; // one form per secret per file is enough to stop the export
        }
      }
    });
  }
  return hits;
}

/** Throws BundleSecretError when any file holds a secret or private key material. */
export function assertNoSecrets(files: readonly ScanFile[], secrets: readonly Secret[]): void {
  const hits = scanForSecrets(files, secrets);
  if (hits.length > 0) throw new BundleSecretError(hits);
}
