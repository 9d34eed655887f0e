/**
 * The second look at a refused RSA key, against real OpenSSH servers whose PubkeyAcceptedAlgorithms
 * takes only some RSA signatures while their server-sig-algs still names them all (as OpenSSH 9
 * does): ssh2 signs with rsa-sha2-256 by itself. One extra try at most, counted in sshd's own log;
 * the fix sets the site's signature algorithm and the re-check passes without a second look.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { generateKey, setupAccount, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from '../../e2e/harness/index';
import { otherRsaSignature } from './phases/auth';
import { diagnose } from './index';

const sshd = sshdAvailable();
const USER = 'sd16rsasig';
const PW = 'Pw-16-rsa-signature';
let dir: string;
let knownHosts: string;
let key: GeneratedKey;
/** Takes RSA keys signed with rsa-sha2-512 only (a hardening guide's setting). */
let only512: SshdServer;
/** Takes RSA keys signed with the old ssh-rsa (SHA-1) only. */
let onlySha1: SshdServer;

function request(server: SshdServer, extra: Partial<ConnectionRequest> = {}): ConnectionRequest {
  return { protocol: 'sftp', host: server.host, port: server.port, user: USER, privateKey: { path: key.path }, timeoutMs: 8000, writeTest: false, useAgent: false, ...extra };
}

async function run(server: SshdServer, extra: Partial<ConnectionRequest> = {}): Promise<RunResult> {
  return diagnose(request(server, extra), { defaultKnownHostsPath: knownHosts, agentSocket: '' });
}

/** sshd's log arrives through a pipe, a moment after the client saw the answer: wait for it (bounded). */
async function logged(server: SshdServer, check: (log: string) => boolean): Promise<string> {
  for (let i = 0; i < 40 && !check(server.log()); i++) await new Promise((r) => setTimeout(r, 50));
  return server.log();
}

const count = (log: string, text: string) => log.split(text).length - 1;
const evidenceText = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');
const keyAttempts = (r: RunResult) => r.facts.auth?.attempts.filter((a) => a.method === 'publickey') ?? [];

describe('choosing the other RSA signature', () => {
  it('takes what OpenSSH, PuTTY and WinSCP use first, among what the server lists', () => {
    expect(otherRsaSignature('rsa-sha2-256', ['ssh-ed25519', 'ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'])).toBe('rsa-sha2-512');
    expect(otherRsaSignature('ssh-rsa', null)).toBe('rsa-sha2-512');
    expect(otherRsaSignature('rsa-sha2-512', ['rsa-sha2-512', 'ssh-rsa'])).toBe('ssh-rsa');
    expect(otherRsaSignature('rsa-sha2-256', ['rsa-sha2-256'])).toBeNull();
  });
});

