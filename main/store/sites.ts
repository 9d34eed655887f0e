/**
 * Saved sites: `sites.json` in the app's data folder, schema-versioned, written atomically with
 * a backup. Secrets never go into this file: saved passwords live encrypted in passwords.json
 * (see password-vault.ts), and only main can read them back (getPassword).
 *
 * A file we cannot read is never thrown away: it is moved aside as sites.json.corrupt-<time>,
 * the backup is used when it is good, and the problem is reported (store.problems).
 */
import { promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { KeySourceSchema, SiteSettingsSchema } from '../../shared/schemas/request';
import { SiteSchema } from '../../shared/schemas/sites';
import { siteFullName, type Site, type SiteDraft, type SiteOrigin, type SiteSettings } from '../../shared/sites';
import type { ConnectionRequest } from '../../shared/types';
import { Secret } from '../common/secret';
import { withFileLock, writeFileAtomic } from './atomic-file';
import { PasswordFile, noVault, timestampForFile, type PasswordVault } from './password-vault';

export const SITES_FILE = 'sites.json';
export const SITES_SCHEMA_VERSION = 1;

export type SiteStoreErrorCode = 'NOT_FOUND' | 'INVALID' | 'PASSWORD_NOT_SAVED' | 'READ_ONLY' | 'IO';

/** A refusal the user can act on (the message says what to do). */
export class SiteStoreError extends Error {
  override readonly name = 'SiteStoreError';
  constructor(
    readonly code: SiteStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SiteStoreProblem {
  file: string;
  message: string;
  /** Where the unreadable file was kept. */
  keptAs?: string;
}

export interface SiteStoreOptions {
  dataDir: string;
  /** Encrypts saved passwords; default: none (saving a password is refused). */
  vault?: PasswordVault;
  now?: () => Date;
  newId?: () => string;
}

/** What import (or the app itself) records besides the draft. */
export interface SaveExtras {
  origin?: SiteOrigin;
  notes?: string[];
}

// ---------------------------------------------------------------------------------------------
// The file's schema: the shared site schema (shared/schemas/sites.ts) without what is not stored.
// Settings are checked field by field so nothing unexpected (a password put in the wrong place by
// a caller, a field an older version wrote) reaches the file: unknown fields are dropped here
// rather than refused, so that such a file still loads.

// Of a key, only its file's path is kept: sites.json is no place for a pasted key.
const settingsSchema = z.object({ ...SiteSettingsSchema.shape, privateKey: z.object(KeySourceSchema.pick({ path: true }).shape).optional() });
const storedSiteSchema = SiteSchema.omit({ hasSavedPassword: true }).extend({ settings: settingsSchema });

type StoredSite = z.infer<typeof storedSiteSchema>;

interface SitesDocument {
  schemaVersion: number;
  sites: unknown[];
}

/**
 * Upgrades from each older schema version to the next. Version 0 is the shape before versioning
 * (a bare array of sites). Add `2: (doc) => ...` here when the format changes.
 */
export const SITE_MIGRATIONS: Record<number, (doc: SitesDocument) => SitesDocument> = {
  0: (doc) => ({ schemaVersion: 1, sites: doc.sites }),
};

/** Brings a parsed sites.json to the current version. Throws when it has no recognisable shape. */
export function migrateSitesDocument(raw: unknown): { doc: SitesDocument; from: number } {
  let doc: SitesDocument;
  if (Array.isArray(raw)) {
    doc = { schemaVersion: 0, sites: raw };
  } else if (raw && typeof raw === 'object' && Array.isArray((raw as { sites?: unknown }).sites)) {
    const version = (raw as { schemaVersion?: unknown }).schemaVersion;
    if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 0)) {
      throw new Error(`its schemaVersion (${JSON.stringify(version)}) is not a version number`);
    }
    doc = { schemaVersion: version ?? 0, sites: (raw as { sites: unknown[] }).sites };
  } else {
    throw new Error('it does not contain a list of sites');
  }
  const from = doc.schemaVersion;
  let guard = 0;
  while (doc.schemaVersion < SITES_SCHEMA_VERSION && guard++ < 100) {
    const step = SITE_MIGRATIONS[doc.schemaVersion];
    if (!step) throw new Error(`no upgrade is known from schema version ${doc.schemaVersion}`);
    doc = step(doc);
  }
  return { doc, from };
}

// ---------------------------------------------------------------------------------------------

/** "Work//Clients/ " -> "Work/Clients". */
export function normalizeFolder(folder: string): string {
  return folder
    .split('/')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join('/');
}

function foldKey(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** The full name as a user types it: "Folder/Sub/Name", or "Name" at the top level. */
export { siteFullName };

function cleanSettings(settings: unknown): SiteSettings {
  const raw = (settings && typeof settings === 'object' ? settings : {}) as Record<string, unknown>;
  const key = raw.privateKey as { path?: unknown; text?: unknown } | undefined;
  if (key && typeof key === 'object' && typeof key.text === 'string' && key.text.trim() !== '' && !key.path) {
    throw new SiteStoreError(
      'INVALID',
      'A pasted private key is not stored with a site, because sites.json is not a safe place for it. Save the key to a file (the key inspector can do that) and choose that file for the site.',
    );
  }
  const candidate = { ...raw, privateKey: key && typeof key === 'object' && typeof key.path === 'string' && key.path !== '' ? { path: key.path } : undefined };
  const parsed = settingsSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') : 'settings';
    throw new SiteStoreError('INVALID', `The site's ${where || 'settings'} is not valid (${issue?.message ?? 'unknown problem'}). Check that field and save again.`);
  }
  // Keep the file tidy: no undefined members.
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as SiteSettings;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new SiteStoreError('INVALID', 'A site needs a name. Type a name for it and save again.');
  }
  const trimmed = name.trim();
  if (trimmed.includes('/')) {
    throw new SiteStoreError('INVALID', `A site name cannot contain "/" (it separates folders): "${trimmed}". Use another character, or put the site in a folder.`);
  }
  if (trimmed.length > 500) throw new SiteStoreError('INVALID', 'The site name is too long (over 500 characters). Use a shorter name.');
  return trimmed;
}

