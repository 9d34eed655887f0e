import { promises as fs } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noVault, type PasswordVault } from '../store/password-vault';
import { SiteStore } from '../store/sites';
import { discoverSources, importSelected, previewImport, type ImportEnvironment } from './index';
import { puttyForm } from './fixtures/putty-form';
import { trustHostKeys } from '../store/known-hosts';

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
    expect(acme.hostKeys).toEqual([{ host: 'sftp.acme.example', port: 2022, type: 'ssh-ed25519', sha256: expect.stringMatching(/^SHA256:/) }]);
    expect(out.hostKeys?.added.map((k) => k.line)).toEqual([expect.stringMatching(/^\[sftp\.acme\.example\]:2022 ssh-ed25519 AAAA/)]);
    expect(out.hostKeys?.added[0]?.sha256).toBe(acme.hostKeys![0]!.sha256);
    const text = await fs.readFile(kh, 'utf8');
    expect(text.startsWith('# mine\nother.example ssh-ed25519 AAAA')).toBe(true);
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(await fs.readFile(`${kh}.bak`, 'utf8')).toMatch(/^# mine/);
  });
});

describe('imported host keys: only ever for the exact literal host and port of an imported site', () => {
  const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb/57dWgWGMhonE3AZwQGywb/zqfl6rfGlsIYYmHw6+';
  /** A WinSCP.ini with one session for `host`:`port` and a cached key stored under `keyHost`. */
  async function winscpIni(host: string, port: number, keyHost: string): Promise<string> {
    const [name, value] = puttyForm(ED, keyHost, port);
    const file = path.join(dir, 'attack.ini');
    const enc = (t: string) => t.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    await fs.writeFile(file, `[Sessions\\Any server]\r\nHostName=${host}\r\nPortNumber=${port}\r\nUserName=u\r\n\r\n[SshHostKeys]\r\n${enc(name)}=${value}\r\n`);
    return file;
  }

  // Patterns, negations, lists, brackets, hashed names, white space and control characters.
  const attacks = ['*', '?', '*.example.com', 'host?.example', '!x', 'a.example,b.example', '[a.example]:22', '|1|c2FsdA==|aGFzaA==', 'a b', 'a\u001b[2Jb'];

  it.each(attacks)('a cached key for %j is refused with a problem, and nothing is trusted', async (attack) => {
    const store = new SiteStore({ dataDir: dir });
    const file = await winscpIni(attack, 2222, attack);
    const preview = await previewImport('winscp', { file, store, environment });
    expect(preview.hostKeys).toEqual([]);
    expect(preview.candidates.flatMap((c) => c.hostKeys ?? [])).toEqual([]);
    expect(preview.problems.map((p) => p.message).join('\n')).toMatch(/was not imported: it is not for one server/);
    const out = await importSelected('winscp', preview.candidates.map((c) => c.key), { file, store, environment, includePasswords: false });
    expect(out.hostKeys).toBeUndefined();
    await expect(fs.access(path.join(dir, 'known_hosts'))).rejects.toThrow();
  });

  it('a literal key never comes with a site whose host is a pattern, nor with another port', async () => {
    const store = new SiteStore({ dataDir: dir });
    for (const [host, keyHost, port] of [['*', 'files.example', 2222], ['files.example', 'files.example', 2223]] as const) {
      const file = await winscpIni(host, 2222, keyHost);
      if (port !== 2222) await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('PortNumber=2222', `PortNumber=${port}`));
      const preview = await previewImport('winscp', { file, store, environment });
      expect(preview.hostKeys).toHaveLength(1);
      expect(preview.candidates[0]!.hostKeys).toBeUndefined();
      const out = await importSelected('winscp', [preview.candidates[0]!.key], { file, store, environment, includePasswords: false, knownHostsPath: path.join(dir, `kh-${port}`) });
      expect(out.hostKeys).toBeUndefined();
    }
  });

  it('the store refuses to record any host that is not one literal name, whoever asks', async () => {
    const kh = path.join(dir, 'kh');
    const r = await trustHostKeys(kh, [...attacks, 'ok.example'].map((host) => ({ host, port: 22, type: 'ssh-ed25519', keyBase64: ED.split(' ')[1]! })));
    expect(r.refused.map((x) => x.host)).toEqual(attacks);
    expect(r.added.map((a) => a.line)).toEqual([`ok.example ${ED}`]);
    expect(await fs.readFile(kh, 'utf8')).toBe(`ok.example ${ED}\n`);
  });
});

describe('trustHostKeys (imported host keys into known_hosts)', () => {
  it('never adds a key that differs from the one already trusted (also for hashed names), nor a revoked or damaged one', async () => {
    const { createHmac, generateKeyPairSync } = await import('node:crypto');
    const ed25519 = () => {
      const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
      return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64');
    };
    const oldKey = ed25519();
    const newKey = ed25519();
    const revoked = ed25519();
    const kh = path.join(dir, 'kh');
    const salt = Buffer.from('saltsaltsaltsaltsalt');
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h.example]:2200').digest('base64')} ssh-ed25519 ${oldKey}`;
    await fs.writeFile(kh, `# mine\n${hashed}\n@revoked * ssh-ed25519 ${revoked}\n`);
    const k = (host: string, port: number, keyBase64: string) => ({ host, port, type: 'ssh-ed25519', keyBase64 });
    const r = await trustHostKeys(kh, [k('h.example', 2200, newKey), k('h.example', 22, newKey), k('h.example', 22, newKey), k('x.example', 22, revoked), k('y.example', 22, 'AAAA')]);
    expect(r.conflicts).toEqual([{ host: 'h.example', port: 2200, type: 'ssh-ed25519', sha256: expect.stringMatching(/^SHA256:/) }]);
    expect(r.added.map((a) => a.line)).toEqual([`h.example ssh-ed25519 ${newKey}`]);
    expect(r.alreadyThere).toBe(1);
    expect(r.refused.map((x) => x.reason)).toEqual([expect.stringMatching(/@revoked/), expect.stringMatching(/damaged/)]);
    expect(await fs.readFile(kh, 'utf8')).toBe(`# mine\n${hashed}\n@revoked * ssh-ed25519 ${revoked}\nh.example ssh-ed25519 ${newKey}\n`);
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
