import { createHash, createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { updateFileAtomic } from './atomic-file';
import { sshPatternMatch } from '../../shared/wildcard';
import { tryRead } from '../common/ssh-wire';

/**
 * OpenSSH known_hosts files: read, match, add, replace and remove host keys.
 *
 * Format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[@marker] hosts keytype base64 [comment]`.
 * - hosts: comma-separated patterns (`*`, `?`, `!negation`), `[host]:port` for ports other than 22,
 *   or one hashed name `|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>`.
 * - markers: `@revoked` (this key must never be accepted), `@cert-authority` (a CA for host
 *   certificates; kept intact, not used for plain keys).
 * Every write is locked, atomic, with a backup, and goes through a symlink to its target
 * (atomic-file.ts). Every line we do not own is kept byte for byte: the file is handled as
 * latin1 so no byte is ever reinterpreted, and each line keeps its own line end (a file mixing
 * CRLF and LF stays mixed; new lines take the file's most common ending).
 * We only ever write a literal host name and port that we computed ourselves: never a pattern,
 * a list or a hashed name taken from elsewhere (hostNameProblem).
 */

export type KnownHostsMarker = '@revoked' | '@cert-authority';
export type LineEnd = '\n' | '\r\n' | '';

export interface KnownHostsEntry {
  /** 1-based line number in the file. */
  line: number;
  /** The line exactly as written (without its line end). */
  raw: string;
  marker: KnownHostsMarker | null;
  /** The hosts field as written. */
  hosts: string;
  hashed: boolean;
  keyType: string;
  keyBase64: string;
  comment: string;
}

export interface KnownHostsFile {
  path: string;
  exists: boolean;
  /** Every line of the file, without line ends. */
  lines: string[];
  /** Each line's own ending ("" for a last line without one). */
  lineEnds: LineEnd[];
  /** Line end given to new lines: the file's most common ("\n" for an empty file). */
  eol: '\n' | '\r\n';
  /** Whether the last line ends with a line end (or the file is empty). */
  endsWithNewline: boolean;
  entries: KnownHostsEntry[];
  /** Lines that are neither blank, comments nor valid entries (kept as they are). */
  invalidLines: number[];
}

/** Fingerprint as OpenSSH prints it: "SHA256:" + unpadded base64 of SHA-256(key blob). */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Legacy fingerprint: "MD5:" + colon-separated hex of MD5(key blob). */
export function fingerprintMd5(blob: Buffer): string {
  const hex = createHash('md5').update(blob).digest('hex');
  return `MD5:${hex.match(/../g)!.join(':')}`;
}

/** Key type written inside an SSH public key blob (e.g. "ssh-rsa"), or null if unreadable. */
export function blobKeyType(blob: Buffer): string | null {
  // Checked up front: a bad key then costs a comparison, not a thrown error (5 MB of such lines
  // took 2 s, most of it building the errors' stack traces).
  if (blob.length < 4 || blob.readUInt32BE(0) > Math.min(64, blob.length - 4)) return null;
  const type = tryRead(blob, (r) => r.latin1(64));
  return type ? type : null;
}

/** The name OpenSSH looks up for host and port: "host" on port 22, "[host]:port" otherwise. */
export function hostLookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

export function parseKnownHosts(text: string, path = ''): KnownHostsFile {
  const lines: string[] = [];
  const lineEnds: LineEnd[] = [];
  let crlf = 0;
  for (let start = 0; start < text.length; ) {
    // An empty line (a run of them is what a 5 MB file of line ends is) without a search or a slice.
    if (text.charCodeAt(start) === 10) {
      lines.push('');
      lineEnds.push('\n');
      start++;
      continue;
    }
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push(text.slice(start));
      lineEnds.push('');
      break;
    }
    const cr = nl > start && text.charCodeAt(nl - 1) === 13;
    lines.push(text.slice(start, cr ? nl - 1 : nl));
    lineEnds.push(cr ? '\r\n' : '\n');
    if (cr) crlf++;
    start = nl + 1;
  }
  const lf = lineEnds.length - crlf - (lineEnds[lineEnds.length - 1] === '' ? 1 : 0);
  const eol: '\n' | '\r\n' = crlf > lf ? '\r\n' : '\n';
  const endsWithNewline = text === '' || text.endsWith('\n');
  const entries: KnownHostsEntry[] = [];
  const invalidLines: number[] = [];
  lines.forEach((raw, i) => {
    if (raw === '') return;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const entry = parseLine(raw, i + 1);
    if (entry) entries.push(entry);
    else invalidLines.push(i + 1);
  });
  return { path, exists: true, lines, lineEnds, eol, endsWithNewline, entries, invalidLines };
}