export class SiteStore {
  readonly dataDir: string;
  readonly file: string;
  readonly vault: PasswordVault;
  /** Problems met while reading the files (unreadable file kept aside, newer version...). */
  readonly problems: SiteStoreProblem[] = [];
  readonly #now: () => Date;
  readonly #newId: () => string;
  readonly #passwords: PasswordFile;
  #queue: Promise<unknown> = Promise.resolve();
  #readOnlyReason: string | null = null;

  constructor(options: SiteStoreOptions) {
    this.dataDir = options.dataDir;
    this.file = path.join(options.dataDir, SITES_FILE);
    this.vault = options.vault ?? noVault('Passwords cannot be saved here, because no secure storage (OS keychain) is available. Enter the password when you connect.');
    this.#now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? (() => randomUUID());
    this.#passwords = new PasswordFile(options.dataDir);
  }

  /** Saving a password is possible (the UI greys out "save password" otherwise). */
  get canSavePasswords(): boolean {
    return this.vault.available;
  }

  async list(): Promise<Site[]> {
    return this.#locked(async () => {
      const sites = await this.#load();
      const passwords = await this.#readPasswords();
      return sites.map((s) => toSite(s, passwords));
    });
  }

  async get(id: string): Promise<Site | undefined> {
    return (await this.list()).find((s) => s.id === id);
  }

  /** Sites whose name (any folder) or "Folder/Name" matches, ignoring case. */
  async findByName(name: string): Promise<Site[]> {
    const wanted = name.trim();
    if (wanted === '') return [];
    const sites = await this.list();
    const slash = wanted.lastIndexOf('/');
    if (slash >= 0) {
      const folder = foldKey(normalizeFolder(wanted.slice(0, slash)));
      const base = foldKey(wanted.slice(slash + 1).trim());
      return sites.filter((s) => foldKey(s.folder) === folder && foldKey(s.name) === base);
    }
    const key = foldKey(wanted);
    return sites.filter((s) => foldKey(s.name) === key);
  }

  async save(draft: SiteDraft, extras: SaveExtras = {}): Promise<Site> {
    const [site] = await this.saveAll([{ draft, ...extras }]);
    return site!;
  }

  /** Saves several sites with one write (import). All or nothing. */
  async saveAll(items: (SaveExtras & { draft: SiteDraft })[]): Promise<Site[]> {
    // Check everything before touching a file.
    const prepared = items.map(({ draft, origin, notes }) => {
      const name = checkName(draft.name);
      const folder = normalizeFolder(typeof draft.folder === 'string' ? draft.folder : '');
      const settings = cleanSettings(draft.settings);
      const password = typeof draft.password === 'string' && draft.password !== '' ? draft.password : undefined;
      if (password !== undefined && !this.vault.available) {
        throw new SiteStoreError('PASSWORD_NOT_SAVED', `The password was not saved: ${this.vault.reason ?? 'no secure storage is available'} The site was not changed; save it without the password.`);
      }
      if (draft.id !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(draft.id)) {
        throw new SiteStoreError('INVALID', 'The site id is not valid. Reload the site list and try again.');
      }
      const forget = draft.forgetPassword === true || draft.password === '';
      return { id: draft.id, name, folder, settings, password, forget, origin, notes };
    });

    return this.#locked(async () => {
      if (this.#readOnlyReason) throw new SiteStoreError('READ_ONLY', this.#readOnlyReason);
      const sites = await this.#load();
      if (this.#readOnlyReason) throw new SiteStoreError('READ_ONLY', this.#readOnlyReason);
      const passwords = await this.#readPasswords();
      let passwordsChanged = false;
      const now = this.#now().toISOString();
      const savedIds: string[] = [];
      for (const p of prepared) {
        const existing = p.id !== undefined ? sites.find((s) => s.id === p.id) : undefined;
        const id = existing?.id ?? p.id ?? this.#newId();
        const record: StoredSite = {
          id,
          name: p.name,
          folder: p.folder,
          settings: p.settings,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        const origin = p.origin ?? existing?.origin;
        const notes = p.notes ?? existing?.notes;
        if (origin) record.origin = origin;
        if (notes && notes.length > 0) record.notes = notes;
        if (existing) sites[sites.indexOf(existing)] = record;
        else sites.push(record);
        if (p.password !== undefined) {
          passwords.set(id, this.vault.encrypt(p.password).toString('base64'));
          passwordsChanged = true;
        } else if (p.forget && passwords.delete(id)) {
          passwordsChanged = true;
        }
        savedIds.push(id);
      }
      await this.#writeSites(sites);
      if (passwordsChanged) await this.#passwords.write(prune(passwords, sites));
      return savedIds.map((id) => toSite(sites.find((s) => s.id === id)!, passwords));
    }, true);
  }

  async delete(id: string): Promise<boolean> {
    return this.#locked(async () => {
      const sites = await this.#load();
      const index = sites.findIndex((s) => s.id === id);
      if (index < 0) return false;
      if (this.#readOnlyReason) throw new SiteStoreError('READ_ONLY', this.#readOnlyReason);
      sites.splice(index, 1);
      await this.#writeSites(sites);
      const passwords = await this.#readPasswords();
      if (passwords.delete(id)) await this.#passwords.write(passwords);
      return true;
    }, true);
  }

  /** The saved password, for main only (never send it to the renderer). */
  async getPassword(id: string): Promise<Secret | undefined> {
    return this.#locked(async () => {
      const passwords = await this.#readPasswords();
      const data = passwords.get(id);
      if (data === undefined || !this.vault.available) return undefined;
      try {
        return Secret.from(this.vault.decrypt(Buffer.from(data, 'base64')));
      } catch (err) {
        this.#report({
          file: this.#passwords.file,
          message: `The saved password of a site could not be decrypted (${(err as Error).message}). The OS keychain may have changed; enter the password again and save it.`,
        });
        return undefined;
      }
    });
  }

  // -------------------------------------------------------------------------------------------

  /**
   * One operation at a time in this process; a change also holds sites.json's cross-process lock
   * around its whole read-modify-write (the window and a CLI import may run at once), which
   * covers passwords.json too.
   */
  #locked<T>(fn: () => Promise<T>, change = false): Promise<T> {
    const op = change ? () => withFileLock(this.file, fn) : fn;
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #report(problem: SiteStoreProblem): void {
    if (!this.problems.some((p) => p.message === problem.message)) this.problems.push(problem);
  }

  async #readPasswords(): Promise<Map<string, string>> {
    const result = await this.#passwords.read();
    if (this.#passwords.problem) {
      this.#report(this.#passwords.problem);
      this.#passwords.problem = null;
    }
    return result;
  }

  async #writeSites(sites: StoredSite[]): Promise<void> {
    const doc = { schemaVersion: SITES_SCHEMA_VERSION, sites };
    await writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  }

  /** Reads sites.json, repairing what it can and keeping aside what it cannot read. */
  async #load(): Promise<StoredSite[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new SiteStoreError('IO', `The saved sites file ${this.file} cannot be read: ${(err as Error).message}. Check its permissions.`);
    }
    const parsed = parseSitesText(text);
    if (parsed.ok) {
      if (parsed.newer) {
        this.#readOnlyReason = `The saved sites file ${this.file} was written by a newer version of SFTP Doctor (schema ${parsed.newer}). It was left unchanged; update SFTP Doctor to change your sites.`;
        this.#report({ file: this.file, message: this.#readOnlyReason });
      } else {
        this.#readOnlyReason = null;
      }
      if (parsed.invalid.length > 0 && !parsed.newer) {
        const keptAs = await this.#keepAside('copy');
        this.#report({
          file: this.file,
          keptAs,
          message: `${parsed.invalidCount} saved site(s) in ${this.file} could not be read (${parsed.invalid.join('; ')}${parsed.invalidCount > parsed.invalid.length ? `; and ${parsed.invalidCount - parsed.invalid.length} more` : ''}) and were left out. The original file was kept as ${keptAs}.`,
        });
        await this.#writeSites(parsed.sites);
      }
      return parsed.sites;
    }

    // Unreadable as a whole: move it aside, then try the backup.
    this.#readOnlyReason = null;
    const keptAs = await this.#keepAside('move');
    let message = `The saved sites file could not be read (${parsed.error}). It was kept as ${keptAs}.`;
    let sites: StoredSite[] = [];
    try {
      const backup = parseSitesText(await fs.readFile(`${this.file}.bak`, 'utf8'));
      if (backup.ok && !backup.newer) {
        sites = backup.sites;
        await this.#writeSites(sites);
        message += ` The sites were restored from the backup ${this.file}.bak (${sites.length} site(s)); check that recent changes are there.`;
      } else {
        message += ' The backup could not be used either; your site list starts empty. Import your sites again or recover them from the kept file.';
      }
    } catch {
      message += ' There is no backup; your site list starts empty. Import your sites again or recover them from the kept file.';
    }
    this.#report({ file: this.file, keptAs, message });
    return sites;
  }

  async #keepAside(how: 'move' | 'copy'): Promise<string> {
    let keptAs = `${this.file}.corrupt-${timestampForFile(this.#now())}`;
    for (let i = 1; i < 100; i++) {
      try {
        await fs.access(keptAs);
        keptAs = `${this.file}.corrupt-${timestampForFile(this.#now())}-${i}`;
      } catch {
        break;
      }
    }
    if (how === 'move') await fs.rename(this.file, keptAs);
    else await fs.copyFile(this.file, keptAs);
    return keptAs;
  }
}

