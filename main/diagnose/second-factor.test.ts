/**
 * Keyboard-interactive questions that are not the password (a one-time code) against a real
 * OpenSSH server whose PAM stack asks for one (pam_google_authenticator): the password alone is
 * never given as their answer, not even to "Password & verification code:"; the person is asked
 * when there is one, and a second look asks nobody and says a second factor is required.
 */
import { createHmac } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, PromptAnswer, PromptRequest, RunResult } from '../../shared/types';
import { setupAccount, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import { diagnose } from './index';

const sshd = sshdAvailable();
const GOOGLE_PAM = '/lib/x86_64-linux-gnu/security/pam_google_authenticator.so';
const ready = sshd.ok && existsSync(GOOGLE_PAM);
if (sshd.ok && !ready) console.warn('Skipping the second-factor tests: pam_google_authenticator is missing (install libpam-google-authenticator; .ci/run does)');

const USER = 'sd16otp';
const PW = 'Pw-16-second-factor';
/** The account's TOTP secret (base32), as `google-authenticator` writes it to ~/.google_authenticator. */
const SECRET = 'JBSWY3DPEHPK3PXP';
let dir: string;
let knownHosts: string;
/** PAM: the password (pam_unix), then "Verification code:"; passwords over keyboard-interactive only. */
let codeAfter: SshdServer;
/** PAM: one question "Password & verification code:" (forward_pass), the password handed on to pam_unix. */
let together: SshdServer;

/** The current code of RFC 6238 (30 s steps, 6 digits, HMAC-SHA1), as the authenticator app shows it. */
function totp(secretBase32: string, now = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const off = h[h.length - 1]! & 0x0f;
  return String((h.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

function request(server: SshdServer, extra: Partial<ConnectionRequest> = {}): ConnectionRequest {
  return { protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PW, timeoutMs: 8000, writeTest: false, useAgent: false, ...extra };
}

/** A run with a person at the keyboard who answers each question with `answer` (and records it). */
async function run(server: SshdServer, extra: Partial<ConnectionRequest>, answer?: (q: Extract<PromptRequest, { kind: 'secret' }>) => string[]): Promise<{ r: RunResult; asked: string[] }> {
  const asked: string[] = [];
  const prompt = async (q: PromptRequest): Promise<PromptAnswer> => {
    if (q.kind !== 'secret') return { kind: 'hostkey', promptId: q.promptId, decision: 'cancel' };
    asked.push(...q.prompts.map((p) => p.text.trim()));
    return { kind: 'secret', promptId: q.promptId, answers: answer ? answer(q) : null };
  };
  const r = await diagnose(request(server, extra), { defaultKnownHostsPath: knownHosts, agentSocket: '', prompt });
  return { r, asked };
}

const evidenceText = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');

describe.skipIf(!ready)('a second factor asked over keyboard-interactive', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'second-factor-'));
    knownHosts = path.join(dir, 'known_hosts');
    const account = await setupAccount({ name: USER, password: PW, files: { '.google_authenticator': `${SECRET}\n" TOTP_AUTH\n` } });
    await fs.chmod(path.join(account.home, '.google_authenticator'), 0o400);
    const tail = ['account required pam_unix.so', 'session required pam_permit.so'];
    const config = { PasswordAuthentication: 'no', KbdInteractiveAuthentication: 'yes' };
    [codeAfter, together] = await Promise.all([
      startSshd({ pam: `${['auth required pam_unix.so nodelay', 'auth required pam_google_authenticator.so', ...tail].join('\n')}\n`, config }),
      startSshd({ pam: `${['auth required pam_google_authenticator.so forward_pass', 'auth required pam_unix.so nodelay use_first_pass', ...tail].join('\n')}\n`, config }),
    ]);
    await fs.writeFile(knownHosts, [codeAfter, together].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}\n`)).join(''));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([codeAfter?.stop(), together?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('"Password:" then "Verification code:": the password goes to the first, the person is asked the code, and the login works', async () => {
    const { r, asked } = await run(codeAfter, {}, () => [totp(SECRET)]);
    expect(asked).toEqual(['Verification code:']);
    expect(r.diagnosis.code).toBe('OK_READ_ONLY');
  });

  it('"Password & verification code:" is never answered with the password alone: the person is asked, and password + code log in', async () => {
    const { r, asked } = await run(together, {}, () => [`${PW}${totp(SECRET)}`]);
    expect(asked).toEqual(['Password & verification code:']);
    expect(r.diagnosis.code).toBe('OK_READ_ONLY');
    // Nobody there to ask: nothing is sent for it, and the diagnosis says what the server wants.
    const alone = await diagnose(request(together), { defaultKnownHostsPath: knownHosts, agentSocket: '' });
    expect(alone.diagnosis.code).toBe('AUTH_PARTIAL');
    expect(evidenceText(alone)).toContain('The server asked: Password & verification code:');
  });

  it('the second look over keyboard-interactive (site: password only) asks nobody the code: AUTH_PARTIAL, a second factor, and the fix adds the method', async () => {
    for (const server of [codeAfter, together]) {
      const { r, asked } = await run(server, { authMethods: ['password'] }, () => [totp(SECRET)]);
      expect(asked).toEqual([]);
      expect(r.diagnosis.code).toBe('AUTH_PARTIAL');
      expect(r.facts.auth?.methodLook).toEqual({ method: 'keyboard-interactive', result: 'second-factor', siteMethods: ['password'] });
      expect(r.facts.auth?.attempts.filter((a) => a.method !== 'none')).toHaveLength(1);
      const text = evidenceText(r);
      expect(text).toMatch(/The server asked: (Verification code:|Password & verification code:)/);
      expect(text).toMatch(/Second look \(login method\): .*the server asked for a second factor there \(a one-time code or token; quoted above\), which a second look never answers/);
      expect(r.diagnosis.fixes.map((f) => [f.id, f.params])).toEqual([['use-auth-methods', { methods: ['keyboard-interactive', 'password'], added: 'keyboard-interactive' }]]);
      expect(JSON.stringify(r)).not.toContain(PW);
    }
    // With keyboard-interactive allowed, the person is asked the code and the login works.
    const { r, asked } = await run(codeAfter, { authMethods: ['keyboard-interactive', 'password'] }, () => [totp(SECRET)]);
    expect(asked).toEqual(['Verification code:']);
    expect(r.diagnosis.code).toBe('OK_READ_ONLY');
  });
});