function parseLine(raw: string, line: number): KnownHostsEntry | null {
  const trimmed = raw.trim();
  // One word is never an entry (hosts, type and key are three): refused before the split.
  if (trimmed.indexOf(' ') < 0 && trimmed.indexOf('\t') < 0) return null;
  const fields = trimmed.split(/[ \t]+/);
  let marker: KnownHostsMarker | null = null;
  if (fields[0]?.startsWith('@')) {
    if (fields[0] !== '@revoked' && fields[0] !== '@cert-authority') return null;
    marker = fields[0];
    fields.shift();
  }
  const [hosts, keyType, keyBase64, ...rest] = fields;
  if (!hosts || !keyType || !keyBase64) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return null;
  // The blob names its own type: a line whose key does not parse is not an entry (as in OpenSSH).
  if (blobKeyType(Buffer.from(keyBase64, 'base64')) !== keyType) return null;
  return { line, raw, marker, hosts, hashed: hosts.startsWith('|1|'), keyType, keyBase64, comment: rest.join(' ') };
}

export async function readKnownHosts(path: string): Promise<KnownHostsFile> {
  let text: string;
  try {
    text = await fs.readFile(path, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...parseKnownHosts(''), path, exists: false };
    throw err;
  }
  return parseKnownHosts(text, path);
}


function hashedMatch(field: string, name: string): boolean {
  const parts = field.split('|');
  // "", "1", salt, hash
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = createHmac('sha1', salt).update(name).digest('base64');
  return want === parts[3];
}