/**
 * False only for what storedSiteSchema surely refuses: not an object, or without the text
 * fields, settings object, protocol, host and user every site has.
 */
function maybeSite(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
  const e = entry as Record<string, unknown>;
  if (typeof e.id !== 'string' || typeof e.name !== 'string' || typeof e.folder !== 'string' || typeof e.createdAt !== 'string' || typeof e.updatedAt !== 'string') return false;
  const settings = e.settings;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return false;
  const st = settings as Record<string, unknown>;
  return (st.protocol === 'sftp' || st.protocol === 'scp') && typeof st.host === 'string' && typeof st.user === 'string';
}

/** Unreadable entries named one by one in the message; the rest are counted. */
const MAX_INVALID_LISTED = 20;

type ParsedSites = { ok: true; sites: StoredSite[]; invalid: string[]; invalidCount: number; newer: number | null } | { ok: false; error: string };

/** Deepest bracket nesting read: a sites file has five levels (document, list, site, settings, a list in them). */
const MAX_JSON_DEPTH = 64;

/**
 * Objects and lists in a sites file we wrote: each takes at least this many bytes of the file on
 * average (a site is over 100 bytes with its settings, and every list or object inside has a name
 * of its own). 5 MB of "{}," is a brace for every 3 bytes, and JSON.parse spends 0.5 s on it.
 */
