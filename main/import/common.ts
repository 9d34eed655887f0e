/**
 * What every importer shares: the parsed result (which may hold a recovered password, so it
 * stays in main), text decoding of files written by Windows tools, and small helpers.
 */
import { createHash } from 'node:crypto';
import type { ImportCandidate, ImportHostKey, ImportPreview, ImportSkipped, ImportSource, Site, SiteOrigin, SiteSettings } from '../../shared/sites';
import type { Secret } from '../common/secret';
import { parsePort as parseSharedPort } from '../../shared/host-input';
import { hostNameProblem } from '../store/known-hosts';
import type { ConvertedHostKey } from './hostkeys';

export interface ImportProblem {
  file: string;
  line?: number;
  message: string;
  /**
   * Set only on the one entry addProblem leaves for the problems of a file past
   * MAX_PROBLEMS_PER_FILE: how many there were. limitProblems counts it and drops the entry.
   */
  omitted?: number;
}

/** A candidate as main sees it: the preview's candidate plus the secret that must not leave main. */
export interface ParsedCandidate extends ImportCandidate {
  /** A password recovered from the source (only used when the user asks for it). */
  password?: Secret;
}

export interface ParsedSource {
  source: ImportSource;
  files: string[];
  candidates: ParsedCandidate[];
  problems: ImportProblem[];
  /** Sites of another protocol (FTP, FTPS, telnet...): left out on purpose, listed as "skipped: FTP". */
  skipped: ImportSkipped[];
  /** Host keys the program trusted, each for one literal host and port (patterns are refused when read). */
  hostKeys: ConvertedHostKey[];
}

export function emptyResult(source: ImportSource): ParsedSource {
  return { source, files: [], candidates: [], problems: [], skipped: [], hostKeys: [] };
}

/**
 * Appends without spreading: `a.push(...b)` passes every element as an argument and throws
 * RangeError (call stack) once b has about 100,000 of them, which one damaged file can give.
 */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/**
 * Host keys read from one file. Real caches hold tens to a few thousand; converting each costs
 * microseconds, so a 5 MB file of 200,000 keys would take seconds for nothing anyone wants.
 */
export const MAX_HOST_KEYS_PER_FILE = 20_000;

export function tooManyHostKeys(file: string): ImportProblem {
  return { file, message: `This file holds more than ${MAX_HOST_KEYS_PER_FILE} cached host keys; the first ${MAX_HOST_KEYS_PER_FILE} were read and the rest skipped. Check that this is the right file.` };
}

/**
 * Sites read from one file (sessions, servers or hosts, imported or skipped). Real files hold
 * tens to a few thousand; reading each costs microseconds, so a 5 MB file of 190,000 sessions
 * took seconds. The rest of the file is still read for host keys.
 */
export const MAX_SITES_PER_FILE = 10_000;

/** Said once per file when it has more sites than MAX_SITES_PER_FILE. */
export function tooManySites(file: string, noun = 'sessions'): ImportProblem {
  return { file, message: `This file has more than ${MAX_SITES_PER_FILE} ${noun}; the first ${MAX_SITES_PER_FILE} were read and the rest skipped. Check that this is the right file, or split it.` };
}

/** Problems kept per file; the rest are counted in one closing line (nobody reads 100,000 lines). */
export const MAX_PROBLEMS_PER_FILE = 100;

/** Keeps the first problems of each file and says how many more there were. */
export function limitProblems(problems: ImportProblem[]): ImportProblem[] {
  const perFile = new Map<string, number>();
  const out: ImportProblem[] = [];
  for (const p of problems) {
    const n = (perFile.get(p.file) ?? 0) + (p.omitted ?? 1);
    perFile.set(p.file, n);
    if (p.omitted === undefined && n <= MAX_PROBLEMS_PER_FILE) out.push(p);
  }
  for (const [file, n] of perFile) {
    if (n > MAX_PROBLEMS_PER_FILE) {
      out.push({ file, message: `${n - MAX_PROBLEMS_PER_FILE} more lines of ${file || 'this file'} could not be read (${n} in all; only the first ${MAX_PROBLEMS_PER_FILE} are listed). Check that this is the right file for this program.` });
    }
  }
  return out;
}

