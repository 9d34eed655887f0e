/**
 * `sftp-doctor sites add|edit|show|remove` through the real CLI: the same fields and checks as the
 * window (through the services), passwords never from an argument and stored only through the
 * vault, `show` without secrets, `remove` confirmed.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Site } from '../../../shared/sites';
import { cliRunner, runCaptured } from '../test-cli';
import { makeSitesCommand } from './sites';

let home: string;
const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home, SITE_PW: 'Site-Pw-In-Env-7' }));

beforeEach(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-site-edit-'));
});
afterEach(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

const sitesFile = () => fs.readFile(path.join(home, 'sites.json'), 'utf8');

describe('sftp-doctor sites add / show / edit / remove', () => {
  it('add saves every Advanced setting; show prints them; the saved site is a diagnose TARGET', async () => {
    const add = await cli([
      'sites', 'add', 'Work/Web server', 'sftp://alice@files.example.invalid:2222/var/www',
      '--key', 'keys/id_ed25519', '--keepalive', '30', '--no-agent', '--legacy-algorithms', 'diffie-hellman-group1-sha1', '--timeout', '20', '--no-write-test', '--jump', 'bob@gw.example.invalid:2200', '--proxy', 'socks5://me@proxy.example.invalid:1080',
    ]);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Saved the site "Work/Web server": sftp alice@files.example.invalid:2222');
    const show = await cli(['sites', 'show', 'work/web server']);
    expect(show.code).toBe(0);
    for (const line of [/^Name +Work\/Web server$/m, /^Server +files\.example\.invalid$/m, /^Port +2222$/m, /^User +alice$/m, /^Password +not saved/m, /^SSH agent +not used$/m, /^Weak algorithms allowed +diffie-hellman-group1-sha1$/m, /^Keepalive +every 30 s$/m, /^Timeout +20 s$/m, /^Remote folder +\/var\/www$/m, /^Upload check +off$/m, /^Jump hosts +bob@gw\.example\.invalid:2200$/m, /^Proxy +socks5:\/\/me@proxy\.example\.invalid:1080$/m]) {
      expect(show.stdout).toMatch(line);
    }
    expect(show.stdout).toMatch(new RegExp(`^Private key +${path.resolve('keys/id_ed25519')}$`, 'm'));
    const json = JSON.parse((await cli(['sites', 'show', '--json', 'Work/Web server'])).stdout) as Site;
    expect(json.settings).toMatchObject({ host: 'files.example.invalid', port: 2222, user: 'alice', keepaliveSeconds: 30, useAgent: false, startPath: '/var/www', writeTest: false, timeoutMs: 20000 });
    // The name works as diagnose's TARGET: the site's key file (which does not exist) is what it checks first.
    const d = await cli(['diagnose', '--json', '--timeout', '2', 'Work/Web server']);
    expect(JSON.parse(d.stdout)).toMatchObject({ code: 'KEY_NOT_FOUND' });
    expect(d.stdout).toContain(path.resolve('keys/id_ed25519'));
  });

  it('refuses what the window refuses, with what is expected (nothing saved)', async () => {
    const cases: [string[], number, RegExp][] = [
      [['sites', 'add', 'A', 'u@h.invalid', '--keepalive', 'abc'], 2, /--keepalive: "abc" is not a number of seconds/],
      [['sites', 'add', 'A', 'u@h.invalid', '--port', '99999'], 2, /--port: "99999": The port must be between 1 and 65535/],
      [['sites', 'add', 'A', '--host', 'h .invalid'], 2, /holds a space/],
      [['sites', 'add', 'Folder/', 'u@h.invalid'], 2, /give the site a name/],
      [['sites', 'add', 'A'], 2, /which server\?/],
      [['sites', 'add', 'A', 'u@h.invalid', '--password=hunter22'], 2, /secrets are never accepted as arguments/],
      [['sites', 'add', 'A', 'u@h.invalid', '--trust-host-key', 'SHA256:AAAA'], 2, /--trust-host-key belongs to a check, not to a saved site/],
      [['sites', 'add', 'A', 'u@h.invalid', '--ask-password'], 2, /--ask-password needs a terminal/],
      [['sites', 'edit', 'Nope', '--port', '23'], 1, /there is no saved site called "Nope"/],
      [['sites', 'frobnicate'], 2, /unknown action "frobnicate"; use list, show, add, edit, remove or import/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await cli(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code });
      expect(r.stderr).toMatch(message);
      expect(r.stderr + r.stdout).not.toContain('hunter22');
    }
    await expect(fs.access(path.join(home, 'sites.json'))).rejects.toThrow();
    await cli(['sites', 'add', 'A', 'u@h.invalid']);
    const twice = await cli(['sites', 'add', 'a', 'v@other.invalid']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('a site called "A" already exists; change it with: sftp-doctor sites edit "A"');
  });

  it('a password (from stdin or the environment) is stored only through the vault: the command line has none, says so and changes nothing', async () => {
    await cli(['sites', 'add', 'Box', 'u@box.invalid']);
    const before = await sitesFile();
    const r = await cli(['sites', 'edit', 'Box', '--port', '2200', '--password-stdin'], {}, 'Typed-Secret-99\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The password was not saved: the command line cannot reach your system keychain.*The site was not changed/);
    expect(await sitesFile()).toBe(before);
    const env = await cli(['sites', 'add', 'Other', 'u@box.invalid', '--password-env', 'SITE_PW']);
    expect(env.code).toBe(1);
    await expect(fs.access(path.join(home, 'passwords.json'))).rejects.toThrow();
    for (const out of [r, env]) expect(out.stdout + out.stderr).not.toMatch(/Typed-Secret-99|Site-Pw-In-Env-7/);
  });

  it('with a vault (the desktop app\'s keychain), the password is stored encrypted and show never prints it', async () => {
    // A stand-in for the OS keychain: reversible, but never the plain text on disk.
    const vault = { available: true, encrypt: (p: string) => Buffer.from(p, 'utf8').reverse(), decrypt: (b: Buffer) => Buffer.from(b).reverse().toString('utf8') };
    const cmd = makeSitesCommand({ dataDir: home, vault });
    const run = async (argv: string[], input = '') => {
      const r = await runCaptured(argv, { stdin: input, run: (a, io) => cmd.run(a, io) });
      return { code: r.code, out: r.stdout + r.stderr };
    };
    const add = await run(['add', 'Vaulted', 'u@v.invalid', '--password-stdin'], 'Vault-Secret-42\n');
    expect(add.code).toBe(0);
    expect(add.out).toContain('(password saved)');
    const onDisk = (await fs.readFile(path.join(home, 'sites.json'), 'utf8')) + (await fs.readFile(path.join(home, 'passwords.json'), 'utf8'));
    expect(onDisk).not.toContain('Vault-Secret-42');
    const show = await run(['show', 'Vaulted']);
    expect(show.out).toMatch(/^Password +saved \(encrypted; never shown\)$/m);
    expect(show.out).not.toContain('Vault-Secret-42');
    const json = await run(['show', '--json', 'Vaulted']);
    expect(JSON.parse(json.out)).toMatchObject({ hasSavedPassword: true });
    expect(json.out).not.toContain('Vault-Secret-42');
    const forget = await run(['edit', 'Vaulted', '--forget-password']);
    expect(forget.out).toContain('(password forgotten)');
    expect((await run(['show', 'Vaulted'])).out).toMatch(/^Password +not saved/m);
  });

  it('edit changes only what it names; a new TARGET replaces the server; --rename moves it', async () => {
    await cli(['sites', 'add', 'Old', 'sftp://alice@one.invalid:2222', '--keepalive', '15', '--no-agent']);
    // "auto" is chosen while connecting: a site keeps names, and is told so.
    const auto = await cli(['sites', 'edit', 'Old', '--legacy-algorithms', 'auto']);
    expect(auto.code).toBe(2);
    expect(auto.stderr).toContain('--legacy-algorithms auto chooses while connecting, so a saved site keeps names instead');
    const r = await cli(['sites', 'edit', 'Old', 'two.invalid', '--rename', 'Clients/New', '--agent', '--legacy-algorithms', 'diffie-hellman-group1-sha1']);
    expect(r.code).toBe(0);
    const s = JSON.parse((await cli(['sites', 'show', '--json', 'Clients/New'])).stdout) as Site;
    expect(s.settings).toMatchObject({ host: 'two.invalid', user: 'alice', port: 2222, keepaliveSeconds: 15 });
    expect(s.settings.useAgent).toBeUndefined();
    expect(s.settings.legacyAlgorithms).toContain('diffie-hellman-group1-sha1');
    expect((await cli(['sites', 'show', 'Old'])).code).toBe(1);
    const off = await cli(['sites', 'edit', 'Clients/New', '--keepalive', '0', '--legacy-algorithms', 'none']);
    expect(off.code).toBe(0);
    const s2 = JSON.parse((await cli(['sites', 'show', '--json', 'Clients/New'])).stdout) as Site;
    expect(s2.settings.keepaliveSeconds).toBeUndefined();
    expect(s2.settings.legacyAlgorithms).toBeUndefined();
    expect(s2.id).toBe(s.id);
  });

  it('remove asks on a terminal (no: nothing removed), and without a terminal wants --yes', async () => {
    await cli(['sites', 'add', 'Gone', 'u@gone.invalid']);
    const noTty = await cli(['sites', 'remove', 'Gone']);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain('nothing was removed. To remove "Gone" without a terminal to confirm on, add --yes');
    // A terminal: the question is asked; "n" keeps the site, "y" removes it.
    const onTerminal = async (answer: string) => {
      const r = await runCaptured(['sites', 'remove', 'Gone'], { env: { SFTP_DOCTOR_HOME: home }, tty: true, answer: (err, type) => (/\[y\/N\] $/.test(err) ? (type(answer), true) : false) });
      return { code: r.code, err: r.stderr, out: r.stdout };
    };
    const no = await onTerminal('n\n');
    expect(no.err).toContain('Remove the site "Gone" (sftp u@gone.invalid)? [y/N] ');
    expect(no.code).toBe(1);
    expect((await cli(['sites', 'show', 'Gone'])).code).toBe(0);
    const yes = await onTerminal('y\n');
    expect(yes.code).toBe(0);
    expect(yes.out).toContain('Removed the site "Gone".');
    expect((await cli(['sites', 'show', 'Gone'])).code).toBe(1);
    await cli(['sites', 'add', 'Gone', 'u@gone.invalid']);
    const scripted = await cli(['sites', 'remove', '--yes', 'Gone']);
    expect(scripted.code).toBe(0);
  });
});