const MIN_BYTES_PER_CONTAINER = 8;
/** Files this small are parsed whatever their shape. */
const CONTAINERS_ALWAYS_READ = 10_000;

/**
 * What makes the text no sites file, found in one pass before JSON.parse: brackets (outside
 * strings) that nest deeper than MAX_JSON_DEPTH (JSON.parse took 0.4 s on 5 MB of "[" before it
 * found that they never close), or far more objects and lists than a file of its size holds.
 */
function shapeProblem(text: string): string | null {
  let depth = 0;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      containers++;
      if (++depth > MAX_JSON_DEPTH) return `its brackets are nested more than ${MAX_JSON_DEPTH} deep, which no sites file is`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  if (containers > CONTAINERS_ALWAYS_READ && containers * MIN_BYTES_PER_CONTAINER > text.length) {
    return `it holds ${containers} objects and lists in ${text.length} characters, one every ${Math.max(1, Math.round(text.length / containers))} characters, where a sites file has one every ${MIN_BYTES_PER_CONTAINER} or more`;
  }
  return null;
}

function parseSitesText(text: string): ParsedSites {
  const shape = shapeProblem(text);
  if (shape) return { ok: false, error: shape };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, error: `it is not valid JSON: ${(err as Error).message}` };
  }
  let doc: SitesDocument;
  try {
    doc = migrateSitesDocument(raw).doc;
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const newer = doc.schemaVersion > SITES_SCHEMA_VERSION ? doc.schemaVersion : null;
  const sites: StoredSite[] = [];
  const invalid: string[] = [];
  let invalidCount = 0;
  const seen = new Set<string>();
  // A file of a million unreadable entries must not take a million stack traces (zod's errors
  // capture one each: 5 MB of "1," took 16 s) nor name each of them in one message.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    doc.sites.forEach((entry, index) => {
      // Past the entries the message names, one that cannot be a site is only counted: zod
      // takes microseconds to say why, a typeof test nanoseconds.
      if (invalidCount >= MAX_INVALID_LISTED && !maybeSite(entry)) {
        invalidCount++;
        return;
      }
      const result = storedSiteSchema.safeParse(entry);
      if (result.success && !seen.has(result.data.id)) {
        seen.add(result.data.id);
        sites.push(result.data);
      } else if (++invalidCount <= MAX_INVALID_LISTED) {
        const issue = result.success ? { path: ['id'], message: 'same id as an earlier site' } : result.error.issues[0];
        invalid.push(`entry ${index + 1}: ${issue ? `${issue.path.join('.') || 'entry'}: ${issue.message}` : 'not a site'}`);
      }
    });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { ok: true, sites, invalid, invalidCount, newer };
}