const problemCounts = new WeakMap<ImportProblem[], Map<string, { n: number; rest?: ImportProblem }>>();

/**
 * Adds a problem found while reading a file. Past MAX_PROBLEMS_PER_FILE for one file, the rest
 * are only counted, in one entry that limitProblems turns into its closing line: a 5 MB file of
 * unreadable lines no longer builds millions of problems that limitProblems throws away.
 * limitProblems must run on the list before anyone reads it (every reader ends with it).
 */
export function addProblem(problems: ImportProblem[], p: ImportProblem): void {
  let counts = problemCounts.get(problems);
  if (!counts) {
    counts = new Map();
    problemCounts.set(problems, counts);
  }
  let c = counts.get(p.file);
  if (!c) {
    c = { n: 0 };
    counts.set(p.file, c);
  }
  if (++c.n <= MAX_PROBLEMS_PER_FILE) {
    problems.push(p);
  } else if (c.rest) {
    c.rest.omitted!++;
  } else {
    c.rest = { file: p.file, message: `More lines of ${p.file || 'this file'} could not be read.`, omitted: 1 };
    problems.push(c.rest);
  }
}

const candidateKeys = new WeakMap<ParsedSource, Set<string>>();

/** Adds one parser's result to another (several files of one source). */
export function mergeInto(target: ParsedSource, part: ParsedSource): void {
  for (const f of part.files) if (!target.files.includes(f)) target.files.push(f);
  pushAll(target.problems, part.problems);
  pushAll(target.skipped, part.skipped);
  for (const k of part.hostKeys) addHostKey(target, k);
  let keys = candidateKeys.get(target);
  if (!keys || keys.size !== target.candidates.length) {
    keys = new Set(target.candidates.map((c) => c.key));
    candidateKeys.set(target, keys);
  }
  for (const c of part.candidates) {
    if (keys.has(c.key)) continue;
    keys.add(c.key);
    target.candidates.push(c);
  }
}

const hostKeyLines = new WeakMap<ParsedSource, Set<string>>();

/**
 * Adds a host key once (the same line found twice is one key). The lines already there are kept
 * in a Set beside the list: searching the list for each new key was quadratic in a large cache.
 */
export function addHostKey(target: ParsedSource, key: ConvertedHostKey): void {
  let seen = hostKeyLines.get(target);
  if (!seen || seen.size !== target.hostKeys.length) {
    seen = new Set(target.hostKeys.map((k) => k.line));
    hostKeyLines.set(target, seen);
  }
  if (seen.has(key.line)) return;
  seen.add(key.line);
  target.hostKeys.push(key);
}

/**
 * The host keys that come with a site: those recorded for exactly its host and port (as literal
 * names, compared without case). A site whose host is not one literal name (`*`, a list...) has
 * none, whatever the file holds.
 */
export function hostKeysOfSite(settings: Pick<SiteSettings, 'host' | 'port'>, keys: readonly ConvertedHostKey[]): ConvertedHostKey[] {
  const host = settings.host.trim();
  const port = parsePort(settings.port);
  if (hostNameProblem(host) !== null || port === 'invalid') return [];
  const p = port ?? 22;
  return keys.filter((k) => k.port === p && k.host.toLowerCase() === host.toLowerCase());
}

function shown(k: ConvertedHostKey): ImportHostKey {
  return { host: k.host, port: k.port, type: k.type, sha256: k.sha256 };
}

