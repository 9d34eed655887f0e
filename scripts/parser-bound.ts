/**
 * Worst-case shapes for every parser of a file the app reads (keys, known_hosts, ssh config,
 * PuTTY .reg / reg query / session files, WinSCP.ini, FileZilla's XML, sites.json), shared by
 * the test that checks each one answers (scripts/parser-bound.test.ts) and by `npm run bench`,
 * which reports the bound: the largest input and the slowest answer.
 *
 * A shape is a prefix that makes the parser take its real path (a key's BEGIN line, a .reg
 * header, <FileZilla3>...) followed by one short unit repeated up to the size: blank lines,
 * CR-only line ends, one long line, NULs, deep nesting, many headers, repeated tokens. Repeated
 * units are what turn a quadratic loop or a backtracking regex into minutes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeText, type ParsedSource } from '../main/import/common';
import { parseFileZillaSiteManager } from '../main/import/filezilla';
import { parseOpenSshConfig } from '../main/import/openssh';
import { parsePuttyHostKeysFile, parsePuttyRegistry, parsePuttySessionFile } from '../main/import/putty';
import { parseWinScp } from '../main/import/winscp';
import { MAX_KEY_FILE_BYTES, inspectKey } from '../main/keys/index';
import { checkHostKey, parseKnownHosts } from '../main/store/known-hosts';
import { SiteStore } from '../main/store/sites';

export const MB = 1024 * 1024;

/** What a parser said about an input: the first message a user would read, and how many. */
export interface Answer {
  message: string;
  count: number;
}

export interface ParserUnderTest {
  name: string;
  /** Prefixes that lead the parser into its real code paths. */
  prefixes: string[];
  /** Units worth repeating for this format (besides the generic ones). */
  units: string[];
  /** Sizes to try: the 5 MB of the budget, and the parser's own cap when it has a lower one. */
  sizes: number[];
  /**
   * Whole documents: a prefix, a unit repeated whole (never cut; blanks pad the rest) and a
   * suffix that closes the document, so the parser reads every unit instead of stopping at a
   * syntax error at the end (5 MB of "1," closed by "1]}" is a valid sites.json).
   */
  documents?: [prefix: string, unit: string, suffix: string][];
  run: (input: Buffer) => Promise<Answer>;
}

/** Units every format gets: line ends of all kinds, blanks, one long line, NULs, quotes... */
export const GENERIC_UNITS = ['\n', '\r\n', '\r', '\n\r', ' \r', ' ', '\t \n', 'A', '\0', '\\', '"', '=', '-', '%', '&', '<', '[', '#', ':', '\u00a0', 'é', '> ', '=\n', '\\n', 'a b ', '\n{i}', 'a{i} '];

/** Runs that only cost something when they do NOT reach the end of the input. */
export const GENERIC_RUNS: [unit: string, suffix: string][] = [[' ', 'x'], ['\t', 'x'], ['\n', 'x'], ['\n ', 'x'], ['=', 'x'], ['-', 'x'], ['\\\n', 'x'], ['0', 'x']];

function fromParsed(p: ParsedSource): Answer {
  const first = p.problems[0]?.message ?? (p.candidates.length > 0 ? `${p.candidates.length} site(s)` : p.skipped.length > 0 ? `${p.skipped.length} skipped` : p.hostKeys.length > 0 ? `${p.hostKeys.length} host key(s)` : '');
  return { message: first, count: p.problems.length + p.candidates.length + p.skipped.length + p.hostKeys.length };
}

function text(b: Buffer): string {
  return decodeText(b);
}

let dataDir: string | null = null;

