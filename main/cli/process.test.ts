/**
 * The CLI as a process (the built dist/cli.cjs, as users run it): what happens when its reader
 * goes away and when the user presses Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.cjs');
let home: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.cjs is missing: run "npm run build" first.');
  home = await mkdtemp(path.join(os.tmpdir(), 'cli-process-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

function start(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, SFTP_DOCTOR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 300 && !re.test(out + err); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out + err).toMatch(re);
  };
  return { child, exited, out: () => out, err: () => err, waitFor };
}

describe('the sftp-doctor process', () => {
  it('answers --version and -v from the command itself with the package version, and runs commands through the bundle', async () => {
    const bin = path.resolve(__dirname, 'sftp-doctor.cjs');
    const { version } = JSON.parse(await readFile(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = spawnSync(process.execPath, [bin, flag], { encoding: 'utf8', env: { ...process.env, SFTP_DOCTOR_HOME: home } });
      expect([r.status, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
    }
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', env: { ...process.env, SFTP_DOCTOR_HOME: home } });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`${version} - finds out why`);
  });

  it('stops quietly when its reader goes away (| head): no EPIPE stack trace', async () => {
    const p = start(['--help']);
    p.child.stdout.destroy(); // the reader is gone before the CLI writes
    const code = await p.exited;
    expect(p.err()).not.toMatch(/EPIPE|at .*\.c?js:\d+/);
    expect(code).toBe(0);
  });

  it('Ctrl-C ends `ui` with exit code 130', async () => {
    const p = start(['ui']);
    await p.waitFor(/#token=/);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(130);
    expect(p.err()).toBe('');
  });

  it('Ctrl-C during a diagnosis cancels it and exits 130', async () => {
    // A server that accepts and never says a word: the run waits for its banner.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const p = start(['diagnose', `sftp://u@127.0.0.1:${port}`, '--timeout', '60']);
      await p.waitFor(/./);
      p.child.kill('SIGINT');
      expect(await p.exited).toBe(130);
      expect(p.err()).not.toMatch(/at .*\.c?js:\d+/);
    } finally {
      silent.close();
    }
  });
});