/** The preview that may cross to the renderer: no password, only whether one was found. */
export function toPreview(parsed: ParsedSource): ImportPreview {
  return {
    source: parsed.source,
    files: [...parsed.files],
    candidates: parsed.candidates.map(({ key, site, hasPassword, duplicateOf }) => {
      const c: ImportCandidate = { key, site, hasPassword };
      if (duplicateOf !== undefined) c.duplicateOf = duplicateOf;
      const keys = hostKeysOfSite(site.settings, parsed.hostKeys);
      if (keys.length > 0) c.hostKeys = keys.map(shown);
      return c;
    }),
    problems: parsed.problems.map((p) => ({ ...p })),
    skipped: parsed.skipped.map((p) => ({ ...p })),
    hostKeys: parsed.hostKeys.map(shown),
  };
}

/** A key that stays the same when the same file is read again (the import call re-reads it). */
export function candidateKey(origin: SiteOrigin): string {
  return createHash('sha256').update(`${origin.tool}\0${origin.file}\0${origin.name}`).digest('hex').slice(0, 16);
}

export function makeCandidate(args: {
  origin: SiteOrigin;
  name: string;
  folder?: string;
  settings: SiteSettings;
  notes?: string[];
  password?: Secret;
}): ParsedCandidate {
  const notes = [...(args.notes ?? [])];
  let name = args.name.trim() || args.settings.host || 'Imported site';
  if (name.includes('/')) {
    name = name.replaceAll('/', '-');
    notes.push(`The name had a "/" (which separates folders here); it was replaced by "-".`);
  }
  const folder = (args.folder ?? '')
    .split('/')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join('/');
  const site: ImportCandidate['site'] = { name, folder, settings: args.settings, origin: args.origin };
  if (notes.length > 0) site.notes = notes;
  const c: ParsedCandidate = { key: candidateKey(args.origin), site, hasPassword: args.password !== undefined };
  if (args.password !== undefined) c.password = args.password;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Text decoding

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

/** Bytes that are UTF-8 when they can be, else Windows-1252 (what Windows tools write as "ANSI"). */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return cp1252.decode(bytes);
  }
}

/**
 * A file as text: UTF-16LE/BE with a BOM (regedit and PowerShell write those), UTF-8 with or
 * without a BOM, else Windows-1252.
 */
export function decodeText(data: string | Uint8Array): string {
  if (typeof data === 'string') return data.replace(/^\uFEFF/, '');
  const b = data;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return decodeBytes(b.subarray(3));
  // UTF-16LE without a BOM: every other byte zero in ASCII text.
  if (b.length >= 4 && b[1] === 0 && b[3] === 0 && b[0] !== 0 && b[2] !== 0) return new TextDecoder('utf-16le').decode(b);
  return decodeBytes(b);
}

/** The value of a hexadecimal digit's character code, or -1 (also for NaN, past the end). */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * %XX decoding as PuTTY and WinSCP write names: the bytes are UTF-8 (WinSCP marks it with an
 * encoded BOM, %EF%BB%BF) or the Windows "ANSI" code page. Characters that were not escaped
 * (already Unicode, e.g. a registry key name) are kept as they are.
 */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  const out: string[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    let arr = Uint8Array.from(bytes);
    if (arr.length >= 3 && arr[0] === 0xef && arr[1] === 0xbb && arr[2] === 0xbf) arr = arr.subarray(3);
    out.push(decodeBytes(arr));
    bytes.length = 0;
  };
  // Read by character code (no slice and regular expression per "%": a value of 5 million of
  // them took 0.3 s).
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const hi = c === 0x25 ? hexDigit(text.charCodeAt(i + 1)) : -1;
    const lo = hi >= 0 ? hexDigit(text.charCodeAt(i + 2)) : -1;
    if (lo >= 0) {
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      flush();
      out.push(text[i]!);
    }
  }
  flush();
  return out.join('');
}

/**
 * The lines of a text, one at a time, with their numbers; a line ends at LF, CRLF or CR (as
 * text.split(/\r\n|\n|\r/) would cut it, without making the array of millions of lines a
 * 5 MB file of line ends gives). Each kind of line end is searched for once per line, and not
 * at all once the text has none left, so any mix of them costs one pass.
 */
