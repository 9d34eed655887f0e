import { promises as fs } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SiteDraft } from '../../shared/sites';
import { noVault, type PasswordVault } from './password-vault';
import { SITES_SCHEMA_VERSION, SiteStore, SiteStoreError, migrateSitesDocument } from './sites';

/** A real reversible cipher standing in for Electron's safeStorage (AES-256-GCM, random key). */
function testVault(): PasswordVault {
  const key = randomBytes(32);
  return {
    available: true,
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(data) {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const draft = (over: Partial<SiteDraft> = {}): SiteDraft => ({
  name: 'Web server',
  folder: '',
  settings: { protocol: 'sftp', host: 'files.example.com', port: 22, user: 'anna' },
  ...over,
});

let dir: string;
let clock: number;
const now = () => new Date(Date.UTC(2025, 0, 1) + clock++ * 1000);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sites-store-'));
  clock = 0;
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const sitesFile = () => path.join(dir, 'sites.json');
const readJson = async (f: string) => JSON.parse(await fs.readFile(f, 'utf8')) as Record<string, unknown>;

describe('SiteStore basics', () => {
  it('saves, lists, updates (keeping createdAt) and deletes a site', async () => {
    const store = new SiteStore({ dataDir: dir, now });
    expect(await store.list()).toEqual([]);
    const a = await store.save(draft({ folder: ' Work / Clients ' }));
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.folder).toBe('Work/Clients');
    expect(a.hasSavedPassword).toBe(false);

    const b = await store.save(draft({ id: a.id, name: 'Web server 2', folder: 'Work' }));
    expect(b.id).toBe(a.id);
    expect(b.createdAt).toBe(a.createdAt);
    expect(b.updatedAt > a.updatedAt).toBe(true);
    expect((await store.list()).map((s) => s.name)).toEqual(['Web server 2']);

    // A second store over the same folder (another process, the CLI) sees the same data.
    expect(await new SiteStore({ dataDir: dir }).get(a.id)).toMatchObject({ name: 'Web server 2', folder: 'Work' });

    expect(await store.delete(a.id)).toBe(true);
    expect(await store.delete(a.id)).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('writes a versioned file atomically and keeps the previous version as a backup', async () => {
    const store = new SiteStore({ dataDir: dir, now });
    await store.save(draft({ name: 'first' }));
    const first = await fs.readFile(sitesFile(), 'utf8');
    expect(JSON.parse(first)).toMatchObject({ schemaVersion: SITES_SCHEMA_VERSION });
    await store.save(draft({ name: 'second' }));
    expect(await fs.readFile(`${sitesFile()}.bak`, 'utf8')).toBe(first);
    expect((await fs.stat(sitesFile())).mode & 0o777).toBe(0o600);
    // No temporary files left behind.
    expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('serialises concurrent saves so that none is lost', async () => {
    const store = new SiteStore({ dataDir: dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(draft({ name: `site ${i}` }))));
    expect((await store.list()).length).toBe(20);
  });

  it('finds sites by name ignoring case, and by "Folder/Name"', async () => {
    const store = new SiteStore({ dataDir: dir });
    await store.save(draft({ name: 'Prod', folder: 'Work/Clients' }));
    await store.save(draft({ name: 'prod', folder: 'Home' }));
    await store.save(draft({ name: 'Café', folder: '' }));
    expect((await store.findByName('PROD')).length).toBe(2);
    expect((await store.findByName('work/clients/prod')).map((s) => s.folder)).toEqual(['Work/Clients']);
    expect((await store.findByName('café')).length).toBe(1);
    expect(await store.findByName('Home/Nope')).toEqual([]);
  });

  it('refuses bad drafts with a message that says what to do, without writing anything', async () => {
    const store = new SiteStore({ dataDir: dir });
    await expect(store.save(draft({ name: '  ' }))).rejects.toThrow(/needs a name/);
    await expect(store.save(draft({ name: 'a/b' }))).rejects.toThrow(/cannot contain "\/"/);
    const pasted = draft({ settings: { protocol: 'sftp', host: 'h', user: 'u', privateKey: { text: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc' } } });
    await expect(store.save(pasted)).rejects.toThrow(/Save the key to a file/);
    await expect(fs.access(sitesFile())).rejects.toThrow();
  });

  it('never writes a secret into sites.json, even when a caller puts one in the settings', async () => {
    const store = new SiteStore({ dataDir: dir, vault: testVault() });
    const sneaky = { ...draft().settings, password: 'hunter2-in-settings', passphrase: 'pp-secret', privateKey: { path: '/k/id', text: 'KEYTEXT' } };
    await store.save({ ...draft(), settings: sneaky as SiteDraft['settings'], password: 'hunter2' });
    const text = await fs.readFile(sitesFile(), 'utf8');
    expect(text).not.toMatch(/hunter2|pp-secret|KEYTEXT/);
    expect(text).toContain('/k/id');
  });
});

describe('saved passwords', () => {
  it('stores them encrypted in passwords.json (0600), reflects hasSavedPassword, and forgets them', async () => {
    const store = new SiteStore({ dataDir: dir, vault: testVault() });
    const site = await store.save(draft({ password: ' s3cret pass ' }));
    expect(site.hasSavedPassword).toBe(true);
    const pwFile = path.join(dir, 'passwords.json');
    const raw = await fs.readFile(pwFile, 'utf8');
    expect(raw).not.toContain('s3cret');
    expect((await fs.stat(pwFile)).mode & 0o777).toBe(0o600);
    expect((await store.getPassword(site.id))?.reveal()).toBe(' s3cret pass ');
    expect(String(await store.getPassword(site.id))).toBe('[secret]');

    // Saving without a password keeps the stored one.
    expect((await store.save(draft({ id: site.id, name: 'renamed' }))).hasSavedPassword).toBe(true);
    // forgetPassword removes it.
    expect((await store.save(draft({ id: site.id, forgetPassword: true }))).hasSavedPassword).toBe(false);
    expect(await store.getPassword(site.id)).toBeUndefined();
  });

  it('deleting a site deletes its password', async () => {
    const store = new SiteStore({ dataDir: dir, vault: testVault() });
    const site = await store.save(draft({ password: 'pw' }));
    await store.delete(site.id);
    const doc = await readJson(path.join(dir, 'passwords.json'));
    expect(doc.passwords).toEqual({});
  });

  it('refuses to save a password without a vault, says why, and changes nothing', async () => {
    const store = new SiteStore({ dataDir: dir, vault: noVault('The browser window cannot reach the OS keychain.') });
    expect(store.canSavePasswords).toBe(false);
    const err = await store.save(draft({ password: 'pw' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SiteStoreError);
    expect((err as SiteStoreError).code).toBe('PASSWORD_NOT_SAVED');
    expect((err as Error).message).toContain('cannot reach the OS keychain');
    await expect(fs.access(sitesFile())).rejects.toThrow();
    // Without the password it saves fine.
    expect((await store.save(draft())).hasSavedPassword).toBe(false);
  });
});

describe('damaged or foreign files', () => {
  it('keeps a corrupt sites.json aside, reports it, and restores the backup', async () => {
    const store = new SiteStore({ dataDir: dir, now });
    await store.save(draft({ name: 'kept' }));
    await store.save(draft({ name: 'newer' })); // .bak now holds "kept" only
    await fs.writeFile(sitesFile(), '{"schemaVersion":1,"sites":[{"id":"x", TRUNCATED');

    const fresh = new SiteStore({ dataDir: dir, now });
    const names = (await fresh.list()).map((s) => s.name);
    expect(names).toEqual(['kept']);
    expect(fresh.problems).toHaveLength(1);
    const problem = fresh.problems[0]!;
    expect(problem.message).toMatch(/not valid JSON/);
    expect(problem.message).toMatch(/restored from the backup/);
    expect(problem.keptAs).toMatch(/sites\.json\.corrupt-2025-01-01T/);
    expect(await fs.readFile(problem.keptAs!, 'utf8')).toContain('TRUNCATED');
    // The restored list is on disk: a third reader sees it without a problem.
    const third = new SiteStore({ dataDir: dir });
    expect((await third.list()).map((s) => s.name)).toEqual(['kept']);
    expect(third.problems).toEqual([]);
  });

  it('starts empty (and says so) when there is no usable backup, keeping the bad file', async () => {
    await fs.writeFile(sitesFile(), 'not json at all');
    const store = new SiteStore({ dataDir: dir });
    expect(await store.list()).toEqual([]);
    expect(store.problems[0]?.message).toMatch(/no backup; your site list starts empty/);
    const kept = (await fs.readdir(dir)).filter((f) => f.startsWith('sites.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(await fs.readFile(path.join(dir, kept[0]!), 'utf8')).toBe('not json at all');
  });

  it('leaves out one unreadable entry, keeps the others and a copy of the original', async () => {
    const good = { id: 'a1', name: 'good', folder: '', settings: { protocol: 'sftp', host: 'h', user: 'u' }, createdAt: 't', updatedAt: 't' };
    const original = JSON.stringify({ schemaVersion: 1, sites: [good, { id: 'b2', name: 'bad', settings: { protocol: 'telnet' } }] });
    await fs.writeFile(sitesFile(), original);
    const store = new SiteStore({ dataDir: dir });
    expect((await store.list()).map((s) => s.name)).toEqual(['good']);
    expect(store.problems[0]?.message).toMatch(/1 saved site\(s\).*entry 2/);
    expect(await fs.readFile(store.problems[0]!.keptAs!, 'utf8')).toBe(original);
  });

  it('names the first 20 unreadable entries and counts the rest, keeping the sites among them', async () => {
    const good = (i: number) => ({ id: `g${i}`, name: `good ${i}`, folder: '', settings: { protocol: 'sftp', host: 'h', user: 'u' }, createdAt: 't', updatedAt: 't' });
    const bad = [1, {}, [], 'x', null, { ...good(0), settings: { protocol: 'sftp', host: 'h', user: 'u', keepaliveSeconds: -1 } }];
    const entries: unknown[] = [];
    for (let i = 0; i < 100_000; i++) entries.push(i % 1000 === 500 ? good(i) : bad[i % bad.length]);
    await fs.writeFile(sitesFile(), JSON.stringify({ schemaVersion: 1, sites: entries }));
    const store = new SiteStore({ dataDir: dir });
    expect((await store.list()).map((s) => s.name)).toEqual(Array.from({ length: 100 }, (_, k) => `good ${k * 1000 + 500}`));
    const message = store.problems[0]!.message;
    expect(message).toMatch(/^99900 saved site\(s\) in .* could not be read \(entry 1: entry: .*; entry 20: .*; and 99880 more\) and were left out\./);
    expect(message.match(/entry \d+:/g)).toHaveLength(20);
    expect(message).toMatch(/entry 6: settings\.keepaliveSeconds: /);
  });

  it('sets aside a file whose brackets nest far deeper than a sites file, saying so, and restores the backup', async () => {
    const store = new SiteStore({ dataDir: dir, now });
    await store.save(draft());
    await store.save(draft({ name: 'Second' }));
    await fs.writeFile(sitesFile(), `{"schemaVersion":1,"sites":${'['.repeat(100_000)}`);
    const reopened = new SiteStore({ dataDir: dir, now });
    expect((await reopened.list()).map((s) => s.name)).toEqual(['Web server']);
    expect(reopened.problems[0]?.message).toMatch(/^The saved sites file could not be read \(its brackets are nested more than 64 deep, which no sites file is\)\. It was kept as .*\. The sites were restored from the backup/);
  });

  it('sets aside a file of far more objects than its size holds (5 MB of "{},"), saying so, and still reads 20,000 real sites', async () => {
    const store = new SiteStore({ dataDir: dir, now });
    await store.save(draft());
    await store.save(draft({ name: 'Second' }));
    const unit = '{},';
    await fs.writeFile(sitesFile(), `{"schemaVersion":1,"sites":[${unit.repeat(1_700_000)}{}]}`);
    const reopened = new SiteStore({ dataDir: dir, now });
    expect((await reopened.list()).map((s) => s.name)).toEqual(['Web server']);
    expect(reopened.problems[0]?.message).toMatch(/^The saved sites file could not be read \(it holds 1700003 objects and lists in 5100032 characters, one every 3 characters, where a sites file has one every 8 or more\)\. It was kept as .*\. The sites were restored from the backup/);
    // Many real sites are far from that shape: every one is read.
    const site = (i: number) => ({ id: `r${i}`, name: `s${i}`, folder: '', settings: { protocol: 'sftp', host: 'h', user: 'u', authMethods: [] }, createdAt: 't', updatedAt: 't' });
    await fs.writeFile(sitesFile(), JSON.stringify({ schemaVersion: 1, sites: Array.from({ length: 20_000 }, (_, i) => site(i)) }));
    const many = new SiteStore({ dataDir: dir, now });
    expect(await many.list()).toHaveLength(20_000);
    expect(many.problems).toEqual([]);
  });

  it('upgrades a file without schemaVersion (version 0) and writes the current version', async () => {
    const old = [{ id: 'a1', name: 'old', folder: '', settings: { protocol: 'sftp', host: 'h', user: 'u' }, createdAt: 't', updatedAt: 't' }];
    await fs.writeFile(sitesFile(), JSON.stringify(old));
    expect(migrateSitesDocument(old).from).toBe(0);
    const store = new SiteStore({ dataDir: dir });
    expect((await store.list()).map((s) => s.name)).toEqual(['old']);
    await store.save(draft({ name: 'new' }));
    expect(await readJson(sitesFile())).toMatchObject({ schemaVersion: SITES_SCHEMA_VERSION });
  });

  it('reads but never rewrites a file from a newer version', async () => {
    const text = JSON.stringify({ schemaVersion: 99, sites: [{ id: 'a1', name: 'future', folder: '', settings: { protocol: 'sftp', host: 'h', user: 'u' }, createdAt: 't', updatedAt: 't' }] });
    await fs.writeFile(sitesFile(), text);
    const store = new SiteStore({ dataDir: dir });
    expect((await store.list()).map((s) => s.name)).toEqual(['future']);
    const err = await store.save(draft()).catch((e: unknown) => e);
    expect((err as SiteStoreError).code).toBe('READ_ONLY');
    expect((err as Error).message).toMatch(/newer version.*update SFTP Doctor/);
    expect(await fs.readFile(sitesFile(), 'utf8')).toBe(text);
  });

  it('moves an unreadable passwords.json aside and keeps working', async () => {
    const vault = testVault();
    const store = new SiteStore({ dataDir: dir, vault });
    const site = await store.save(draft({ password: 'pw' }));
    await fs.writeFile(path.join(dir, 'passwords.json'), '{oops');
    const again = new SiteStore({ dataDir: dir, vault });
    expect((await again.get(site.id))?.hasSavedPassword).toBe(false);
    expect(again.problems[0]?.message).toMatch(/saved passwords must be entered again/);
    expect((await fs.readdir(dir)).some((f) => f.startsWith('passwords.json.corrupt-'))).toBe(true);
  });
});
