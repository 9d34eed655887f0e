import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint, generateKey, setupAccount, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from '../../../e2e/harness/index';
import { SiteStore } from '../../store/sites';
import { cliRunner, runCaptured } from '../test-cli';

const CLI_PW = 'Cli-Pw-4-correct';


const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home }));

let home: string;
beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-diagnose-'));
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

const sshd = sshdAvailable();

describe.skipIf(!sshd.ok)('sftp-doctor diagnose against a real sshd', () => {
  let server: SshdServer;
  let encKey: GeneratedKey;
  beforeAll(async () => {
    const keyDir = await fs.mkdtemp(path.join(home, 'keys-'));
    [server, encKey] = await Promise.all([startSshd(), generateKey('ed25519', keyDir, 'plain')]);
    // The same key, protected by a passphrase (ssh-keygen -p), for the prompt tests.
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-p', '-N', 'cli passphrase', '-a', '2', '-f', encKey.path]);
    await setupAccount({ name: 'sd4cli', password: CLI_PW, authorizedKeys: [encKey.publicKey] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('--json prints the contract object; an unknown host key is exit 1 and the password never appears', async () => {
    const r = await cli(['diagnose', '--json', '--timeout', '5', '--password-env', 'SD_PW', `sftp://alice@${server.host}:${server.port}`], { SD_PW: 'Pa55-w0rd-in-env' });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['ok', 'code', 'phase', 'title', 'explanation', 'evidence', 'fixes', 'steps', 'server']));
    expect(out).toMatchObject({ ok: false, code: 'HOSTKEY_UNKNOWN', phase: 'hostkey' });
    const fixes = out.fixes as Record<string, unknown>[];
    for (const f of fixes) expect(Object.keys(f)).toEqual(expect.arrayContaining(['id', 'label', 'description', 'risk']));
    const steps = out.steps as { phase: string; status: string; ms: number; detail: string }[];
    expect(steps.map((s) => s.phase)).toEqual(['input', 'dns', 'tcp', 'banner', 'kex', 'hostkey', 'auth', 'sftp', 'write', 'hold', 'speed']);
    expect((out.server as { banner: string }).banner).toMatch(/^SSH-2\.0-OpenSSH_9/);
    expect((out.server as { algorithms: { kex: string[] } }).algorithms.kex.length).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain('Pa55-w0rd-in-env');
  });

  it('--trust-host-key with the right fingerprint saves the key in the app store: exit 0, and the next run trusts it', async () => {
    const ownHome = await fs.mkdtemp(path.join(home, 'trust-'));
    const key = server.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    const wrong = await cli(['diagnose', '--json', '--trust-host-key', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `${server.host}:${server.port}`], { SFTP_DOCTOR_HOME: ownHome });
    expect(JSON.parse(wrong.stdout).code).toBe('HOSTKEY_UNKNOWN');
    const r = await cli(['diagnose', '--json', '--trust-host-key', key.sha256, '--user', 'sd4cli', '--password-env', 'SD_PW', `${server.host}:${server.port}`], { SFTP_DOCTOR_HOME: ownHome, SD_PW: CLI_PW });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, code: 'OK' });
    expect(await fs.readFile(path.join(ownHome, 'known_hosts'), 'utf8')).toContain(key.publicKey);
    // The next run trusts the key silently and goes on to log in (no password this time).
    const again = await cli(['diagnose', '--json', '--host', server.host, '--port', String(server.port)], { SFTP_DOCTOR_HOME: ownHome });
    expect(JSON.parse(again.stdout)).toMatchObject({ code: 'AUTH_NO_CREDENTIALS' });
  });

  it('--known-hosts and --password-stdin are honoured; human output lists the phases and the verdict', async () => {
    const kh = path.join(home, 'kh-human');
    const key = server.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    await fs.writeFile(kh, `[${server.host}]:${server.port} ${key.publicKey}\n`);
    const r = await cli(['diagnose', '--known-hosts', kh, '--password-stdin', `sd4cli@${server.host}:${server.port}`], {}, `${CLI_PW}\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Verify the server identity/);
    expect(r.stdout).toMatch(/✓ Open the SFTP session/);
    expect(r.stdout).toContain('[OK]');
    expect(r.stdout).not.toContain(CLI_PW);
  });

  it('a saved site name as TARGET: its settings are used, flags override them', async () => {
    const ownHome = await fs.mkdtemp(path.join(home, 'site-'));
    const kh = path.join(ownHome, 'kh');
    await fs.writeFile(kh, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n') + '\n');
    const store = new SiteStore({ dataDir: ownHome });
    await store.save({ name: 'Upload box', folder: 'Work', settings: { protocol: 'sftp', host: server.host, port: server.port, user: 'someone-else', knownHostsPath: kh } });
    const r = await cli(['diagnose', '--json', '--user', 'sd4cli', '--password-env', 'SD_PW', 'Work/Upload box'], { SFTP_DOCTOR_HOME: ownHome, SD_PW: CLI_PW });
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 'OK' });
    await store.save({ name: 'Upload box', folder: 'Other', settings: { protocol: 'sftp', host: 'x.invalid', user: 'y' } });
    const ambiguous = await cli(['diagnose', 'upload box'], { SFTP_DOCTOR_HOME: ownHome });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('matches 2 saved sites');
  });

  it('--bundle writes a support bundle without the password; --anonymise needs --bundle', async () => {
    const kh = path.join(home, 'kh-bundle');
    await fs.writeFile(kh, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n') + '\n');
    const out = path.join(home, 'bundle.zip');
    const r = await cli(['diagnose', '--json', '--known-hosts', kh, '--password-env', 'SD_PW', '--bundle', out, '--anonymise', `sd4cli@${server.host}:${server.port}`], { SD_PW: 'Wrong-pw-in-bundle-test' });
    expect(JSON.parse(r.stdout).code).toBe('AUTH_PASSWORD_REJECTED');
    expect(r.stderr).toContain(`Support bundle saved: ${out}`);
    const zip = await fs.readFile(out);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    const { unzipSync } = await import('fflate');
    const files = unzipSync(new Uint8Array(zip));
    const all = Object.values(files).map((b) => Buffer.from(b).toString('utf8')).join('\n');
    expect(all).toContain('AUTH_PASSWORD_REJECTED');
    expect(all).not.toContain('Wrong-pw-in-bundle-test');
    expect(all).not.toContain(server.host);
    const usage = await cli(['diagnose', '--anonymise', 'h.invalid']);
    expect(usage.code).toBe(2);
  });

  it('the passphrase is asked on a terminal without echo; --json reports KEY_NEEDS_PASSPHRASE instead', async () => {
    const kh = path.join(home, 'kh-pass');
    await fs.writeFile(kh, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n') + '\n');
    const args = ['diagnose', '--known-hosts', kh, '--key', encKey.path, `sd4cli@${server.host}:${server.port}`];
    const json = await cli(['diagnose', '--json', ...args.slice(1)]);
    expect(JSON.parse(json.stdout).code).toBe('KEY_NEEDS_PASSPHRASE');
    // A terminal: stdin and stderr are TTYs; the typed line goes in, nothing of it comes out.
    const { code, stdout: out, stderr: err } = await runCaptured(args, {
      env: { SFTP_DOCTOR_HOME: home },
      tty: true,
      answer: (soFar, type) => (/Passphrase: $/.test(soFar) ? (type('cli passphrase\r'), true) : false),
    });
    expect(out).toContain('[OK]');
    expect(code).toBe(0);
    expect(err).toContain('Passphrase for the key');
    expect(out + err).not.toContain('cli passphrase');
  });
});

describe('sftp-doctor diagnose: usage and problems', () => {
  it('a refused port is exit 1 with the diagnosis in plain words', async () => {
    const { host, port } = await closedEndpoint();
    const r = await cli(['diagnose', `${host}:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[TCP_REFUSED]');
    expect(r.stdout).toContain('Next step:');
  });

  it.each([
    [[], 'which server'],
    [['--password', 'hunter2', 'h.invalid'], 'never accepted as arguments'],
    [['--password=hunter2', 'h.invalid'], 'never accepted as arguments'],
    [['--timeout', 'soon', 'h.invalid'], '--timeout'],
    [['--password-env', 'NOPE_NOT_SET', 'h.invalid'], 'NOPE_NOT_SET is not set'],
    [['--password-env', 'X', '--password-stdin', 'h.invalid'], 'not both'],
    [['--host', 'a.invalid', 'b.invalid'], 'not both'],
    [['--trust-host-key', 'yes', 'h.invalid'], 'not a fingerprint'],
    [['--user', 'x', 'y@h.invalid'], 'given twice'],
  ])('usage error (exit 2): %j', async (args, message) => {
    const r = await cli(['diagnose', ...args], { X: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('--json for a bad host field keeps the exit code 1 and offers the split', async () => {
    const r = await cli(['diagnose', '--json', '--host', 'sftp://dave@files.example.invalid:2200']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { code: string; fixes: { id: string; params: Record<string, unknown> }[] };
    expect(out.code).toBe('INPUT_HOST_FIELD');
    expect(out.fixes[0]).toMatchObject({ id: 'split-host-field', params: { host: 'files.example.invalid', user: 'dave', port: 2200 } });
  });
});
