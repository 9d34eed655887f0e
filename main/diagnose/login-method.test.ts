/**
 * The second look over the other password method, against real OpenSSH servers: a site set to
 * "password" on a server that takes passwords only over keyboard-interactive (PAM), and a site set
 * to "keyboard-interactive" on one that takes only "password". One extra try at most, counted in
 * sshd's own log; the fix adds the method and the re-check passes.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { setupAccount, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import { diagnose } from './index';

const sshd = sshdAvailable();
const PW = 'Pw-16-login-method';
const USER = 'sd16method';
let dir: string;
let knownHosts: string;
/** PAM; passwords only through keyboard-interactive (PasswordAuthentication no). */
let kbdOnly: SshdServer;
/** No PAM; passwords only through "password" (the harness default). */
let passwordOnly: SshdServer;

function request(server: SshdServer, extra: Partial<ConnectionRequest>): ConnectionRequest {
  return { protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PW, timeoutMs: 8000, writeTest: false, useAgent: false, ...extra };
}

async function run(server: SshdServer, extra: Partial<ConnectionRequest>): Promise<RunResult> {
  return diagnose(request(server, extra), { defaultKnownHostsPath: knownHosts, agentSocket: '' });
}

/** sshd's log arrives through a pipe, a moment after the client saw the answer: wait for it (bounded). */
async function logged(server: SshdServer, check: (log: string) => boolean): Promise<string> {
  for (let i = 0; i < 40 && !check(server.log()); i++) await new Promise((r) => setTimeout(r, 50));
  return server.log();
}

const count = (log: string, re: RegExp) => (log.match(re) ?? []).length;
const evidenceText = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');

describe.skipIf(!sshd.ok)('a password refused over one method, tried once over the other', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'login-method-'));
    knownHosts = path.join(dir, 'known_hosts');
    await setupAccount({ name: USER, password: PW });
    const stack = ['auth required pam_unix.so nodelay', 'account required pam_unix.so', 'session required pam_permit.so', 'password required pam_unix.so'].join('\n');
    [kbdOnly, passwordOnly] = await Promise.all([startSshd({ pam: `${stack}\n`, config: { PasswordAuthentication: 'no', KbdInteractiveAuthentication: 'yes' } }), startSshd()]);
    await fs.writeFile(knownHosts, [kbdOnly, passwordOnly].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}\n`)).join(''));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([kbdOnly?.stop(), passwordOnly?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('site "password", server keyboard-interactive only: accepted there; "Also log in with keyboard-interactive" fixes it', async () => {
    const { repairOnce } = await import('../repair/test-helpers');
    const fixed = await repairOnce(request(kbdOnly, { authMethods: ['password'] }), knownHosts, 'use-auth-methods', { confirmed: true });
    const r = fixed.before;
    expect(r.diagnosis.code).toBe('AUTH_METHOD_NOT_IN_SITE');
    expect(r.diagnosis.title).toContain('keyboard-interactive');
    expect(r.facts.auth?.methodLook).toEqual({ method: 'keyboard-interactive', result: 'accepted', siteMethods: ['password'] });
    expect(evidenceText(r)).toMatch(/Second look \(login method\): this site uses password; tried the same password once over keyboard-interactive, which the server allows: accepted/);
    expect(r.diagnosis.fixes.map((f) => f.id)).toEqual(['use-auth-methods']);
    expect(r.diagnosis.fixes[0]?.params).toEqual({ methods: ['keyboard-interactive', 'password'], added: 'keyboard-interactive' });
    expect(JSON.stringify(r)).not.toContain(PW);
    expect(await logged(kbdOnly, (log) => log.includes(`Accepted keyboard-interactive/pam for ${USER}`))).toContain(`Accepted keyboard-interactive/pam for ${USER}`);
    // The fix: the site now allows keyboard-interactive, and the check passes without a second look.
    expect(fixed.after?.diagnosis.code).toBe('OK_READ_ONLY');
    expect(fixed.after?.facts.auth?.methodLook).toBeUndefined();
  });

  it('a wrong password: one extra try over keyboard-interactive, refused too, said so; never a third', async () => {
    const re = new RegExp(`Failed keyboard-interactive/pam for ${USER} `, 'g');
    const before = count(kbdOnly.log(), re);
    const r = await run(kbdOnly, { authMethods: ['password'], password: 'Not-the-password-16' });
    expect(r.diagnosis.code).toBe('AUTH_PASSWORD_REJECTED');
    expect(r.facts.auth?.methodLook?.result).toBe('refused');
    expect(evidenceText(r)).toMatch(/Second look \(login method\): .*refused too, so the login method is not the cause/);
    expect(r.facts.auth?.attempts.filter((a) => a.method === 'keyboard-interactive' || a.method === 'password')).toHaveLength(1);
    await logged(kbdOnly, (log) => count(log, re) > before);
    expect(count(kbdOnly.log(), re) - before).toBe(1);
  });

  it('site "keyboard-interactive", server "password" only: the password is tried once over "password" and accepted', async () => {
    const { repairOnce } = await import('../repair/test-helpers');
    const fixed = await repairOnce(request(passwordOnly, { authMethods: ['keyboard-interactive'] }), knownHosts, 'use-auth-methods', { confirmed: true });
    const r = fixed.before;
    expect(r.diagnosis.code).toBe('AUTH_METHOD_NOT_IN_SITE');
    expect(r.facts.auth?.methodLook).toEqual({ method: 'password', result: 'accepted', siteMethods: ['keyboard-interactive'] });
    expect(r.diagnosis.fixes[0]?.params).toEqual({ methods: ['keyboard-interactive', 'password'], added: 'password' });
    expect(await logged(passwordOnly, (log) => log.includes(`Accepted password for ${USER}`))).toContain(`Accepted password for ${USER}`);
    expect(fixed.after?.diagnosis.code).toBe('OK_READ_ONLY');
  });
});
