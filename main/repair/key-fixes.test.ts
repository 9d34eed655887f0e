import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, generateKey, sshdAvailable, startSshd, SSH_KEYGEN_PATH, type SshdServer } from '../../e2e/harness/index';
import { makeFix, type Fix } from '../../shared/fixes';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { addHostKey } from '../store/known-hosts';
import { applyRepair, planRepair, type RepairContext } from './index';
import { check, ENGINE_HAS_AUTH, modeOf, tempDir, WORKING } from './test-helpers';

const run = promisify(execFile);
const sshd = sshdAvailable();
const USER = 'sdrepkeys';
const PASSWORD = 'keys-fix-pw-1';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('keys');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function keygenFingerprint(file: string): Promise<string> {
  return (await run(SSH_KEYGEN_PATH, ['-l', '-E', 'sha256', '-f', file])).stdout.trim().split(/\s+/)[1] ?? '';
}

describe.skipIf(!sshd.ok)('key fixes against a real sshd', () => {
  let server: SshdServer;
  let kh: string;
  beforeAll(async () => {
    [server] = await Promise.all([startSshd(), ensureUser({ name: USER, password: PASSWORD, shell: '/bin/sh' })]);
    kh = path.join(dir, 'known_hosts');
    for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
    const { stdout } = await run('getent', ['passwd', USER]);
    await fs.rm(path.join(stdout.split(':')[5]!, '.ssh'), { recursive: true, force: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a key nobody can read (unknown PEM cipher): convert-key says so plainly; generate-ed25519-key makes a new pair that ssh-keygen reads; installed with the password, it logs in', async () => {
    // A PEM key encrypted with a cipher no SSH tool supports.
    const base = await generateKey('rsa');
    const bad = path.join(dir, 'id_rsa_rc2');
    await run(SSH_KEYGEN_PATH, ['-q', '-p', '-m', 'PEM', '-N', 'pp-secret', '-P', '', '-f', base.path]);
    const text = (await fs.readFile(base.path, 'utf8')).replace(/DEK-Info: [A-Z0-9-]+,/, 'DEK-Info: RC2-CBC,');
    await fs.writeFile(bad, text, { mode: 0o600 });
    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PASSWORD, privateKey: { path: bad }, passphrase: 'pp-secret', timeoutMs: 4000 };
    const before = await check(request, kh);
    if (ENGINE_HAS_AUTH) expect(before.diagnosis.code).toBe('KEY_UNSUPPORTED_FORMAT');
    const ctx: RepairContext = { request, result: withFix(before, makeFix('generate-ed25519-key')), defaultKnownHostsPath: kh, homeDir: dir };

    if (before.diagnosis.fixes.some((f) => f.id === 'convert-key')) {
      await expect(applyRepair(ctx, 'convert-key', { confirmed: true })).rejects.toMatchObject({ message: expect.stringMatching(/new Ed25519 key/) });
      expect(await fs.readFile(bad, 'utf8')).toBe(text);
    }

    const folder = path.join(dir, 'my keys');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'id_ed25519'), 'someone else\'s key, not to be touched\n');
    const plan = await planRepair(ctx, 'generate-ed25519-key');
    expect(plan.needs).toEqual(['confirmation', 'folder']);
    await expect(applyRepair(ctx, 'generate-ed25519-key', { confirmed: false, folder })).rejects.toMatchObject({ code: 'NEEDS_CONFIRMATION' });
    const made = await applyRepair(ctx, 'generate-ed25519-key', { confirmed: true, folder });
    const file = path.join(folder, 'id_ed25519-2');
    expect(made.settings).toEqual({ privateKey: { path: file } });
    expect(await fs.readFile(path.join(folder, 'id_ed25519'), 'utf8')).toBe('someone else\'s key, not to be touched\n');
    expect(await modeOf(file)).toBe('600');
    expect(await modeOf(`${file}.pub`)).toBe('644');
    // ssh-keygen (the oracle) reads both halves and they belong together.
    const pub = (await fs.readFile(`${file}.pub`, 'utf8')).trim();
    expect((await run(SSH_KEYGEN_PATH, ['-y', '-f', file])).stdout.trim().split(' ').slice(0, 2)).toEqual(pub.split(' ').slice(0, 2));
    expect(made.changes[0]).toContain(await keygenFingerprint(`${file}.pub`));
    expect(made.nextRequest).toMatchObject({ privateKey: { path: file }, password: PASSWORD });
    expect(made.nextRequest?.passphrase).toBeUndefined();

    // The next real problem: the server does not know the new key yet (the password still works).
    const after = await check(made.nextRequest!, kh);
    if (!ENGINE_HAS_AUTH) return;
    expect(after.diagnosis.code).toBe('AUTH_KEY_REJECTED');
    const install = await applyRepair({ request: made.nextRequest!, result: after, defaultKnownHostsPath: kh }, 'install-public-key', { confirmed: true, password: PASSWORD });
    expect(install.applied).toBe(true);
    const final = await check(install.nextRequest!, kh);
    expect(final.diagnosis.code).toBe('OK');
  });

  it('convert-key: writes an OpenSSH copy of a PuTTY key (0600, same fingerprint for ssh-keygen), leaves the original, and the copy logs in', async () => {
    const key = await generateKey('ed25519');
    const ppk = path.join(dir, 'work.ppk');
    await run('puttygen', [key.path, '-O', 'private', '-o', ppk, '--new-passphrase', '/dev/null']);
    const original = await fs.readFile(ppk);
    const { stdout } = await run('getent', ['passwd', USER]);
    const home = stdout.split(':')[5]!;
    await fs.mkdir(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
    await fs.appendFile(path.join(home, '.ssh', 'authorized_keys'), `${key.publicKey}\n`);
    await run('chown', ['-R', `${USER}:${USER}`, path.join(home, '.ssh')]);

    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user: USER, privateKey: { path: ppk }, timeoutMs: 4000 };
    const before = await check(request, kh);
    // The engine reads PuTTY keys itself, so this diagnosis does not offer convert-key; a user of
    // another program that needs OpenSSH keys still asks for it. It is added here for that reason.
    const ctx: RepairContext = { request, result: withFix(before, makeFix('convert-key', { from: 'ppk-v3', to: 'openssh', path: ppk })), defaultKnownHostsPath: kh };
    const plan = await planRepair(ctx, 'convert-key');
    expect(plan.changes.join('\n')).toContain('is not changed');
    const done = await applyRepair(ctx, 'convert-key', { confirmed: true });
    const out = path.join(dir, 'work-openssh');
    expect(done.settings).toEqual({ privateKey: { path: out } });
    expect(await fs.readFile(ppk)).toEqual(original);
    expect(await modeOf(out)).toBe('600');
    expect(await keygenFingerprint(out)).toBe(key.sha256);
    const again = await applyRepair(ctx, 'convert-key', { confirmed: true });
    expect(again.settings).toEqual({ privateKey: { path: `${out}-2` } });
    expect((await check(done.nextRequest!, kh)).diagnosis.code).toBe(WORKING);
  });
});

/** The fix as offered (or added when this diagnosis does not list it: the reason is given at each use). */
function withFix(result: RunResult, fix: Fix): RunResult {
  if (result.diagnosis.fixes.some((f) => f.id === fix.id)) return result;
  return { ...result, diagnosis: { ...result.diagnosis, fixes: [...result.diagnosis.fixes, fix] } };
}
