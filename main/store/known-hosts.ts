import { createHash, createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './atomic-file';

/**
 * OpenSSH known_hosts files: read, match, add, replace and remove host keys.
 *
 * Format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[@marker] hosts keytype base64 [comment]`.
 * - hosts: comma-separated patterns (`*`, `?`, `!negation`), `[host]:port` for ports other than 22,
 *   or one hashed name `|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>`.
 * - markers: `@revoked` (this key must never be accepted), `@cert-authority` (a CA for host
 *   certificates; kept intact, not used for plain keys).
 * Every write is atomic with a backup, and every line we do not own is kept byte for byte
 * (the file is handled as latin1 so no byte is ever reinterpreted; its line endings are kept).
 */

export type KnownHostsMarker = '@revoked' | '@cert-authority';

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
  /** Line end used by the file ("\n" unless it uses "\r\n"). */
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
  if (blob.length < 4) return null;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return null;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** The name OpenSSH looks up for host and port: "host" on port 22, "[host]:port" otherwise. */
export function hostLookupName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

export function parseKnownHosts(text: string, path = ''): KnownHostsFile {
  const eol: '\n' | '\r\n' = /\r\n/.test(text) ? '\r\n' : '\n';
  const endsWithNewline = text === '' || text.endsWith('\n');
  const body = endsWithNewline && text !== '' ? text.slice(0, -1) : text;
  const lines = text === '' ? [] : body.split('\n').map((l) => (eol === '\r\n' && l.endsWith('\r') ? l.slice(0, -1) : l));
  const entries: KnownHostsEntry[] = [];
  const invalidLines: number[] = [];
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const entry = parseLine(raw, i + 1);
    if (entry) entries.push(entry);
    else invalidLines.push(i + 1);
  });
  return { path, exists: true, lines, eol, endsWithNewline, entries, invalidLines };
}

