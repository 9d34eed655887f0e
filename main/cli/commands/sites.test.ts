import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, type CliIO } from '../command';
import { resolveSiteTarget, SiteStore } from '../../store/sites';
import { makeSitesCommand } from './sites';

const fixtures = path.join(__dirname, '..', '..', 'import', 'fixtures');
const ini = path.join(fixtures, 'winscp', 'WinSCP.ini');

let dataDir: string;
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-sites-'));
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

function makeIO(opts: { tty?: boolean; input?: string; home?: string } = {}) {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (opts.tty) {
    stdout.isTTY = true;
    stdin.isTTY = true;
  }
  if (opts.input !== undefined) stdin.end(opts.input);
  const io: CliIO = { stdout, stderr, stdin, env: { SFTP_DOCTOR_HOME: dataDir, HOME: opts.home ?? path.join(fixtures, 'home') } };
  return { io, out: () => out, err: () => err };
}

const cmd = makeSitesCommand();

describe('sftp-doctor sites import', () => {
  it('without --yes and without a terminal, shows the preview and imports nothing', async () => {
    const t = makeIO();
    expect(await cmd.run(['import', '--from', 'winscp', ini], t.io)).toBe(0);
    const out = t.out();
    expect(out).toContain(`Found 4 site(s) in WinSCP (${ini})`);
    expect(out).toMatch(/\[new\]\s+Work\/Clients\/Acme SFTP\s+sftp anna@sftp\.acme\.example:2022\s+\(has a saved password\)/);
    expect(out).toMatch(/About saved passwords: WinSCP does not encrypt saved passwords/);
    // An FTP site of a valid file is skipped, not a problem with the file.
    expect(out).toContain('skipped: FTP  ftp box');
    expect(out).not.toMatch(/"ftp box"[^\n]*could not|Problems found[^]*ftp box/);
    expect(out).toMatch(/Run the same command with --yes to import the 4 new site\(s\)/);
    // Each key that importing will trust is shown under its site, with its fingerprint.
    expect(out).toMatch(/Acme SFTP.*\n(?:.*\n)*?\s+will trust: \[sftp\.acme\.example\]:2022 ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\n/);
    expect(out).toMatch(/3 host key\(s\) found\. Importing a site trusts the keys listed under it/);
    expect(out).not.toMatch(/S3cret/);
    expect(await new SiteStore({ dataDir }).list()).toEqual([]);
  });

  it('with --yes imports the new sites, refuses passwords with the reason, and adds their host keys', async () => {
    const t = makeIO();
    expect(await cmd.run(['import', '--from', 'winscp', ini, '--yes', '--with-passwords'], t.io)).toBe(0);
    expect(t.out()).toMatch(/Imported 4 site\(s\)/);
    expect(t.out()).toMatch(/Passwords were not imported: the command line cannot reach your system keychain/);
    expect(t.out()).toMatch(/Added 2 trusted host key\(s\) to .*known_hosts/);
    const sites = await new SiteStore({ dataDir }).list();
    expect(sites.map((s) => s.name).sort()).toEqual(['Acme SFTP', 'Café server', 'edited elsewhere', 'no user']);
    expect(sites.every((s) => !s.hasSavedPassword)).toBe(true);
    expect(await fs.readFile(path.join(dataDir, 'known_hosts'), 'utf8')).toMatch(/^\[sftp\.acme\.example\]:2022 ssh-ed25519 /);

    const again = makeIO();
    expect(await cmd.run(['import', '--from', 'winscp', ini, '--yes'], again.io)).toBe(0);
    expect(again.out()).toMatch(/\[already saved\]/);
    expect(again.out()).toMatch(/Every site found is already saved; nothing to import/);
  });

  it('in a terminal asks first, and imports only on "y"', async () => {
    const no = makeIO({ tty: true, input: 'n\n' });
    await cmd.run(['import', '--from', 'filezilla'], no.io);
    expect(no.out()).toMatch(/Import the 4 new site\(s\)\? \[y\/N\] Nothing was imported/);
    expect(await new SiteStore({ dataDir }).list()).toEqual([]);

    const yes = makeIO({ tty: true, input: 'y\n' });
    await cmd.run(['import', '--from', 'filezilla'], yes.io);
    expect(yes.out()).toMatch(/Imported 4 site\(s\)/);
    expect((await new SiteStore({ dataDir }).list()).map((s) => s.folder).sort()).toEqual(['', 'Work', 'Work', 'Work/Clients - Ünïcode']);
  });

  it('--json prints the preview as data without passwords', async () => {
    const t = makeIO();
    await cmd.run(['import', '--from', 'putty', path.join(fixtures, 'putty', 'reg-query.txt'), '--json'], t.io);
    const data = JSON.parse(t.out()) as { preview: { candidates: { site: { name: string } }[]; hostKeys: string[] }; imported: unknown[] };
    expect(data.preview.candidates.map((c) => c.site.name)).toEqual(['My Server', 'Café prod', 'garbled']);
    expect(data.preview.hostKeys).toHaveLength(3);
    expect(data.imported).toEqual([]);
  });

  it('says where it looked when a tool has nothing here (exit 1)', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'empty-home-'));
    try {
      const t = makeIO({ home: empty });
      expect(await cmd.run(['import', '--from', 'filezilla'], t.io)).toBe(1);
      expect(t.out()).toMatch(/No FileZilla site manager file was found \(looked for .*sitemanager\.xml/);
    } finally {
      await fs.rm(empty, { recursive: true, force: true });
    }
  });

  it('rejects a wrong tool or action as a usage error', async () => {
    await expect(cmd.run(['import', '--from', 'mobaxterm'], makeIO().io)).rejects.toThrow(UsageError);
    await expect(cmd.run(['import'], makeIO().io)).rejects.toThrow(/--from/);
    await expect(cmd.run(['export'], makeIO().io)).rejects.toThrow(/unknown action "export"/);
  });
});

describe('sftp-doctor sites list and site names as targets', () => {
  it('lists saved sites (or says how to get some) and resolves names for diagnose', async () => {
    const empty = makeIO();
    await cmd.run(['list'], empty.io);
    expect(empty.out()).toMatch(/No saved sites yet.*sites import --from openssh/);

    await cmd.run(['import', '--from', 'openssh', '--yes'], makeIO().io);
    const t = makeIO();
    await cmd.run(['list'], t.io);
    expect(t.out()).toMatch(/10 saved site\(s\)/);
    expect(t.out()).toMatch(/web\s+sftp anna@web\.example\.com:2222\s+\(key .*id_web\.example\.com_anna, from OpenSSH/);

    const json = makeIO();
    await cmd.run(['list', '--json'], json.io);
    expect((JSON.parse(json.out()) as unknown[]).length).toBe(10);

    const store = new SiteStore({ dataDir });
    const hit = await resolveSiteTarget('WEB', store);
    expect(hit.kind).toBe('site');
    if (hit.kind === 'site') expect(hit.request).toMatchObject({ host: 'web.example.com', port: 2222, user: 'anna', siteId: hit.site.id });
    expect((await resolveSiteTarget('anna@web.example.com', store)).kind).toBe('none');

    await store.save({ name: 'web', folder: 'Other', settings: { protocol: 'sftp', host: 'x', user: 'y' } });
    const amb = await resolveSiteTarget('web', store);
    expect(amb.kind).toBe('ambiguous');
    if (amb.kind === 'ambiguous') expect(amb.message).toMatch(/matches 2 saved sites: .*Give the full name with its folder, for example "Other\/web"/);
    expect((await resolveSiteTarget('other/WEB', store)).kind).toBe('site');
  });
});