describe.skipIf(!sshd.ok)('an RSA key refused with one signature algorithm, tried once with another', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rsa-signature-'));
    knownHosts = path.join(dir, 'known_hosts');
    key = await generateKey('rsa', dir);
    await setupAccount({ name: USER, password: PW, authorizedKeys: [key.publicKey] });
    [only512, onlySha1] = await Promise.all([startSshd({ config: { PubkeyAcceptedAlgorithms: 'rsa-sha2-512' } }), startSshd({ config: { PubkeyAcceptedAlgorithms: 'ssh-rsa' } })]);
    await fs.writeFile(knownHosts, [only512, onlySha1].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}\n`)).join(''));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([only512?.stop(), onlySha1?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('rsa-sha2-256 refused, rsa-sha2-512 accepted: AUTH_KEY_SIGNATURE_ALGORITHM; "Sign with rsa-sha2-512" fixes it', async () => {
    const refusedLine = 'userauth_pubkey: signature algorithm rsa-sha2-256 not in PubkeyAcceptedAlgorithms';
    const refusedBefore = count(only512.log(), refusedLine);
    const { repairOnce } = await import('../repair/test-helpers');
    const fixed = await repairOnce(request(only512), knownHosts, 'use-rsa-signature', { confirmed: true });
    const r = fixed.before;
    expect(r.diagnosis.code).toBe('AUTH_KEY_SIGNATURE_ALGORITHM');
    expect(r.diagnosis.title).toBe('The server takes this key only when it signs with rsa-sha2-512');
    expect(r.facts.auth?.signatureLook).toEqual({ used: 'rsa-sha2-256', tried: 'rsa-sha2-512', result: 'accepted' });
    expect(keyAttempts(r).map((a) => [a.signature, a.result])).toEqual([
      ['rsa-sha2-256', 'failure'],
      ['rsa-sha2-512', 'success'],
    ]);
    const text = evidenceText(r);
    expect(text).toMatch(/Second look \(key signature\): the key signed with rsa-sha2-256 was refused; signed once more with rsa-sha2-512: accepted/);
    // The server's list names rsa-sha2-256 although it refuses it: that is why the first choice failed.
    expect(text).toMatch(/Key signatures the server lists as accepted: .*rsa-sha2-256/);
    expect(text).toContain(`Server log line for the refusal: ${refusedLine}`);
    expect(r.diagnosis.fixes.map((f) => [f.id, f.params])).toEqual([['use-rsa-signature', { algorithm: 'rsa-sha2-512' }]]);
    // The log line quoted is the one sshd wrote, once: one refusal, then the accepted key.
    const log = await logged(only512, (l) => count(l, refusedLine) > refusedBefore && l.includes(`Accepted publickey for ${USER}`));
    expect(count(log, refusedLine) - refusedBefore).toBe(1);
    // The fix: the site signs with rsa-sha2-512 from the start, and the check passes without a second look.
    expect(fixed.applied.nextRequest?.rsaSignature).toBe('rsa-sha2-512');
    expect(fixed.after?.diagnosis.code).toBe('OK_READ_ONLY');
    expect(fixed.after?.facts.auth?.signatureLook).toBeUndefined();
    expect(keyAttempts(fixed.after!).map((a) => [a.signature, a.result])).toEqual([['rsa-sha2-512', 'success']]);
  });

  it('a server that takes only ssh-rsa: the one extra try (rsa-sha2-512) is refused too and said so; the site setting ssh-rsa logs in', async () => {
    const r = await run(onlySha1);
    expect(r.diagnosis.code).toBe('AUTH_KEY_REJECTED');
    expect(r.facts.auth?.signatureLook).toEqual({ used: 'rsa-sha2-256', tried: 'rsa-sha2-512', result: 'refused' });
    expect(keyAttempts(r)).toHaveLength(2);
    const text = evidenceText(r);
    expect(text).toMatch(/Second look \(key signature\): .*signed once more with rsa-sha2-512: refused too, so the signature algorithm is probably not the cause \(ssh-rsa not tried\)/);
    expect(text).toMatch(/Possible cause \d+: The server accepts RSA keys only with some signature algorithms \(PubkeyAcceptedAlgorithms\), not with rsa-sha2-256 or rsa-sha2-512, which were tried\. Server log line: "userauth_pubkey: signature algorithm rsa-sha2-256 not in PubkeyAcceptedAlgorithms"/);
    const log = await logged(onlySha1, (l) => l.includes('signature algorithm rsa-sha2-512 not in PubkeyAcceptedAlgorithms'));
    expect(log).toContain('userauth_pubkey: signature algorithm rsa-sha2-256 not in PubkeyAcceptedAlgorithms');

    const set = await run(onlySha1, { rsaSignature: 'ssh-rsa' });
    expect(set.diagnosis.code).toBe('OK_READ_ONLY');
    expect(keyAttempts(set).map((a) => [a.signature, a.result])).toEqual([['ssh-rsa', 'success']]);
  });

  it('a key the server does not list: one extra try, refused; then the password logs in, and the key is still named as refused', async () => {
    const other = await generateKey('rsa', dir, 'id_unlisted');
    const r = await run(only512, { privateKey: { path: other.path }, password: PW });
    expect(r.diagnosis.code).toBe('AUTH_KEY_REJECTED');
    expect(r.facts.auth?.signatureLook).toEqual({ used: 'rsa-sha2-256', tried: 'rsa-sha2-512', result: 'refused' });
    expect(r.facts.auth?.attempts.filter((a) => a.method !== 'none').map((a) => `${a.method}:${a.result}`)).toEqual(['publickey:failure', 'publickey:failure', 'password:success']);
    expect(JSON.stringify(r)).not.toContain(PW);
  });
});
