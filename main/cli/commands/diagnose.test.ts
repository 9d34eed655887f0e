import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint, sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';
import { runCli } from '../index';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, stdinText = ''): Promise<Captured> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([Buffer.from(stdinText)]), env: { SFTP_DOCTOR_HOME: home, ...env } });
  return { code, stdout: out, stderr: err };
}

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
  beforeAll(async () => {
    server = await startSshd();
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
    expect(steps.map((s) => s.phase)).toEqual(['input', 'dns', 'tcp', 'banner', 'kex', 'hostkey', 'auth', 'sftp']);
    expect((out.server as { banner: string }).banner).toMatch(/^SSH-2\.0-OpenSSH_9/);
    expect((out.server as { algorithms: { kex: string[] } }).algorithms.kex.length).toBeGreaterThan(0);
    expect(r.stdout + r.stderr).not.toContain('Pa55-w0rd-in-env');
  });

  it('--trust-host-key with the right fingerprint saves the key in the app store: exit 0, and the next run trusts it', async () => {
    const ownHome = await fs.mkdtemp(path.join(home, 'trust-'));
    const key = server.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    const wrong = await cli(['diagnose', '--json', '--trust-host-key', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', `${server.host}:${server.port}`], { SFTP_DOCTOR_HOME: ownHome });
    expect(JSON.parse(wrong.stdout).code).toBe('HOSTKEY_UNKNOWN');
    const r = await cli(['diagnose', '--json', '--trust-host-key', key.sha256, '--user', 'bob', `${server.host}:${server.port}`], { SFTP_DOCTOR_HOME: ownHome });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, code: 'OK_TRANSPORT' });
    expect(await fs.readFile(path.join(ownHome, 'known_hosts'), 'utf8')).toContain(key.publicKey);
    const again = await cli(['diagnose', '--json', '--host', server.host, '--port', String(server.port)], { SFTP_DOCTOR_HOME: ownHome });
    expect(again.code).toBe(0);
  });

  it('--known-hosts and --password-stdin are honoured; human output lists the phases and the verdict', async () => {
    const kh = path.join(home, 'kh-human');
    const key = server.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    await fs.writeFile(kh, `[${server.host}]:${server.port} ${key.publicKey}\n`);
    const r = await cli(['diagnose', '--known-hosts', kh, '--password-stdin', `carol@${server.host}:${server.port}`], {}, 'stdin-secret-42\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Verify the server identity/);
    expect(r.stdout).toContain('[OK_TRANSPORT]');
    expect(r.stdout).not.toContain('stdin-secret-42');
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
    [['ftp://h.invalid'], 'not supported'],
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