function parseLine(raw: string, line: number): KnownHostsEntry | null {
  const fields = raw.trim().split(/[ \t]+/);
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

/** OpenSSH-style wildcard match ("*" any run, "?" one character), case-insensitive. */
function wildcardMatch(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative matcher with backtracking on the last "*": linear-ish, no regex built from input.
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < n.length) {
    if (j < p.length && (p[j] === '?' || p[j] === n[i])) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      mark = i;
    } else if (star !== -1) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
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
    if (names.some((n) => wildcardMatch(n, pat))) {
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
  path: string;
  backupPath: string | null;
  /** 1-based line of the new entry. */
  line: number;
}

function hostField(host: string, port: number, hash: boolean): string {
  const name = hostLookupName(host, port);
  if (!hash) return name;
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

function serialise(file: KnownHostsFile, lines: string[]): string {
  if (lines.length === 0) return '';
  const text = lines.join(file.eol);
  // A file whose last line had no line end keeps it that way if that line is still last.
  const lastUnchanged = !file.endsWithNewline && lines[lines.length - 1] === file.lines[file.lines.length - 1];
  return lastUnchanged ? text : `${text}${file.eol}`;
}

/**
 * Adds "host key" as a new line at the end of the file (created with mode 0600 if missing).
 * publicKey is "<type> <base64>" (a comment after it is ignored).
 */
export async function addHostKey(path: string, host: string, port: number, publicKey: string, options: AddHostKeyOptions = {}): Promise<KnownHostsWrite> {
  const file = await readKnownHosts(path);
  const [type, b64] = publicKey.trim().split(/\s+/);
  if (!type || !b64) throw new Error('not a public key line ("<type> <base64>")');
  const line = [hostField(host, port, options.hash ?? false), type, b64, ...(options.comment ? [options.comment] : [])].join(' ');
  const lines = [...file.lines, line];
  const res = await writeFileAtomic(path, Buffer.from(serialise(file, lines), 'latin1'), { mode: 0o600, backup: file.exists });
  return { path, backupPath: res.backupPath, line: lines.length };
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
  const [type, b64] = publicKey.trim().split(/\s+/);
  if (!type || !b64) throw new Error('not a public key line ("<type> <base64>")');
  const file = await readKnownHosts(path);
  const { lines, replacedLines, unresolvedLines } = withoutHost(file, host, port, options.allTypes ? null : type);
  const line = [hostField(host, port, options.hash ?? false), type, b64, ...(options.comment ? [options.comment] : [])].join(' ');
  lines.push(line);
  const res = await writeFileAtomic(path, Buffer.from(serialise(file, lines), 'latin1'), { mode: 0o600, backup: file.exists });
  return { path, backupPath: res.backupPath, line: lines.length, replacedLines, unresolvedLines };
}

/** Removes this host's recorded keys (of one type, or all): like `ssh-keygen -R`. */
export async function removeHostKey(path: string, host: string, port: number, keyType: string | null = null): Promise<Omit<ReplaceResult, 'line'>> {
  const file = await readKnownHosts(path);
  const { lines, replacedLines, unresolvedLines } = withoutHost(file, host, port, keyType);
  if (replacedLines.length === 0) return { path, backupPath: null, replacedLines, unresolvedLines };
  const res = await writeFileAtomic(path, Buffer.from(lines.length ? serialise(file, lines) : '', 'latin1'), { mode: 0o600, backup: true });
  return { path, backupPath: res.backupPath, replacedLines, unresolvedLines };
}

function withoutHost(file: KnownHostsFile, host: string, port: number, keyType: string | null): { lines: string[]; replacedLines: number[]; unresolvedLines: number[] } {
  const name = hostLookupName(host, port);
  const byLine = new Map(file.entries.map((e) => [e.line, e]));
  const lines: string[] = [];
  const replacedLines: number[] = [];
  const unresolvedLines: number[] = [];
  file.lines.forEach((raw, i) => {
    const e = byLine.get(i + 1);
    if (!e || e.marker !== null || (keyType !== null && e.keyType !== keyType) || !entryMatches(e, [name])) {
      lines.push(raw);
      return;
    }
    if (e.hashed) {
      replacedLines.push(e.line);
      return;
    }
    const patterns = e.hosts.split(',');
    const rest = patterns.filter((p) => p.toLowerCase() !== name);
    if (rest.length === patterns.length || rest.some((p) => !p.startsWith('!') && wildcardMatch(name, p))) {
      // Matched only through a wildcard: changing it would change other hosts too.
      unresolvedLines.push(e.line);
      lines.push(raw);
      return;
    }
    replacedLines.push(e.line);
    if (rest.length > 0 && rest.some((p) => !p.startsWith('!'))) {
      const start = raw.indexOf(e.hosts);
      lines.push(raw.slice(0, start) + rest.join(',') + raw.slice(start + e.hosts.length));
    }
  });
  return { lines, replacedLines, unresolvedLines };
}

export interface MergeResult {
  file: string;
  /** Lines added, as given. */
  added: string[];
  /** Lines whose key the file already holds for that host. */
  alreadyThere: number;
  /** Keys that differ from what the file already trusts for that host and type: NOT added (the user decides). */
  conflicts: { line: string; host: string; type: string }[];
  /** Lines that are not valid known_hosts entries: skipped. */
  invalid: string[];
}

/**
 * Adds known_hosts lines found elsewhere (PuTTY, WinSCP imports) to a file: every existing line is
 * kept as it is, a key already there is not added twice, and a key that differs from the one
 * already trusted for the same host and key type is reported instead of added.
 */
export async function mergeHostKeyLines(path: string, lines: string[]): Promise<MergeResult> {
  const file = await readKnownHosts(path);
  const known = file.entries.filter((e) => e.marker === null);
  const result: MergeResult = { file: path, added: [], alreadyThere: 0, conflicts: [], invalid: [] };
  for (const line of lines) {
    const entry = parseLine(line, 0);
    if (!entry || entry.marker !== null || entry.hashed) {
      result.invalid.push(line);
      continue;
    }
    const names = entry.hosts.split(',').filter((n) => n !== '' && !n.startsWith('!'));
    const same = known.filter((e) => e.keyType === entry.keyType && entryMatches(e, names));
    if (same.some((e) => e.keyBase64 === entry.keyBase64)) {
      result.alreadyThere++;
    } else if (same.length > 0) {
      result.conflicts.push({ line, host: names[0] ?? entry.hosts, type: entry.keyType });
    } else {
      result.added.push(line);
      known.push(entry);
    }
  }
  if (result.added.length > 0) {
    await writeFileAtomic(path, Buffer.from(serialise(file, [...file.lines, ...result.added]), 'latin1'), { mode: 0o600, backup: file.exists });
  }
  return result;
}