function prune(passwords: Map<string, string>, sites: StoredSite[]): Map<string, string> {
  const ids = new Set(sites.map((s) => s.id));
  return new Map([...passwords].filter(([id]) => ids.has(id)));
}

function toSite(s: StoredSite, passwords: ReadonlyMap<string, string>): Site {
  const site: Site = {
    id: s.id,
    name: s.name,
    folder: s.folder,
    settings: s.settings as SiteSettings,
    hasSavedPassword: passwords.has(s.id),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
  if (s.origin) site.origin = s.origin;
  if (s.notes) site.notes = s.notes;
  return site;
}

// ---------------------------------------------------------------------------------------------

export type SiteTarget =
  | { kind: 'site'; site: Site; request: ConnectionRequest }
  | { kind: 'ambiguous'; matches: Site[]; message: string }
  | { kind: 'none' };

/**
 * A saved site named on the command line (`sftp-doctor diagnose "Work/Web server"`): by id, by
 * name ignoring case, or by "Folder/Name". `none` means it is not a site name (treat it as a host).
 * The request carries the site id; main adds the saved password (store.getPassword) when it runs.
 */
export async function resolveSiteTarget(name: string, store: SiteStore): Promise<SiteTarget> {
  const wanted = name.trim();
  if (wanted === '') return { kind: 'none' };
  const byId = await store.get(wanted);
  const matches = byId ? [byId] : await store.findByName(wanted);
  if (matches.length === 0) return { kind: 'none' };
  if (matches.length > 1) {
    const names = matches.map(siteFullName);
    return {
      kind: 'ambiguous',
      matches,
      message: `"${wanted}" matches ${matches.length} saved sites: ${names.join(', ')}. Give the full name with its folder, for example "${names.find((n) => n.includes('/')) ?? names[0]}".`,
    };
  }
  const site = matches[0]!;
  return { kind: 'site', site, request: { ...site.settings, siteId: site.id } };
}