export const PARSERS: ParserUnderTest[] = [
  {
    name: 'key file (inspectKey)',
    prefixes: ['', '-----BEGIN OPENSSH PRIVATE KEY-----\n', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n', '-----BEGIN ENCRYPTED PRIVATE KEY-----', 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\n', 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: ', '---- BEGIN SSH2 PUBLIC KEY ----\n', 'ssh-ed25519 AAAA'],
    units: ['-----BEGIN ', '-----BEGIN RSA PRIVATE KEY-----\n', 'Proc-Type: 4,ENCRYPTED\n', 'DEK-Info: AES-128-CBC,00\n', 'Comment: x\n', 'Comment: \\\n', 'ssh-rsa ', 'ssh-ed25519 AAAA\n', '1024 35 ', '0123456789', 'AAAA', 'AAAA\n', 'PuTTY-User-Key-File-3: ', '---- BEGIN ', '=3D', '  AAAA\n', '> AAAA\n', 'AAAA  \n', '-----END OPENSSH PRIVATE KEY-----', '\\r\\n'],
    sizes: [MAX_KEY_FILE_BYTES, 5 * MB],
    run: async (b) => {
      const i = await inspectKey(b);
      const p = i.problems.find((x) => x.severity === 'error') ?? i.problems[0];
      return { message: p ? `${p.code}: ${p.message} ${p.fix}` : `${i.kind} ${i.format}`, count: i.problems.length };
    },
  },
  {
    name: 'known_hosts',
    prefixes: ['', 'host.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n'],
    units: ['a ssh-ed25519 AAAA\n', 'h{i} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n', '|1|', ',', '*', '?', '!', '[a]:22,', '@cert-authority ', 'a,b,c ssh-rsa AAAAB3NzaC1yc2E=\n', '*?', '[*]:*'],
    sizes: [5 * MB],
    run: async (b) => {
      const f = parseKnownHosts(b.toString('latin1'), 'known_hosts');
      const check = checkHostKey(f, 'host.example', 22, 'ssh-ed25519', 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl');
      return { message: `${f.entries.length} entries, ${f.invalidLines.length} unreadable lines; host ${check.status}`, count: f.entries.length + f.invalidLines.length };
    },
  },
  {
    name: 'ssh config',
    prefixes: ['', 'Host a\n  HostName ', 'Host a b c\n', 'Match all\n'],
    units: ['Host a\n', 'Host h{i}\n', 'Host h{i}\n  HostName x\n', 'Host ', ' a', 'HostName x\n', 'Include none\n', 'Match all\n', '"', '%h', 'Port 99999\n', 'IdentityFile x\n', '=', 'Host *\n'],
    sizes: [5 * MB],
    run: async (b) => fromParsed(await parseOpenSshConfig({ file: '/h/.ssh/config', text: text(b), home: '/h', localUser: 'u', readIncluded: async () => [] })),
  },
  {
    name: 'PuTTY registry (.reg / reg query)',
    prefixes: ['Windows Registry Editor Version 5.00\r\n[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\a]\r\n', 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\a\r\n    HostName    REG_SZ    x\r\n', 'REGEDIT4\r\n[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\SshHostKeys]\r\n'],
    units: ['[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\a]\r\n', '"v{i}"="x"\r\n', '"v{i}"=hex:00,\\\r\n', 'x\r\n', '"HostName"="x"\r\n', '"a"=hex:00,\\\r\n', '"a"=hex:00,\\', '    a    REG_SZ    b\r\n', '    ', '    REG_SZ', 'HKEY_CURRENT_USER\\', '"ssh-ed25519@22:h"="0x1,0x2"\r\n', '"rsa2@22:h{i}"="0x23,0x{i}"\r\n', '[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\s{i}]\r\n"HostName"="h{i}"\r\n', '%41', '@='],
    sizes: [5 * MB],
    run: async (b) => fromParsed(parsePuttyRegistry(text(b), 'putty.reg')),
  },
  {
    name: 'PuTTY session and sshhostkeys files',
    prefixes: ['', 'HostName=', 'ssh-ed25519@22:h '],
    units: ['HostName=x\n', 'a=b\n', 'v{i}=x\r', 'x\r', 'ssh-ed25519@22:h 0x1,0x2\n', 'rsa2@22:h{i} 0x23,0x{i}\n', '%', '%4', '@'],
    sizes: [5 * MB],
    run: async (b) => {
      const t = text(b);
      const s = fromParsed(parsePuttySessionFile(t, 'sessions/a', 'a'));
      const h = fromParsed(parsePuttyHostKeysFile(t, 'sshhostkeys'));
      return { message: `${s.message} / ${h.message}`, count: s.count + h.count };
    },
  },
  {
    name: 'WinSCP.ini',
    prefixes: ['', '[Sessions\\a]\r\nHostName=', '[Sessions\\a]\r\n', '[SshHostKeys]\r\n'],
    units: ['[Sessions\\a]\r\n', 'v{i}=x\r\n', 'x\r\n', '[Sessions\\%41]\n', '[Sessions\\s{i}]\nHostName=h{i}\n', 'rsa2@22:h{i}=0x23,0x{i}\n', 'HostName=x\n', 'ssh-ed25519@22:h=0x1,0x2\n', '%', '%EF%BB%BF', 'Password=A3\n', '[', ']'],
    sizes: [5 * MB],
    run: async (b) => fromParsed(parseWinScp(text(b), 'WinSCP.ini')),
  },
  {
    name: 'FileZilla sitemanager.xml',
    // The last prefix is one folder with a 100,000-character name: every site under it used to
    // copy the name (10,000 sites: 1 GB of strings, out of memory).
    prefixes: ['', '<?xml version="1.0"?>\n<FileZilla3><Servers>', '<FileZilla3><Servers><Server><Host>', '<FileZilla3><Servers><Folder>', `<FileZilla3><Servers><Folder>${'x'.repeat(100_000)}`],
    units: ['<a>', '<!---->', 'x<!---->', '<![CDATA[x]]>', 'a{i}="" ', '<a></a>', '<Folder/>', '<Server/>', '<Folder>a</Folder>', '<Server><Host>h</Host><Protocol>1</Protocol><Port>x</Port></Server>', '<Folder>x', '<Server><Host>h{i}</Host><Protocol>1</Protocol></Server>', '<Folder>f{i}', '<Server><Host>h</Host><Protocol>1</Protocol></Server>', '<Server>', '<a b="c">', '<a b="', '&amp;', '&#x41;', '&', '<![CDATA[', ']]>', '<?', '<!--', '-->', '</a>', '</', '<a/>', 'a="b" '],
    sizes: [5 * MB],
    run: async (b) => fromParsed(parseFileZillaSiteManager(text(b), 'sitemanager.xml')),
  },
  {
    name: 'sites.json',
    prefixes: ['', '{"schemaVersion":1,"sites":[', '['],
    units: ['[', '{"a":', '{"id":"x","name":"n","folder":"","settings":{"protocol":"sftp","host":"h","user":"u"}},', '"\\u0000",', '1,', '{},', '"', ' '],
    sizes: [5 * MB],
    documents: [
      ['{"schemaVersion":1,"sites":[', '1,', '1]}'],
      ['{"schemaVersion":1,"sites":[', '{},', '{}]}'],
      ['{"schemaVersion":1,"sites":[', '[],', '[]]}'],
      ['{"schemaVersion":1,"sites":[', '"",', '""]}'],
      ['{"schemaVersion":1,"sites":[', '{"id":"x","name":"n","folder":"","settings":{"protocol":"sftp","host":"h","user":"u"},"createdAt":"","updatedAt":""},', '{}]}'],
      ['{"schemaVersion":1,"sites":[', '{"id":"x{i}","name":"n","folder":"","settings":{"protocol":"sftp","host":"h","user":"u"},"createdAt":"","updatedAt":""},', '{}]}'],
      ['{"schemaVersion":1,"sites":[', '{"id":"x{i}","name":"n","folder":"","settings":{"protocol":"sftp","host":"h","user":"u","keepaliveSeconds":-1},"createdAt":"","updatedAt":""},', '{}]}'],
    ],
    run: async (b) => {
      if (!dataDir) dataDir = await mkdtemp(path.join(tmpdir(), 'sftp-doctor-bound-'));
      const dir = await mkdtemp(path.join(dataDir, 's-'));
      await writeFile(path.join(dir, 'sites.json'), b);
      const store = new SiteStore({ dataDir: dir });
      const sites = await store.list();
      const p = store.problems[0]?.message ?? `${sites.length} site(s)`;
      await rm(dir, { recursive: true, force: true });
      return { message: p, count: sites.length + store.problems.length };
    },
  },
];

export async function cleanupBound(): Promise<void> {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = null;
}

export interface Shape {
  parser: ParserUnderTest;
  label: string;
  size: number;
  make: () => Buffer;
}

/**
 * The prefix, then the unit repeated until the input reaches the size, then the suffix. A unit
 * holding "{i}" is numbered (h1, h2, ...), so every repetition is a distinct name.
 */
export function fill(prefix: string, unit: string, size: number, suffix = '', whole = false): Buffer {
  const out = Buffer.alloc(size, whole ? ' ' : 0);
  const head = Buffer.from(prefix, 'utf8');
  const tail = Buffer.from(suffix, 'utf8');
  head.copy(out, 0, 0, Math.min(head.length, size));
  const end = Math.max(head.length, size - tail.length);
  if (!unit.includes('{i}') && !whole) {
    if (head.length < end) out.fill(Buffer.from(unit, 'utf8'), head.length, end);
  } else {
    let at = head.length;
    for (let i = 0; at < end; i++) {
      const u = unit.replace('{i}', String(i));
      if (whole && at + Buffer.byteLength(u) > end) break;
      at += out.write(u, at, end - at, 'utf8');
    }
  }
  tail.copy(out, end);
  return out;
}

/** One whole document of a parser at one size. */
export function documentShape(parser: ParserUnderTest, [prefix, unit, suffix]: [string, string, string], size: number): Shape {
  const label = `document ${JSON.stringify(prefix.slice(0, 20))} + ${JSON.stringify(unit.slice(0, 40))} x N + ${JSON.stringify(suffix)}`;
  return { parser, size, label, make: () => fill(prefix, unit, size, suffix, true) };
}

/** Every (prefix x unit x size) case of one parser. */
export function shapesOf(parser: ParserUnderTest): Shape[] {
  const shapes: Shape[] = [];
  for (const size of parser.sizes) {
    for (const prefix of parser.prefixes) {
      const name = JSON.stringify(prefix.length > 24 ? `${prefix.slice(0, 12)}...${prefix.slice(-12)}` : prefix);
      for (const unit of [...GENERIC_UNITS, ...parser.units]) {
        shapes.push({ parser, size, label: `${name} + ${JSON.stringify(unit)} x N`, make: () => fill(prefix, unit, size) });
      }
      for (const [unit, suffix] of GENERIC_RUNS) {
        shapes.push({ parser, size, label: `${name} + ${JSON.stringify(unit)} x N + ${JSON.stringify(suffix)}`, make: () => fill(prefix, unit, size, suffix) });
      }
    }
    for (const doc of parser.documents ?? []) shapes.push(documentShape(parser, doc, size));
  }
  return shapes;
}

export interface Measured {
  parser: string;
  label: string;
  size: number;
  ms: number;
  answer: Answer;
}

/** Runs one shape, timing only the parser (not building the input). */
export async function measure(shape: Shape): Promise<Measured> {
  const input = shape.make();
  const t0 = process.cpuUsage();
  const answer = await shape.parser.run(input);
  const d = process.cpuUsage(t0);
  return { parser: shape.parser.name, label: shape.label, size: input.length, ms: (d.user + d.system) / 1000, answer };
}