/** Does this entry's hosts field name any of the given lookup names (see hostLookupName)? */
export function entryMatches(entry: Pick<KnownHostsEntry, 'hosts' | 'hashed'>, names: string[]): boolean {
  if (entry.hashed) return names.some((n) => hashedMatch(entry.hosts, n));
  let positive = false;
  for (const pattern of entry.hosts.split(',')) {
    if (pattern === '') continue;
    const negated = pattern.startsWith('!');
    const pat = negated ? pattern.slice(1) : pattern;
    if (names.some((n) => sshPatternMatch(n, pat))) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

export interface HostKeyCheck {
  status: 'trusted' | 'unknown' | 'changed' | 'revoked';
  /** trusted: the line(s) holding this key; changed: the old key(s) of the same type; revoked: the @revoked line(s). */
  matches: KnownHostsEntry[];
  /** Keys of other types recorded for this host (a new key type is not a changed key). */
  otherTypes: KnownHostsEntry[];
}

/**
 * Compares a server's host key (its blob, base64) with the file for host:port.
 * Order as OpenSSH: a revoked key is refused whatever else is recorded; a recorded identical key
 * is trusted; a different key of the same type means the key changed; otherwise it is unknown.
 */
export function checkHostKey(file: KnownHostsFile, host: string, port: number, keyType: string, keyBase64: string, extraNames: string[] = []): HostKeyCheck {
  const names = [hostLookupName(host, port), ...extraNames.map((n) => hostLookupName(n, port))];
  const revoked = file.entries.filter((e) => e.marker === '@revoked' && e.keyBase64 === keyBase64);
  if (revoked.length > 0) return { status: 'revoked', matches: revoked, otherTypes: [] };
  const mine = file.entries.filter((e) => e.marker === null && entryMatches(e, names));
  const same = mine.filter((e) => e.keyBase64 === keyBase64);
  if (same.length > 0) return { status: 'trusted', matches: same, otherTypes: [] };
  const sameType = mine.filter((e) => e.keyType === keyType);
  const otherTypes = mine.filter((e) => e.keyType !== keyType);
  if (sameType.length > 0) return { status: 'changed', matches: sameType, otherTypes };
  return { status: 'unknown', matches: [], otherTypes };
}

/** Key types recorded for host:port, in file order (to prefer them during key exchange, as OpenSSH does). */
export function knownKeyTypes(file: KnownHostsFile, host: string, port: number): string[] {
  const names = [hostLookupName(host, port)];
  const types: string[] = [];
  for (const e of file.entries) if (e.marker === null && entryMatches(e, names) && !types.includes(e.keyType)) types.push(e.keyType);
  return types;
}

export interface AddHostKeyOptions {
  /** Write the host name hashed (|1|...), as OpenSSH does with HashKnownHosts yes. Default false. */
  hash?: boolean;
  comment?: string;
}

export interface KnownHostsWrite {
  /** The file written (the symlink's target when the path given is a symlink). */
  path: string;
  backupPath: string | null;
  /** 1-based line of the new entry. */
  line: number;
}

/** A host name or port we refuse to record (the message says why). */
export class KnownHostsNameError extends Error {
  override readonly name = 'KnownHostsNameError';
}

/**
 * Why `host` cannot be written into known_hosts as one literal server name, or null when it can.
 * A pattern (`*`, `?`, `!`), a list (`,`), brackets, a hashed name (`|1|...`), white space or
 * control characters would make the line match other servers (or nothing we can check).
 * Allowed: letters, digits, `.`, `-`, `_`, and `:`/`%` for IPv6 addresses and their zones.
 */
export function hostNameProblem(host: string): string | null {
  if (host === '') return 'the host name is empty';
  if (host.length > 255) return 'the host name is longer than 255 characters';
  if (/[*?]/.test(host)) return `"${visible(host)}" is a pattern (it contains "*" or "?"), which would match other servers too`;
  if (host.startsWith('!')) return `"${visible(host)}" is a negated pattern ("!"), not a server name`;
  if (host.includes(',')) return `"${visible(host)}" is a list of names (","), not one server name`;
  if (host.startsWith('|')) return `"${visible(host)}" is a hashed name that SFTP Doctor did not compute`;
  if (/[[\]]/.test(host)) return `"${visible(host)}" contains brackets; give the host and the port separately`;
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) return `"${visible(host)}" contains characters a host name cannot have`;
  if (host.startsWith('-') || host.startsWith('.')) return `"${visible(host)}" does not start like a host name`;
  return null;
}

function visible(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  // eslint-disable-next-line no-control-regex
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function checkHostAndPort(host: string, port: number): void {
  const problem = hostNameProblem(host);
  if (problem) throw new KnownHostsNameError(`No host key was written: ${problem}.`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new KnownHostsNameError(`No host key was written: the port ${String(port)} is not a port number (1 to 65535).`);
}

function hostField(host: string, port: number, hash: boolean): string {
  checkHostAndPort(host, port);
  const name = hostLookupName(host, port);
  if (!hash) return name;
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** One line of the file to write: its text and its ending (null: a new line, the file's usual ending). */
interface OutLine {
  text: string;
  end: LineEnd | null;
}

function original(file: KnownHostsFile): OutLine[] {
  return file.lines.map((text, i) => ({ text, end: file.lineEnds[i] ?? file.eol }));
}

function serialise(file: KnownHostsFile, lines: OutLine[]): string {
  let out = '';
  lines.forEach((l, i) => {
    // A last line without a line end keeps it that way while it stays last.
    const end = l.end === '' ? (i === lines.length - 1 ? '' : file.eol) : (l.end ?? file.eol);
    out += l.text + end;
  });
  return out;
}

function splitPublicKey(publicKey: string): [string, string] {
  const [type, b64] = publicKey.trim().split(/\s+/);
  if (!type || !b64) throw new Error('not a public key line ("<type> <base64>")');
  return [type, b64];
}

/**
 * The locked read-modify-write every change below goes through: `change` gets the file as it is
 * now and returns the lines to write (or null to leave it alone).
 */
async function rewrite<T>(path: string, change: (file: KnownHostsFile) => { lines: OutLine[] | null; value: T }) {
  const res = await updateFileAtomic(path, (bytes) => {
    const file = bytes === null ? { ...parseKnownHosts('', path), exists: false } : parseKnownHosts(bytes.toString('latin1'), path);
    const { lines, value } = change(file);
    return { data: lines === null ? null : Buffer.from(serialise(file, lines), 'latin1'), value };
  });
  return { path: res.path, backupPath: res.backupPath, value: res.value };
}

/**
 * Adds "host key" as a new line at the end of the file (created with mode 0600 if missing).
 * publicKey is "<type> <base64>" (a comment after it is ignored).
 */
export async function addHostKey(path: string, host: string, port: number, publicKey: string, options: AddHostKeyOptions = {}): Promise<KnownHostsWrite> {
  const [type, b64] = splitPublicKey(publicKey);
  const field = hostField(host, port, options.hash ?? false);
  const line = [field, type, b64, ...(options.comment ? [options.comment] : [])].join(' ');
  const res = await rewrite(path, (file) => {
    const lines = [...original(file), { text: line, end: null }];
    return { lines, value: lines.length };
  });
  return { path: res.path, backupPath: res.backupPath, line: res.value };
}

export interface ReplaceResult extends KnownHostsWrite {
  /** Lines (of the old file) that were removed or had this host taken out of their list. */
  replacedLines: number[];
  /** Lines that still match through a wildcard pattern and could not be changed safely. */
  unresolvedLines: number[];
}

/**
 * Removes this host's recorded keys of the new key's type (all types when `allTypes`), then adds the
 * new key. A line that lists several hosts keeps the others; a wildcard line is left alone and
 * reported as unresolved. Everything else stays byte for byte.
 */
export async function replaceHostKey(path: string, host: string, port: number, publicKey: string, options: AddHostKeyOptions & { allTypes?: boolean } = {}): Promise<ReplaceResult> {
  const [type, b64] = splitPublicKey(publicKey);
  const field = hostField(host, port, options.hash ?? false);
  const line = [field, type, b64, ...(options.comment ? [options.comment] : [])].join(' ');
  const res = await rewrite(path, (file) => {
    const { lines, replacedLines, unresolvedLines } = withoutHost(file, host, port, options.allTypes ? null : type);
    lines.push({ text: line, end: null });
    return { lines, value: { line: lines.length, replacedLines, unresolvedLines } };
  });
  return { path: res.path, backupPath: res.backupPath, ...res.value };
}

/** Removes this host's recorded keys (of one type, or all): like `ssh-keygen -R`. */
export async function removeHostKey(path: string, host: string, port: number, keyType: string | null = null): Promise<Omit<ReplaceResult, 'line'>> {
  const res = await rewrite(path, (file) => {
    const { lines, replacedLines, unresolvedLines } = withoutHost(file, host, port, keyType);
    return { lines: replacedLines.length === 0 ? null : lines, value: { replacedLines, unresolvedLines } };
  });
  return { path: res.path, backupPath: res.backupPath, ...res.value };
}

function withoutHost(file: KnownHostsFile, host: string, port: number, keyType: string | null): { lines: OutLine[]; replacedLines: number[]; unresolvedLines: number[] } {
  const name = hostLookupName(host, port);
  const byLine = new Map(file.entries.map((e) => [e.line, e]));
  const lines: OutLine[] = [];
  const replacedLines: number[] = [];
  const unresolvedLines: number[] = [];
  original(file).forEach((out, i) => {
    const raw = out.text;
    const e = byLine.get(i + 1);
    if (!e || e.marker !== null || (keyType !== null && e.keyType !== keyType) || !entryMatches(e, [name])) {
      lines.push(out);
      return;
    }
    if (e.hashed) {
      replacedLines.push(e.line);
      return;
    }
    const patterns = e.hosts.split(',');
    const rest = patterns.filter((p) => p.toLowerCase() !== name);
    if (rest.length === patterns.length || rest.some((p) => !p.startsWith('!') && sshPatternMatch(name, p))) {
      // Matched only through a wildcard: changing it would change other hosts too.
      unresolvedLines.push(e.line);
      lines.push(out);
      return;
    }
    replacedLines.push(e.line);
    if (rest.length > 0 && rest.some((p) => !p.startsWith('!'))) {
      const start = raw.indexOf(e.hosts);
      lines.push({ text: raw.slice(0, start) + rest.join(',') + raw.slice(start + e.hosts.length), end: out.end });
    }
  });
  return { lines, replacedLines, unresolvedLines };
}

/** A host key to trust for exactly one literal host and port (an imported one, say). */
export interface HostKeyToTrust {
  host: string;
  port: number;
  /** OpenSSH key type, e.g. "ssh-ed25519"; must be the type the key blob names. */
  type: string;
  keyBase64: string;
}

export interface TrustResult {
  /** The file written (or that would have been). */
  file: string;
  backupPath: string | null;
  /** Lines added, exactly as written. */
  added: { host: string; port: number; type: string; sha256: string; line: string }[];
  /** Keys the file already trusts for that host and port. */
  alreadyThere: number;
  /** Keys that differ from what the file already trusts for that host and type: NOT added (the user decides). */
  conflicts: { host: string; port: number; type: string; sha256: string }[];
  /** Keys refused: not a literal host, a bad port, a damaged key, or a key the file marks @revoked. */
  refused: { host: string; port: number; type: string; reason: string }[];
}

/**
 * Records host keys found elsewhere (PuTTY, WinSCP imports): each for its one literal host and
 * port, with a line we build ourselves. Every existing line is kept as it is, a key already there
 * is not added twice, and a key that differs from the one already trusted for the same host and
 * key type is reported instead of added.
 */
export async function trustHostKeys(path: string, keys: readonly HostKeyToTrust[]): Promise<TrustResult> {
  const res = await rewrite(path, (file) => {
    const result: TrustResult = { file: path, backupPath: null, added: [], alreadyThere: 0, conflicts: [], refused: [] };
    const known = file.entries.slice();
    const added: OutLine[] = [];
    for (const k of keys) {
      let field: string;
      try {
        field = hostField(k.host, k.port, false);
      } catch (err) {
        result.refused.push({ host: k.host, port: k.port, type: k.type, reason: (err as Error).message.replace(/^No host key was written: /, '') });
        continue;
      }
      const blob = /^[A-Za-z0-9+/]+={0,2}$/.test(k.keyBase64) ? Buffer.from(k.keyBase64, 'base64') : Buffer.alloc(0);
      if (blobKeyType(blob) !== k.type) {
        result.refused.push({ host: k.host, port: k.port, type: k.type, reason: 'the key is damaged (its data does not name its type)' });
        continue;
      }
      const sha256 = fingerprintSha256(blob);
      if (known.some((e) => e.marker === '@revoked' && e.keyBase64 === k.keyBase64)) {
        result.refused.push({ host: k.host, port: k.port, type: k.type, reason: `the key ${sha256} is marked @revoked in ${path}` });
        continue;
      }
      const names = [hostLookupName(k.host, k.port)];
      const same = known.filter((e) => e.marker === null && e.keyType === k.type && entryMatches(e, names));
      if (same.some((e) => e.keyBase64 === k.keyBase64)) {
        result.alreadyThere++;
      } else if (same.length > 0) {
        result.conflicts.push({ host: k.host, port: k.port, type: k.type, sha256 });
      } else {
        const line = `${field} ${k.type} ${k.keyBase64}`;
        added.push({ text: line, end: null });
        result.added.push({ host: k.host, port: k.port, type: k.type, sha256, line });
        known.push({ line: 0, raw: line, marker: null, hosts: field, hashed: false, keyType: k.type, keyBase64: k.keyBase64, comment: '' });
      }
    }
    return { lines: added.length > 0 ? [...original(file), ...added] : null, value: result };
  });
  return { ...res.value, file: res.path, backupPath: res.backupPath };
}
