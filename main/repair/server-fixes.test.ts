import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, generateKey, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from '../../e2e/harness/index';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { makeFix, type Fix } from '../../shared/fixes';
import { addHostKey } from '../store/known-hosts';
import { applyRepair, planRepair, type RepairContext } from './index';
import { check, ENGINE_HAS_AUTH, modeOf, tempDir } from './test-helpers';

const run = promisify(execFile);
const sshd = sshdAvailable();

/**
 * The fix as the diagnosis offers it. Until engine part 2's rules offer the server-side fixes, the
 * fix is added to the real diagnosis here; what the tests assert is the server's real state
 * (logins tried with ssh2 as the oracle) and the engine's re-check.
 */
function offered(result: RunResult, fix: Fix): RunResult {
  if (result.diagnosis.fixes.some((f) => f.id === fix.id)) return result;
  return { ...result, diagnosis: { ...result.diagnosis, fixes: [...result.diagnosis.fixes, fix] } };
}

/** Logs in with ssh2 (the oracle): "ok" when the login and an SFTP listing work, else what failed. */
async function oracle(server: SshdServer, user: string, auth: { password?: string; keyFile?: string }): Promise<'ok' | 'auth' | 'sftp'> {
  const client = new Client();
  const privateKey = auth.keyFile ? await fs.readFile(auth.keyFile) : undefined;
  return new Promise((resolve) => {
    const sock = net.connect(server.port, server.host);
    client.on('ready', () =>
      client.sftp((err, sftp) => {
        if (err) return (client.end(), resolve('sftp'));
        sftp.readdir('.', (e) => (client.end(), resolve(e ? 'sftp' : 'ok')));
      }),
    );
    client.on('error', (err: Error & { level?: string }) => resolve(err.level === 'client-authentication' ? 'auth' : 'sftp'));
    // Generous: PAM waits a few seconds after a refused password, longer on a busy machine; a
    // timeout here must not pass for an SFTP failure.
    client.connect({ sock, username: user, ...(auth.password ? { password: auth.password } : {}), ...(privateKey ? { privateKey } : {}), readyTimeout: 20_000 });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await tempDir('server');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function resetHome(user: string, mode = 0o755): Promise<string> {
  const { home } = await ensureUser({ name: user });
  await fs.rm(path.join(home, '.ssh'), { recursive: true, force: true });
  await fs.chmod(home, mode);
  return home;
}

async function chownR(user: string, target: string): Promise<void> {
  await run('chown', ['-R', `${user}:${user}`, target]);
}

describe.skipIf(!sshd.ok)('server-side fixes against a real sshd (StrictModes yes)', () => {
  let server: SshdServer;
  let kh: string;
  let key: GeneratedKey;
  let otherKey: GeneratedKey;
  beforeAll(async () => {
    [server, key, otherKey] = await Promise.all([
      startSshd({ config: { StrictModes: 'yes', Subsystem: 'sftp /usr/lib/openssh/sftp-server' } }),
      generateKey('ed25519'),
      generateKey('ecdsa'),
    ]);
    kh = path.join(dir, 'known_hosts');
    for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const ctxFor = (request: ConnectionRequest, result: RunResult, extra: Partial<RepairContext> = {}): RepairContext => ({ request, result, defaultKnownHostsPath: kh, logFile: path.join(dir, 'repairs.log'), ...extra });

  it('install-public-key: dry run, then appends the key keeping the other lines and the comment; no duplicate the second time; key login works', async () => {
    const user = 'sdrepinst';
    const password = 'install-pw-1';
    await ensureUser({ name: user, password, shell: '/bin/sh' });
    const home = await resetHome(user);
    await fs.mkdir(path.join(home, '.ssh'), { mode: 0o700 });
    const existing = `# my keys\n${otherKey.publicKey} laptop`; // no final line end
    await fs.writeFile(path.join(home, '.ssh', 'authorized_keys'), existing, { mode: 0o600 });
    await chownR(user, path.join(home, '.ssh'));
    expect(await oracle(server, user, { keyFile: key.path })).toBe('auth');

    // The user gave the key and the password: the key is refused, the password works.
    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user, privateKey: { path: key.path }, password, timeoutMs: 4000 };
    const before = await check(request, kh);
    if (ENGINE_HAS_AUTH) {
      expect(before.diagnosis.code).toBe('AUTH_KEY_REJECTED');
      expect(before.diagnosis.fixes.map((f) => f.id)).toContain('install-public-key');
    }
    const ctx = ctxFor(request, offered(before, makeFix('install-public-key', { publicKey: '', fingerprint: '' })));
    const { password: _pw, ...keyOnly } = request;
    const blindCtx = { ...ctx, request: keyOnly };

    const blind = await planRepair(blindCtx, 'install-public-key');
    expect(blind.needs).toEqual(['confirmation', 'password']);
    const dry = await planRepair(ctx, 'install-public-key');
    expect(dry.changes.join('\n')).toContain(`Add one line at the end of ${home}/.ssh/authorized_keys (it has 2 line(s), all kept as they are)`);
    expect(await fs.readFile(path.join(home, '.ssh', 'authorized_keys'), 'utf8')).toBe(existing);

    await expect(applyRepair(blindCtx, 'install-public-key', { confirmed: true })).rejects.toMatchObject({ code: 'NEEDS_INPUT' });
    await expect(applyRepair(blindCtx, 'install-public-key', { confirmed: true, password: 'wrong' })).rejects.toMatchObject({ code: 'REFUSED' });
    const applied = await applyRepair(ctx, 'install-public-key', { confirmed: true, password });
    const text = await fs.readFile(path.join(home, '.ssh', 'authorized_keys'), 'utf8');
    expect(text).toBe(`${existing}\n${key.publicKey}\n`);
    expect(await fs.readFile(path.join(home, '.ssh', 'authorized_keys.sftp-doctor.bak'), 'utf8')).toBe(existing);
    expect(await modeOf(path.join(home, '.ssh', 'authorized_keys'))).toBe('600');
    expect(applied.backups).toHaveLength(1);
    expect(applied.nextRequest?.password).toBeUndefined();
    expect(await oracle(server, user, { keyFile: key.path })).toBe('ok');
    if (ENGINE_HAS_AUTH) expect((await check(applied.nextRequest!, kh)).diagnosis.code).toBe('OK');

    const again = await applyRepair(ctx, 'install-public-key', { confirmed: true, password });
    expect(again.changes).toEqual([]);
    expect(await fs.readFile(path.join(home, '.ssh', 'authorized_keys'), 'utf8')).toBe(text);
    expect(await fs.readFile(path.join(dir, 'repairs.log'), 'utf8')).not.toContain(password);
  });

  it('install-public-key with no ~/.ssh: creates it 700 and authorized_keys 600 (like ssh-copy-id)', async () => {
    const user = 'sdrepinst2';
    const password = 'install-pw-2';
    await ensureUser({ name: user, password, shell: '/bin/sh' });
    const home = await resetHome(user);
    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user, privateKey: { path: key.path }, timeoutMs: 4000 };
    const before = await check(request, kh);
    const applied = await applyRepair(ctxFor(request, offered(before, makeFix('install-public-key', { publicKey: '', fingerprint: '' }))), 'install-public-key', { confirmed: true, password });
    expect(applied.changes).toEqual([`Created ${home}/.ssh (mode 700) on the server`, `Created ${home}/.ssh/authorized_keys (mode 600) on the server with the key`]);
    expect(await modeOf(path.join(home, '.ssh'))).toBe('700');
    expect(await modeOf(path.join(home, '.ssh', 'authorized_keys'))).toBe('600');
    expect(await oracle(server, user, { keyFile: key.path })).toBe('ok');
  });

  it('refuses to log in for a change when the server key is not trusted', async () => {
    const user = 'sdrepinst2';
    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user, password: 'install-pw-2', timeoutMs: 4000 };
    const empty = path.join(dir, 'empty_known_hosts');
    const before = await check(request, empty);
    expect(before.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
    await expect(applyRepair({ request, result: offered(before, makeFix('install-public-key', { publicKey: '', fingerprint: '' })), defaultKnownHostsPath: empty }, 'install-public-key', { confirmed: true })).rejects.toMatchObject({ code: 'FAILED' });
    await expect(applyRepair({ request: { ...request, privateKey: { path: key.path } }, result: offered(before, makeFix('install-public-key', { publicKey: '', fingerprint: '' })), defaultKnownHostsPath: empty }, 'install-public-key', { confirmed: true })).rejects.toMatchObject({ code: 'REFUSED' });
  });

  it('fix-authorized-keys-permissions: home 777, ~/.ssh 755, authorized_keys 644 → 755, 700, 600; then the key works', async () => {
    const user = 'sdrepperm';
    const password = 'perm-pw-1';
    await ensureUser({ name: user, password, shell: '/bin/sh' });
    const home = await resetHome(user);
    await fs.mkdir(path.join(home, '.ssh'));
    await fs.writeFile(path.join(home, '.ssh', 'authorized_keys'), `${key.publicKey}\n`);
    await chownR(user, path.join(home, '.ssh'));
    await fs.chmod(home, 0o777);
    await fs.chmod(path.join(home, '.ssh'), 0o755);
    await fs.chmod(path.join(home, '.ssh', 'authorized_keys'), 0o644);
    expect(await oracle(server, user, { keyFile: key.path })).toBe('auth');

    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user, privateKey: { path: key.path }, timeoutMs: 4000 };
    const before = await check({ ...request, password }, kh);
    if (ENGINE_HAS_AUTH) {
      expect(before.diagnosis.code).toBe('AUTH_KEY_REJECTED');
      expect(before.diagnosis.fixes.map((f) => f.id)).toContain('fix-authorized-keys-permissions');
    }
    const ctx = ctxFor({ ...request, password }, offered(before, makeFix('fix-authorized-keys-permissions', { path: '~/.ssh', mode: '700' })));
    const plan = await planRepair(ctx, 'fix-authorized-keys-permissions');
    expect(plan.changes).toEqual([
      `${home} (home folder (writable by others: SSH refuses keys then)): mode 777 → 755`,
      `${home}/.ssh (key folder): mode 755 → 700`,
      `${home}/.ssh/authorized_keys (key list): mode 644 → 600`,
    ]);
    const applied = await applyRepair(ctx, 'fix-authorized-keys-permissions', { confirmed: true });
    expect(applied.changes).toHaveLength(3);
    expect([await modeOf(home), await modeOf(path.join(home, '.ssh')), await modeOf(path.join(home, '.ssh', 'authorized_keys'))]).toEqual(['755', '700', '600']);
    expect(await fs.readFile(path.join(home, '.ssh', 'authorized_keys'), 'utf8')).toBe(`${key.publicKey}\n`);
    expect(await oracle(server, user, { keyFile: key.path })).toBe('ok');
    if (ENGINE_HAS_AUTH) expect((await check(request, kh)).diagnosis.code).toBe('OK');
  });

  it('silence-login-script: shows the printing line, guards ~/.bashrc with a backup beside it, and SFTP works again', async () => {
    const user = 'sdreprc';
    const password = 'rc-pw-1';
    await ensureUser({ name: user, password, shell: '/bin/bash' });
    const home = await resetHome(user);
    const rc = path.join(home, '.bashrc');
    const original = '# my settings\nalias ll="ls -l"\necho "Welcome to the file server"\n';
    await fs.writeFile(rc, original);
    await chownR(user, rc);
    expect(await oracle(server, user, { password })).toBe('sftp');

    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user, password, timeoutMs: 4000 };
    const before = await check(request, kh);
    if (ENGINE_HAS_AUTH) {
      expect(before.diagnosis.code).toBe('SFTP_LOGIN_SCRIPT_OUTPUT');
      expect(before.diagnosis.fixes.map((f) => f.id)).toContain('silence-login-script');
    }
    const ctx = ctxFor(request, offered(before, makeFix('silence-login-script', { file: '~/.bashrc', guard: 'case $- in *i*) ;; *) return ;; esac', shell: 'bash' })));
    const plan = await planRepair(ctx, 'silence-login-script');
    expect(plan.changes[0]).toBe(`Insert these lines at the top of ${rc} on the server (your shell is /bin/bash):`);
    expect(plan.notes).toContain('line 3: echo "Welcome to the file server"');
    expect(await fs.readFile(rc, 'utf8')).toBe(original);

    const applied = await applyRepair(ctx, 'silence-login-script', { confirmed: true });
    const now = await fs.readFile(rc, 'utf8');
    expect(now.endsWith(original)).toBe(true);
    expect(now).toMatch(/^# Added by SFTP Doctor[^\n]*\n#[^\n]*\ncase \$- in \*i\*\) ;; \*\) return 0 ;; esac\n/);
    expect(await fs.readFile(`${rc}.sftp-doctor.bak`, 'utf8')).toBe(original);
    expect(applied.backups).toEqual([`${rc}.sftp-doctor.bak (on the server)`]);
    expect(await oracle(server, user, { password })).toBe('ok');
    if (ENGINE_HAS_AUTH) expect((await check(request, kh)).diagnosis.code).toBe('OK');
    // An interactive bash still reads the rest of the file.
    const interactive = await run('su', ['-', user, '-s', '/bin/bash', '-c', 'bash -ic "alias ll" 2>/dev/null']).catch((e: { stdout: string }) => e);
    expect(interactive.stdout).toContain('ls -l');
  });
});

describe.skipIf(!sshd.ok)('change-expired-password against sshd with PAM', () => {
  it('sets the new password through the PAM prompts; the old one stops working, the new one logs in', async () => {
    const server = await startSshd({ config: { UsePAM: 'yes', KbdInteractiveAuthentication: 'yes' } });
    try {
      const kh = path.join(dir, 'known_hosts_pam');
      for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
      const user = 'sdrepexp';
      const oldPw = 'Expired-pw-1!x';
      const newPw = 'Fresh-Pw-2?zq-long';
      await ensureUser({ name: user, password: oldPw, shell: '/bin/sh' });
      await run('chage', ['-d', '0', user]);
      const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user, password: oldPw, timeoutMs: 5000 };
      const before = await check(request, kh);
      if (ENGINE_HAS_AUTH) {
        expect(before.diagnosis.code).toBe('AUTH_PASSWORD_EXPIRED');
        expect(before.diagnosis.fixes.map((f) => f.id)).toContain('change-expired-password');
      }
      const ctx: RepairContext = { request, result: offered(before, makeFix('change-expired-password', { via: 'pam' })), defaultKnownHostsPath: kh };
      expect((await planRepair(ctx, 'change-expired-password')).needs).toEqual(['confirmation', 'new-password']);
      await expect(applyRepair(ctx, 'change-expired-password', { confirmed: true })).rejects.toMatchObject({ code: 'NEEDS_INPUT' });
      const applied = await applyRepair(ctx, 'change-expired-password', { confirmed: true, newPassword: newPw });
      expect(applied.nextRequest?.password).toBe(newPw);
      expect(JSON.stringify({ ...applied, nextRequest: null })).not.toContain(newPw);
      expect(await oracle(server, user, { password: newPw })).toBe('ok');
      expect(await oracle(server, user, { password: oldPw })).toBe('auth');
      if (ENGINE_HAS_AUTH) expect((await check(applied.nextRequest!, kh)).diagnosis.code).toBe('OK');
    } finally {
      await server.stop();
    }
  });
});
