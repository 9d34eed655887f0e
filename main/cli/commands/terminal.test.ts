/**
 * The built CLI (dist/cli.cjs) as a user runs it, on a real terminal (a pseudo-terminal from
 * util-linux's `script`) and without one, against a real sshd.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAccount, sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';

const cliPath = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.cjs');
const PW = 'Term-Pw-7-secret';
const sshd = sshdAvailable();
const hasScript = existsSync('/usr/bin/script');

let home: string;
let server: SshdServer;
let kh: string;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, SFTP_DOCTOR_HOME: home, TERM: 'dumb' };
  delete e.SSH_AUTH_SOCK;
  return e;
}

/** Runs the CLI; on a pseudo-terminal when `tty`, answering each prompt (matched by its regexp) as a user types. */
function run(args: string[], opts: { tty?: boolean; answers?: [RegExp, string][] } = {}): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = opts.tty
    ? spawn('script', ['-qfec', quoted, '/dev/null'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [cliPath, ...args], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const pending = [...(opts.answers ?? [])];
  const onData = (d: Buffer) => {
    out += d.toString();
    const next = pending[0];
    if (next && next[0].test(out)) {
      pending.shift();
      child.stdin.write(next[1]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  if (!opts.tty) child.stdin.end();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error('dist/cli.cjs is missing: run "npm run build" first.');
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-terminal-'));
  if (!sshd.ok) return;
  server = await startSshd();
  await setupAccount({ name: 'sd4term', password: PW });
  kh = path.join(home, 'known_hosts');
  await fs.writeFile(kh, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n') + '\n');
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(home, { recursive: true, force: true });
});

describe.skipIf(!sshd.ok || !hasScript)('asking for what is missing on a terminal', () => {
  it('asks for the password without echo when neither a password nor a key was given, and logs in', async () => {
    const r = await run(['diagnose', '--known-hosts', kh, `sd4term@${server.host}:${server.port}`], { tty: true, answers: [[/password \(not shown as you type\): $/, `${PW}\r`]] });
    expect(r.out).toContain(`sd4term@${server.host}:${server.port}'s password`);
    expect(r.out).not.toContain(PW);
    expect(r.out).not.toContain('AUTH_NO_CREDENTIALS');
    expect(r.out).toMatch(/✓ .*\[OK\]/);
    expect(r.code).toBe(0);
  });

  it('says the user name is empty, asks for it, then for the password', async () => {
    const r = await run(['diagnose', '--known-hosts', kh, `${server.host}:${server.port}`], {
      tty: true,
      answers: [
        [/User name for [^:]+:\d+: $/, 'sd4term\r'],
        [/password \(not shown as you type\): $/, `${PW}\r`],
      ],
    });
    expect(r.out).toContain('The user name is empty');
    expect(r.out).toContain(`sd4term@${server.host}:${server.port}'s password`);
    expect(r.code).toBe(0);
  });

  it('without a terminal nothing is asked: AUTH_NO_CREDENTIALS as before, and the empty user name is named', async () => {
    const r = await run(['diagnose', '--known-hosts', kh, `${server.host}:${server.port}`]);
    expect(r.out).not.toContain('password (not shown');
    expect(r.out).toContain('The user name is empty');
    expect(r.out).toContain('AUTH_NO_CREDENTIALS');
    expect(r.code).toBe(1);
  });
});
