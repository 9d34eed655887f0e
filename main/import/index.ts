/**
 * Import sites from other tools: find their files, read them (never write them), preview what
 * would be imported, and save the chosen sites through the site store.
 *
 *   previewImport(source, { store })              -> ImportPreview (safe for the renderer)
 *   importSelected(source, keys, { store, ... })  -> the saved sites, plus what was left out
 *   discoverSources()                             -> which tools have something to import
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DiscoveredImportSource } from '../../shared/api';
import { IMPORT_SOURCES, SOURCE_LABELS, type ImportPreview, type ImportSource, type Site } from '../../shared/sites';
import { appKnownHostsPath } from '../store/paths';
import { normalizeFolder, type SiteStore } from '../store/sites';
import { decodeText, emptyResult, flagDuplicates, hostKeysOfSite, mergeInto, toPreview, type ParsedCandidate, type ParsedSource } from './common';
import { parseFileZillaSiteManager } from './filezilla';
import type { ConvertedHostKey } from './hostkeys';
import { trustHostKeys, type TrustResult } from '../store/known-hosts';
import { localUserName, parseOpenSshConfig, type IncludedFile } from './openssh';
import { parsePuttyHostKeysFile, parsePuttyRegistry, parsePuttySessionFile } from './putty';
import { parseWinScp } from './winscp';

export { WINSCP_PASSWORD_EXPLANATION } from '../../shared/sites';
export type { ParsedSource };

export { IMPORT_SOURCES, SOURCE_LABELS };

/** Where to look; injectable so tests use a fixture home folder. */
export interface ImportEnvironment {
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  localUser: string;
  localHost: string;
  /** `reg query <key> /s` output on Windows, null when the key does not exist. */
  regQuery: (key: string) => Promise<string | null>;
}