export class LineReader {
  /** The number of the line next() returned last (1 for the first). */
  lineNo = 0;
  readonly #text: string;
  #start = 0;
  #nextLf: number;
  #nextCr: number;

  constructor(text: string) {
    this.#text = text;
    this.#nextLf = text.indexOf('\n');
    this.#nextCr = text.indexOf('\r');
  }

  /** Whether next() has a line left to give. */
  get more(): boolean {
    return this.#start <= this.#text.length;
  }

  /**
   * The next line that is not empty, or undefined after the last one. The empty lines before it
   * are passed over a character at a time (and counted), not made one by one: a file of millions
   * of line ends is one short loop.
   */
  nextNonEmpty(): string | undefined {
    const text = this.#text;
    let i = this.#start;
    let n = this.lineNo;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) i++;
      else if (c === 13) i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      else break;
      n++;
    }
    this.lineNo = n;
    this.#start = i;
    // At the very end, what is left is the empty last line of a text that ends with a line end.
    if (i === text.length) {
      this.#start = text.length + 1;
      return undefined;
    }
    return this.next();
  }

  /** The next line without its line end, or undefined after the last one. */
  next(): string | undefined {
    const text = this.#text;
    const start = this.#start;
    if (start > text.length) return undefined;
    if (this.#nextLf >= 0 && this.#nextLf < start) this.#nextLf = text.indexOf('\n', start);
    if (this.#nextCr >= 0 && this.#nextCr < start) this.#nextCr = text.indexOf('\r', start);
    const lf = this.#nextLf;
    const cr = this.#nextCr;
    const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(lf, cr);
    this.lineNo++;
    if (end < 0) {
      this.#start = text.length + 1;
      return text.slice(start);
    }
    this.#start = end === cr && lf === cr + 1 ? end + 2 : end + 1;
    return text.slice(start, end);
  }
}

/** Splits text into lines; accepts LF, CRLF and CR. */
export function splitLines(text: string): string[] {
  // Splitting on a plain "\n" is about twice as fast as the regular expression, which matters for
  // 5 MB files of millions of short lines; the expression is needed only when a CR is present.
  return text.includes('\r') ? text.split(/\r\n|\n|\r/) : text.split('\n');
}

/** Port as the site keeps it: a number when it is one, undefined for the default. */
export function parsePort(value: string | number | undefined): number | undefined | 'invalid' {
  if (value === undefined || String(value).trim() === '') return undefined;
  return parseSharedPort(value) ?? 'invalid';
}

/** Same host, port (22 when not given) and user: how duplicates are recognised. */
export function siteIdentity(settings: Pick<SiteSettings, 'host' | 'port' | 'user'>): string {
  const port = parsePort(settings.port);
  return `${settings.host.trim().toLowerCase()}\0${typeof port === 'number' ? port : 22}\0${settings.user.trim()}`;
}

/** Marks candidates that match an existing site (same host, port and user). */
export function flagDuplicates(candidates: ParsedCandidate[], existing: Site[]): void {
  const byIdentity = new Map<string, string>();
  for (const s of existing) if (!byIdentity.has(siteIdentity(s.settings))) byIdentity.set(siteIdentity(s.settings), s.id);
  for (const c of candidates) {
    const id = byIdentity.get(siteIdentity(c.site.settings));
    if (id !== undefined) c.duplicateOf = id;
    else delete c.duplicateOf;
  }
}

/** "C:\Users\me\key.ppk" read on a machine that is not Windows. */
export function windowsPathNote(keyPath: string | undefined, platform: NodeJS.Platform): string | undefined {
  if (!keyPath || platform === 'win32') return undefined;
  if (/^[A-Za-z]:[\\/]|^\\\\/.test(keyPath)) {
    return `The key file "${keyPath}" is a Windows path. If that file is not on this computer, copy the key here and choose it in the site's settings.`;
  }
  return undefined;
}
