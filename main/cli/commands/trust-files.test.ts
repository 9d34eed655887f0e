/**
 * Trust and the files it writes, through the real CLI against a real sshd:
 * - an imported config cannot make a server trusted through a pattern (`*`, `127.*`...): only a
 *   key recorded for the site's exact host and port is trusted, and the preview lists it;
 * - trusting a key into a symlinked known_hosts that mixes CRLF and LF writes through the link
 *   and keeps every other byte;
 * - a data folder the user cannot write: the CLI (a separate process, run as "nobody") says what
 *   could not be written and where, never "unexpected error: EACCES", and a trusted key that
 *   could not be saved is said to be NOT saved.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';
import { puttyForm } from '../../import/fixtures/putty-form';
import { runCaptured } from '../test-cli';

const root = path.resolve(__dirname, '..', '..', '..');
let home: string;
let server: SshdServer;
let cliBundle: string;

const cli = (argv: string[], dataDir: string) => runCaptured(argv, { env: { SFTP_DOCTOR_HOME: dataDir, HOME: home, SD_PW: 'not-the-password' } });

/** The CLI as its own process, run as the unprivileged user "nobody" (root may write anywhere). */
async function cliAsNobody(argv: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tmp = path.join(home, 'nobody-tmp');
  await fs.mkdir(tmp, { recursive: true, mode: 0o1777 });
  await fs.chmod(tmp, 0o1777);
  const child = spawn(process.execPath, [cliBundle, ...argv], {
    uid: 65534,
    gid: 65534,
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, TMPDIR: tmp, SFTP_DOCTOR_HOME: dataDir, SD_PW: 'not-the-password' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout: out, stderr: err };
}

/** A WinSCP.ini with one session (HostName=`host`) and the server's keys cached under `keyHost`. */
async function winscpIni(name: string, host: string, keyHost: string): Promise<string> {
  const enc = (t: string) => t.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const keys = server.hostKeys.map((k) => puttyForm(k.publicKey, keyHost, server.port)).map(([n, v]) => `${enc(n)}=${v}`);
  const file = path.join(home, `${name}.ini`);
  await fs.writeFile(file, `[Sessions\\${name}]\r\nHostName=${host}\r\nPortNumber=${server.port}\r\nUserName=anna\r\n\r\n[SshHostKeys]\r\n${keys.join('\r\n')}\r\n`);
  return file;
}

const sshd = sshdAvailable();

describe.skipIf(!sshd.ok)('trust and its files, through the CLI against a real sshd', () => {
  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-trust-files-'));
    await fs.chmod(home, 0o755);
    await fs.mkdir(path.join(root, '.tmp'), { recursive: true });
    cliBundle = path.join(root, '.tmp', `cli-trust-files-${process.pid}.cjs`);
    // The real CLI entry, bundled as `npm run build` does (npm packages stay in node_modules).
    [server] = await Promise.all([
      startSshd(),
      build({ absWorkingDir: root, entryPoints: [path.join(root, 'main', 'cli', 'main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: cliBundle, logLevel: 'warning' }),
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(home, { recursive: true, force: true });
    await fs.rm(cliBundle, { force: true });
  });

  it('a WinSCP.ini with HostName=* and keys cached for "*" or "127.*" trusts nothing; the same keys for the literal host are listed and trusted', async () => {
    const data = path.join(home, 'import-data');
    const target = `sftp://anna@${server.host}:${server.port}`;
    for (const pattern of ['*', `${server.host.split('.')[0]}.*`, `${server.host.slice(0, -1)}?`]) {
      const ini = await winscpIni('Any server', '*', pattern);
      const imp = await cli(['sites', 'import', '--from', 'winscp', ini, '--yes'], data);
      expect(imp.code).toBe(0);
      expect(imp.stdout).toMatch(/was not imported: it is not for one server: ".*" is a pattern/);
      expect(imp.stdout).not.toMatch(/will trust|Added \d+ trusted host key/);
      const run = await cli(['diagnose', '--json', '--timeout', '6', '--password-env', 'SD_PW', target], data);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'HOSTKEY_UNKNOWN' });
    }
    await expect(fs.readFile(path.join(data, 'known_hosts'), 'latin1')).rejects.toThrow();

    const ini = await winscpIni('Exact server', server.host, server.host);
    const imp = await cli(['sites', 'import', '--from', 'winscp', ini, '--yes'], data);
    for (const k of server.hostKeys) expect(imp.stdout).toContain(`will trust: [${server.host}]:${server.port} ${k.type} ${k.sha256}`);
    expect(imp.stdout).toContain(`Added ${server.hostKeys.length} trusted host key(s)`);
    const run = await cli(['diagnose', '--json', '--timeout', '6', '--password-env', 'SD_PW', target], data);
    const out = JSON.parse(run.stdout) as { code: string; steps: { phase: string; status: string }[] };
    expect(out.code).not.toBe('HOSTKEY_UNKNOWN');
    expect(out.steps.find((s) => s.phase === 'hostkey')?.status).toBe('ok');
  }, 60_000);

  it('trusting into a symlinked known_hosts with CRLF and LF lines writes through the link and keeps every other byte', async () => {
    const data = path.join(home, 'link-data');
    await fs.mkdir(path.join(home, 'dotfiles'), { recursive: true });
    const real = path.join(home, 'dotfiles', 'known_hosts');
    const other = server.hostKeys[0]!.publicKey;
    const before = `# synced from my Windows laptop\r\nold.example ${other}\r\n# added on Linux\nnew.example ${other}\n`;
    await fs.writeFile(real, before);
    const link = path.join(home, 'known_hosts_link');
    await fs.symlink(path.join('dotfiles', 'known_hosts'), link);
    const fp = server.hostKeys[0]!.sha256;
    const r = await cli(['diagnose', '--json', '--timeout', '6', '--known-hosts', link, '--trust-host-key', fp, '--password-env', 'SD_PW', `sftp://anna@${server.host}:${server.port}`], data);
    const out = JSON.parse(r.stdout) as { steps: { phase: string; status: string; detail: string }[] };
    expect(out.steps.find((s) => s.phase === 'hostkey')?.status).toBe('ok');
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    const after = await fs.readFile(real, 'latin1');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toMatch(new RegExp(`^\\[${server.host.replace(/\./g, '\\.')}\\]:${server.port} (ssh-ed25519|ecdsa-sha2-nistp256|ssh-rsa) [A-Za-z0-9+/=]+\\n$`));
    expect(await fs.readFile(`${real}.bak`, 'latin1')).toBe(before);
  }, 60_000);

  it('a data folder the user cannot write: what could not be written and where, never "unexpected error", never a silent "this run only"', async () => {
    const data = path.join(home, 'read-only-data');
    await fs.mkdir(data, { mode: 0o755 });
    await fs.chmod(data, 0o755); // owned by root: "nobody" may read it, not write in it
    const fp = server.hostKeys[0]!.sha256;
    const run = await cliAsNobody(['diagnose', '--timeout', '8', '--trust-host-key', fp, '--password-env', 'SD_PW', `sftp://anna@${server.host}:${server.port}`], data);
    const text = run.stdout + run.stderr;
    expect(text).toContain(`NOT saved: ${path.join(data, 'known_hosts')} could not be written: you are not allowed to write in ${data}`);
    expect(text).toMatch(/trusted for this run only; you will be asked again next time/);
    expect(text).not.toMatch(/unexpected error|EACCES/);

    const ini = await winscpIni('Any site', server.host, server.host);
    await fs.chmod(ini, 0o644);
    const imp = await cliAsNobody(['sites', 'import', '--from', 'winscp', ini, '--yes'], data);
    expect(imp.code).toBe(1);
    expect(imp.stderr).toContain(`${path.join(data, 'sites.json')} could not be written: you are not allowed to write in ${data}. It was left as it was.`);
    expect(imp.stdout + imp.stderr).not.toMatch(/unexpected error|EACCES/);
  }, 60_000);
});
