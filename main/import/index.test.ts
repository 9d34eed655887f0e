import { promises as fs } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noVault, type PasswordVault } from '../store/password-vault';
import { SiteStore } from '../store/sites';
import { discoverSources, importSelected, previewImport, type ImportEnvironment } from './index';
import { mergeHostKeyLines } from '../store/known-hosts';

const fixtures = path.join(__dirname, 'fixtures');
const environment: ImportEnvironment = { home: path.join(fixtures, 'home'), platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };
const ini = path.join(fixtures, 'winscp', 'WinSCP.ini');

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

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-flow-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('preview and import through the site store', () => {
  it('previews without any password, and flags sites already saved (same host, port, user)', async () => {
    const store = new SiteStore({ dataDir: dir });
    const existing = await store.save({ name: 'My café', folder: '', settings: { protocol: 'sftp', host: 'CAFE.example.org', port: 22, user: 'josé' } });
    const preview = await previewImport('winscp', { file: ini, store, environment });
    expect(JSON.stringify(preview)).not.toMatch(/S3cret|pässwörd|"password"/);
    expect(preview.candidates.map((c) => [c.site.name, c.hasPassword, c.duplicateOf ?? null])).toEqual([
      ['Acme SFTP', true, null],
      ['Café server', true, existing.id],
      ['no user', false, null],
      ['edited elsewhere', false, null],
    ]);
  });

  it('imports the chosen sites with their origin and notes; passwords only when asked and possible', async () => {
    const store = new SiteStore({ dataDir: dir, vault: testVault() });
    const preview = await previewImport('winscp', { file: ini, store, environment });
    const keys = preview.candidates.slice(0, 2).map((c) => c.key);

    const without = await importSelected('winscp', keys, { file: ini, store, environment, includePasswords: false, hostKeys: 'none' });
    expect(without.sites.map((s) => [s.folder, s.name, s.hasSavedPassword])).toEqual([
      ['Work/Clients', 'Acme SFTP', false],
      ['', 'Café server', false],
    ]);
    expect(without.sites[0]!.origin).toEqual({ tool: 'winscp', file: ini, name: 'Work/Clients/Acme SFTP' });
    expect(without.sites[0]!.notes?.join(' ')).toMatch(/password was found but not imported/);

    // Again, with passwords: the same names are taken, so the new ones are numbered.
    const withPw = await importSelected('winscp', keys, { file: ini, store, environment, includePasswords: true, hostKeys: 'none' });
    expect(withPw.sites.map((s) => [s.name, s.hasSavedPassword])).toEqual([
      ['Acme SFTP (2)', true],
      ['Café server (2)', true],
    ]);
    expect((await store.getPassword(withPw.sites[0]!.id))?.reveal()).toBe('S3cret pass!');
    expect(await fs.readFile(path.join(dir, 'sites.json'), 'utf8')).not.toMatch(/S3cret/);
  });

  it('says why passwords were not saved where there is no keychain, and still imports the sites', async () => {
    const store = new SiteStore({ dataDir: dir, vault: noVault('This window cannot reach the OS keychain.') });
    const preview = await previewImport('winscp', { file: ini, store, environment });
    const out = await importSelected('winscp', [preview.candidates[0]!.key], { file: ini, store, environment, includePasswords: true, hostKeys: 'none' });
    expect(out.passwordsNotSaved).toBe('This window cannot reach the OS keychain.');
    expect(out.sites).toHaveLength(1);
    expect(out.sites[0]!.hasSavedPassword).toBe(false);
  });

  it('reports keys that no longer match the source', async () => {
    const store = new SiteStore({ dataDir: dir });
    const out = await importSelected('winscp', ['not-a-key'], { file: ini, store, environment, includePasswords: false });
    expect(out.sites).toEqual([]);
    expect(out.missing).toEqual(['not-a-key']);
  });

  it('adds the host keys of the imported sites to the app known_hosts, keeping existing lines', async () => {
    const store = new SiteStore({ dataDir: dir });
    const kh = path.join(dir, 'known_hosts');
    await fs.writeFile(kh, '# mine\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb/57dWgWGMhonE3AZwQGywb/zqfl6rfGlsIYYmHw6+');
    const preview = await previewImport('winscp', { file: ini, store, environment });
    const acme = preview.candidates.find((c) => c.site.name === 'Acme SFTP')!;
    const out = await importSelected('winscp', [acme.key], { file: ini, store, environment, includePasswords: false });
    expect(out.hostKeys?.added).toEqual([preview.hostKeys[0]]);
    expect(preview.hostKeys[0]).toMatch(/^\[sftp\.acme\.example\]:2022 ssh-ed25519 /);
    const text = await fs.readFile(kh, 'utf8');
    expect(text.startsWith('# mine\nother.example ssh-ed25519 AAAA')).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(await fs.readFile(`${kh}.bak`, 'utf8')).toMatch(/^# mine/);

    // all: adds the other keys too; what is already there is counted, not duplicated.
    const all = await importSelected('winscp', [], { file: ini, store, environment, includePasswords: false, hostKeys: 'all' });
    expect(all.hostKeys).toMatchObject({ alreadyThere: 1, conflicts: [] });
    expect(all.hostKeys?.added).toHaveLength(2);
  });
});

describe('mergeHostKeyLines (imported host keys into known_hosts)', () => {
  it('never adds a key that differs from the one already trusted (also for hashed names)', async () => {
    const { createHmac, generateKeyPairSync } = await import('node:crypto');
    const ed25519 = () => {
      const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
      return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64');
    };
    const oldKey = ed25519();
    const newKey = ed25519();
    const kh = path.join(dir, 'kh');
    const salt = Buffer.from('saltsaltsaltsaltsalt');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h.example]:2200').digest('base64')} ssh-ed25519 ${oldKey}`;
    await fs.writeFile(kh, `# mine\n${hashed}\n`);
    const r = await mergeHostKeyLines(kh, [`[h.example]:2200 ssh-ed25519 ${newKey}`, `h.example ssh-ed25519 ${newKey}`, `h.example ssh-ed25519 ${newKey}`, 'garbage']);
    expect(r.conflicts).toEqual([{ line: `[h.example]:2200 ssh-ed25519 ${newKey}`, host: '[h.example]:2200', type: 'ssh-ed25519' }]);
    expect(r.added).toEqual([`h.example ssh-ed25519 ${newKey}`]);
    expect(r.alreadyThere).toBe(1);
    expect(r.invalid).toEqual(['garbage']);
    expect(await fs.readFile(kh, 'utf8')).toBe(`# mine\n${hashed}\nh.example ssh-ed25519 ${newKey}\n`);
  });
});

describe('discoverSources', () => {
  it('lists the tools that have something to import in this home folder', async () => {
    const found = await discoverSources({ environment });
    expect(found.map((f) => [f.source, f.sites, f.hostKeys])).toEqual([
      ['openssh', 10, 0],
      ['putty', 2, 2],
      ['filezilla', 4, 0],
    ]);
  });
});