export function defaultImportEnvironment(env: NodeJS.ProcessEnv = process.env): ImportEnvironment {
  return {
    home: os.homedir(),
    platform: process.platform,
    env,
    localUser: localUserName(env),
    localHost: os.hostname(),
    regQuery: (key) =>
      new Promise((resolve) => {
        if (process.platform !== 'win32') return resolve(null);
        execFile('reg', ['query', key, '/s'], { windowsHide: true, timeout: 15_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout) => resolve(err ? null : stdout));
      }),
  };
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_GLOB_RESULTS = 500;

type ReadResult = { ok: true; text: string } | { ok: false; message: string; missing: boolean };

async function readTextFile(file: string): Promise<ReadResult> {
  try {
    const st = await fs.stat(file);
    if (st.isDirectory()) return { ok: false, message: `${file} is a folder, not a file.`, missing: false };
    if (st.size > MAX_FILE_BYTES) return { ok: false, message: `${file} is too large (${Math.round(st.size / 1048576)} MB) to be a settings file; it was not read.`, missing: false };
    return { ok: true, text: decodeText(await fs.readFile(file)) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, message: `${file} does not exist.`, missing: true };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, message: `${file} cannot be read (permission denied). Check its permissions, or copy it somewhere readable and import the copy.`, missing: false };
    return { ok: false, message: `${file} could not be read (${(err as Error).message}).`, missing: false };
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

function globSegmentRegex(seg: string): RegExp {
  let re = '';
  for (const ch of seg) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching an absolute pattern with * and ? (as ssh's Include uses glob(3)), sorted. */
export async function globFiles(pattern: string): Promise<string[]> {
  const abs = path.resolve(pattern);
  const root = path.parse(abs).root;
  const segments = abs.slice(root.length).split(path.sep).filter((s) => s !== '');
  let current = [root];
  for (const seg of segments) {
    const next: string[] = [];
    if (!/[*?]/.test(seg)) {
      for (const d of current) next.push(path.join(d, seg));
    } else {
      const re = globSegmentRegex(seg);
      for (const d of current) {
        let entries: string[];
        try {
          entries = (await fs.readdir(d)).sort();
        } catch {
          continue;
        }
        for (const e of entries) if (re.test(e) && (!e.startsWith('.') || seg.startsWith('.'))) next.push(path.join(d, e));
      }
    }
    current = next.slice(0, MAX_GLOB_RESULTS);
  }
  const files: string[] = [];
  for (const f of current) {
    try {
      if ((await fs.stat(f)).isFile()) files.push(f);
    } catch {
      // vanished or unreadable: ssh would skip it too
    }
  }
  return files;
}

async function readIncluded(pattern: string): Promise<IncludedFile[]> {
  const out: IncludedFile[] = [];
  for (const file of await globFiles(pattern)) {
    const r = await readTextFile(file);
    if (r.ok) out.push({ file, text: r.text });
    else throw new Error(r.message);
  }
  return out;
}

function notFound(source: ImportSource, message: string, file?: string): ParsedSource {
  const result = emptyResult(source);
  result.problems.push({ file: file ?? '', message });
  return result;
}

// --- one reader per source ---------------------------------------------------------------------

/** Said for an Include in a file the browser window sent: only the chosen file itself is read. */
export const UPLOAD_INCLUDE_NOT_READ = 'a file chosen in the browser window is read on its own; choose the included file too, or import from the usual place';

async function readOpenSsh(file: string | undefined, e: ImportEnvironment, uploaded = false): Promise<ParsedSource> {
  const config = file ?? path.join(e.home, '.ssh', 'config');
  const r = await readTextFile(config);
  if (!r.ok) {
    return notFound('openssh', r.missing && !file ? `No OpenSSH config was found (${config} does not exist). If your ssh config is elsewhere, give its path.` : r.message, config);
  }
  const knownHosts = path.join(e.home, '.ssh', 'known_hosts');
  const parsed = await parseOpenSshConfig({
    file: config,
    text: r.text,
    home: e.home,
    localUser: e.localUser,
    localHost: e.localHost,
    readIncluded: uploaded
      ? () => {
          throw new Error(UPLOAD_INCLUDE_NOT_READ);
        }
      : readIncluded,
    ...((await exists(knownHosts)) ? { knownHostsFile: knownHosts } : {}),
  });
  return parsed;
}

async function readPuttyPath(p: string, e: ImportEnvironment, into: ParsedSource): Promise<void> {
  let st;
  try {
    st = await fs.stat(p);
  } catch {
    into.problems.push({ file: p, message: `${p} does not exist.` });
    return;
  }
  if (st.isDirectory()) {
    // A sessions folder (~/.putty/sessions) or PuTTY's own folder (~/.putty).
    const sessionsDir = (await exists(path.join(p, 'sessions'))) ? path.join(p, 'sessions') : p;
    let names: string[] = [];
    try {
      names = (await fs.readdir(sessionsDir)).sort();
    } catch (err) {
      into.problems.push({ file: sessionsDir, message: `${sessionsDir} could not be read (${(err as Error).message}).` });
    }
    for (const name of names.slice(0, MAX_GLOB_RESULTS)) {
      const f = path.join(sessionsDir, name);
      const r = await readTextFile(f);
      if (r.ok) mergeInto(into, parsePuttySessionFile(r.text, f, name, { platform: e.platform }));
      else if (!r.missing) into.problems.push({ file: f, message: r.message });
    }
    const hostKeys = path.join(sessionsDir === p ? path.dirname(p) : p, 'sshhostkeys');
    const hk = await readTextFile(hostKeys);
    if (hk.ok) mergeInto(into, parsePuttyHostKeysFile(hk.text, hostKeys));
    return;
  }
  const r = await readTextFile(p);
  if (!r.ok) {
    into.problems.push({ file: p, message: r.message });
    return;
  }
  const base = path.basename(p);
  if (base === 'sshhostkeys') mergeInto(into, parsePuttyHostKeysFile(r.text, p));
  else if (/^\s*(Windows Registry Editor|REGEDIT4|HKEY_)/m.test(r.text.slice(0, 400))) mergeInto(into, parsePuttyRegistry(r.text, p, { platform: e.platform }));
  else mergeInto(into, parsePuttySessionFile(r.text, p, base, { platform: e.platform }));
}

async function readPutty(file: string | undefined, e: ImportEnvironment): Promise<ParsedSource> {
  const result = emptyResult('putty');
  if (file) {
    await readPuttyPath(file, e, result);
    return result;
  }
  if (e.platform === 'win32') {
    const key = 'HKCU\\Software\\SimonTatham\\PuTTY';
    const out = await e.regQuery(key);
    if (out === null) return notFound('putty', 'No PuTTY settings were found in the registry (HKCU\\Software\\SimonTatham\\PuTTY).', key);
    mergeInto(result, parsePuttyRegistry(out, key, { platform: e.platform }));
    return result;
  }
  const dir = path.join(e.home, '.putty');
  if (!(await exists(dir))) {
    return notFound('putty', `No PuTTY sessions were found (${dir} does not exist). To import from Windows, run "reg query HKCU\\Software\\SimonTatham\\PuTTY /s > putty.txt" there and import that file.`, dir);
  }
  await readPuttyPath(dir, e, result);
  return result;
}

async function readWinScp(file: string | undefined, e: ImportEnvironment): Promise<ParsedSource> {
  if (file) {
    const r = await readTextFile(file);
    if (!r.ok) return notFound('winscp', r.message, file);
    return parseWinScp(r.text, file, { platform: e.platform });
  }
  if (e.platform === 'win32') {
    const candidates = [e.env.APPDATA ? path.join(e.env.APPDATA, 'WinSCP.ini') : null].filter((f): f is string => f !== null);
    for (const ini of candidates) {
      const r = await readTextFile(ini);
      if (r.ok) return parseWinScp(r.text, ini, { platform: e.platform });
    }
    const key = 'HKCU\\Software\\Martin Prikryl\\WinSCP 2';
    const out = await e.regQuery(key);
    if (out !== null) return parseWinScp(out, key, { platform: e.platform });
    return notFound('winscp', 'No WinSCP settings were found (no WinSCP.ini in your application data folder and nothing in the registry). If WinSCP keeps its INI file next to WinSCP.exe, give that file\'s path.');
  }
  return notFound('winscp', 'WinSCP runs on Windows. In WinSCP use Tools > Export/Backup Configuration to save a WinSCP.ini, copy it here and import that file.');
}

function fileZillaLocations(e: ImportEnvironment): string[] {
  if (e.platform === 'win32') return e.env.APPDATA ? [path.join(e.env.APPDATA, 'FileZilla', 'sitemanager.xml')] : [];
  const xdg = e.env.XDG_CONFIG_HOME ? path.join(e.env.XDG_CONFIG_HOME, 'filezilla', 'sitemanager.xml') : null;
  return [xdg, path.join(e.home, '.config', 'filezilla', 'sitemanager.xml'), path.join(e.home, '.filezilla', 'sitemanager.xml')].filter((f): f is string => f !== null);
}

async function readFileZilla(file: string | undefined, e: ImportEnvironment): Promise<ParsedSource> {
  const places = file ? [file] : fileZillaLocations(e);
  for (const f of places) {
    const r = await readTextFile(f);
    if (r.ok) return parseFileZillaSiteManager(r.text, f, { platform: e.platform });
    if (!r.missing || file) return notFound('filezilla', r.message, f);
  }
  return notFound('filezilla', `No FileZilla site manager file was found (looked for ${places.join(', ')}).`);
}

/** Reads one source (from a given file, or from where the tool keeps its settings). */
export async function readSource(source: ImportSource, file: string | undefined, e: ImportEnvironment = defaultImportEnvironment(), uploaded = false): Promise<ParsedSource> {
  const parsed = await readSourceFile(source, file, e, uploaded);
  if (uploaded) for (const c of parsed.candidates) dropNamedPaths(c);
  return parsed;
}

/**
 * A site read from a file the browser window sent keeps no file path of its own (key file,
 * known_hosts): those paths came from the page, and the browser host uses no path it was given.
 */
function dropNamedPaths(c: ParsedCandidate): void {
  const { privateKey, knownHostsPath, ...rest } = c.site.settings;
  if (!privateKey && !knownHostsPath) return;
  const notes = [...(c.site.notes ?? [])];
  if (privateKey?.path) notes.push(`The key file ${privateKey.path} was not kept (the browser window uses no path from a chosen file): choose the key when you connect.`);
  if (knownHostsPath) notes.push(`The known_hosts file ${knownHostsPath} was not kept: SFTP Doctor's own list is used.`);
  c.site = { ...c.site, settings: rest, notes };
}

async function readSourceFile(source: ImportSource, file: string | undefined, e: ImportEnvironment, uploaded: boolean): Promise<ParsedSource> {
  const f = file ? path.resolve(file.startsWith('~/') ? path.join(e.home, file.slice(2)) : file) : undefined;
  switch (source) {
    case 'openssh':
      return readOpenSsh(f, e, uploaded);
    case 'putty':
      return readPutty(f, e);
    case 'winscp':
      return readWinScp(f, e);
    case 'filezilla':
      return readFileZilla(f, e);
  }
}

export interface ImportOptions {
  file?: string;
  /** `file` is a copy of bytes the browser window sent: no Include is followed, no path in it is kept. */
  uploaded?: boolean;
  store: SiteStore;
  environment?: ImportEnvironment;
}

/** What would be imported, with duplicates of saved sites flagged. Holds no password. */
export async function previewImport(source: ImportSource, options: ImportOptions): Promise<ImportPreview> {
  const parsed = await readSource(source, options.file, options.environment, options.uploaded);
  flagDuplicates(parsed.candidates, await options.store.list());
  return toPreview(parsed);
}

export interface ImportSelectedOptions extends ImportOptions {
  /** Import recovered passwords (WinSCP, FileZilla). Only honoured where they can be encrypted. */
  includePasswords: boolean;
  /**
   * Host keys to add to the known_hosts file: those recorded for exactly the host and port of an
   * imported site (default), or none. A key never becomes trusted for a server that is not imported.
   */
  hostKeys?: 'selected' | 'none';
  /** Default: the app's own known_hosts in the store's data folder. */
  knownHostsPath?: string;
}

export interface ImportOutcome {
  sites: Site[];
  /** Selected keys not found when the source was read again (it changed since the preview). */
  missing: string[];
  /** Why passwords were not saved, when they were asked for but could not be. */
  passwordsNotSaved?: string;
  hostKeys?: TrustResult;
  preview: ImportPreview;
}

function uniqueName(candidate: ParsedCandidate, taken: Set<string>): string {
  const folder = normalizeFolder(candidate.site.folder);
  const base = candidate.site.name;
  const key = (n: string) => `${folder.toLowerCase()}/${n.toLowerCase()}`;
  let name = base;
  for (let i = 2; taken.has(key(name)) && i < 1000; i++) name = `${base} (${i})`;
  taken.add(key(name));
  return name;
}

/** Imports the chosen candidates (by key) through the store, in one write. */
export async function importSelected(source: ImportSource, keys: string[], options: ImportSelectedOptions): Promise<ImportOutcome> {
  const parsed = await readSource(source, options.file, options.environment, options.uploaded);
  const existing = await options.store.list();
  flagDuplicates(parsed.candidates, existing);
  const wanted = new Set(keys);
  const chosen = parsed.candidates.filter((c) => wanted.has(c.key));
  const missing = keys.filter((k) => !parsed.candidates.some((c) => c.key === k));

  const outcome: ImportOutcome = { sites: [], missing, preview: toPreview(parsed) };
  const savePasswords = options.includePasswords && options.store.canSavePasswords;
  if (options.includePasswords && !options.store.canSavePasswords && chosen.some((c) => c.password)) {
    outcome.passwordsNotSaved = options.store.vault.reason ?? 'no secure storage is available for passwords here.';
  }

  const taken = new Set(existing.map((s) => `${s.folder.toLowerCase()}/${s.name.toLowerCase()}`));
  const items = chosen.map((c) => {
    const notes = [...(c.site.notes ?? [])];
    if (c.password && !savePasswords) notes.push('A saved password was found but not imported. Enter it when you connect.');
    return {
      draft: {
        name: uniqueName(c, taken),
        folder: c.site.folder,
        settings: c.site.settings,
        ...(savePasswords && c.password ? { password: c.password.reveal() } : {}),
      },
      origin: c.site.origin!,
      notes,
    };
  });
  if (items.length > 0) outcome.sites = await options.store.saveAll(items);

  if ((options.hostKeys ?? 'selected') === 'selected') {
    // Each key for the exact literal host and port of a site being imported, the line built by
    // the store: what the preview listed under that site, nothing else.
    const keys: ConvertedHostKey[] = [];
    for (const c of chosen) for (const k of hostKeysOfSite(c.site.settings, parsed.hostKeys)) if (!keys.includes(k)) keys.push(k);
    if (keys.length > 0) {
      outcome.hostKeys = await trustHostKeys(options.knownHostsPath ?? appKnownHostsPath(options.store.dataDir), keys);
    }
  }
  return outcome;
}

/** What the window's first-start offer shows (shared/api.ts), and the files it was found in. */
export interface DiscoveredSource extends DiscoveredImportSource {
  files: string[];
}

/** Which tools have something to import here (for "first start offers it when any source is found"). */
export async function discoverSources(options: { store?: SiteStore; environment?: ImportEnvironment } = {}): Promise<DiscoveredSource[]> {
  const existing = options.store ? await options.store.list() : [];
  const found: DiscoveredSource[] = [];
  for (const source of IMPORT_SOURCES) {
    const parsed = await readSource(source, undefined, options.environment);
    flagDuplicates(parsed.candidates, existing);
    const sites = parsed.candidates.filter((c) => c.duplicateOf === undefined).length;
    if (sites > 0 || parsed.hostKeys.length > 0) {
      found.push({ source, label: SOURCE_LABELS[source], sites, hostKeys: parsed.hostKeys.length, files: parsed.files });
    }
  }
  return found;
}
