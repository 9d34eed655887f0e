/**
 * Engine part 2 against real servers: every login and session diagnosis produced by an OpenSSH
 * sshd configured for it (and Dropbear, and ssh2's Server where OpenSSH cannot do it on demand).
 * Servers are shared between cases where one configuration allows it; each has its own address.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server, utils as sshUtils, type Connection } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, PromptRequest, RunEvent, RunResult } from '../../shared/types';
import {
  agentAvailable,
  dropbearAvailable,
  freeLoopbackAddress,
  freePort,
  generateKey,
  setupAccount,
  sshdAvailable,
  startAgent,
  startDropbear,
  startSshd,
  type DropbearServer,
  type GeneratedKey,
  type SshdServer,
  type TestAgent,
} from '../../e2e/harness/index';
import { buildCorpus, PASS, WRONG, type Corpus } from '../keys/test-corpus';
import { diagnose } from './index';
import type { DiagnoseOptions } from './options';
import type { Action } from '../../shared/actions';

const actionName = (a: Action): string => (a.type === 'enter' ? `enter-${a.field}` : a.type);

const sshd = sshdAvailable();
const dropbear = dropbearAvailable();
if (!sshd.ok) console.warn(`Skipping the login and session tests: ${sshd.reason}`);

const PW = 'Pw-4-Correct-horse';
let dir: string;
let knownHosts: string;
let corpus: Corpus;
/** S1: harness defaults (internal-sftp, password and key, StrictModes no, PermitRootLogin no). */
let s1: SshdServer;
/** S2: external sftp-server through the user's shell, StrictModes yes, Match blocks per user. */
let s2: SshdServer;
/** S3: no Subsystem line. */
let s3: SshdServer;
/** S4: PAM, keyboard-interactive only (plus one user with password login and PAM). */
let s4: SshdServer;
let db: DropbearServer | undefined;
let listedKey: GeneratedKey;
let otherKeys: GeneratedKey[];

const S2_MATCH = `
Match User sd4chroot
  ChrootDirectory /tmp
Match User sd4force
  ForceCommand /nonexistent/sftp-doctor-cmd
Match User sd4yes
  ForceCommand yes
Match User sd4keyonly
  PasswordAuthentication no
Match User sd4partial
  AuthenticationMethods publickey,password
Match User sd4hostbased
  HostbasedAuthentication yes
  AuthenticationMethods hostbased
`;

async function publicLine(file: string): Promise<string> {
  const candidates = [`${file}.pub`, `${file}.ref.pub`];
  for (const c of candidates) {
    try {
      return (await fs.readFile(c, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
    } catch {
      // next
    }
  }
  throw new Error(`no public key for ${file}`);
}

async function run(server: { host: string; port: number }, request: Partial<ConnectionRequest>, options: Partial<DiagnoseOptions> = {}): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await diagnose(
    { protocol: 'sftp', host: server.host, port: server.port, user: 'nobody', timeoutMs: 8000, ...request },
    { defaultKnownHostsPath: knownHosts, agentSocket: '', ...options, onEvent: (e) => events.push(e) },
  );
  return { result, events };
}

const evidenceText = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');

describe.skipIf(!sshd.ok)('login and SFTP session against real servers', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'session-test-'));
    knownHosts = path.join(dir, 'known_hosts');
    [corpus, listedKey, ...otherKeys] = await Promise.all([
      buildCorpus('small'),
      generateKey('ed25519', dir, 'listed'),
      ...Array.from({ length: 7 }, (_, i) => generateKey('ed25519', dir, `other${i}`)),
    ]);
    const corpusPubs = await Promise.all(corpus.keys.filter((k) => k.name !== 'ossh-dsa').map((k) => publicLine(k.file)));
    const dsaPub = await publicLine(corpus.byName('ossh-dsa').file);
    await Promise.all([
      setupAccount({ name: 'sd4pw', password: PW }),
      setupAccount({ name: 'sd4key', password: PW, authorizedKeys: [listedKey.publicKey, dsaPub, ...corpusPubs] }),
      setupAccount({ name: 'sd4nokey', password: PW, authorizedKeys: [] }),
      setupAccount({ name: 'sd4strict', password: PW, authorizedKeys: [listedKey.publicKey], sshDirMode: 0o775, sshDirGroup: 'users' }),
      setupAccount({ name: 'sd4bash', password: PW, shell: '/bin/bash', files: { '.bashrc': 'echo "Hello from the login script"\necho "Welcome to the server"\n' } }),
      setupAccount({ name: 'sd4false', password: PW, shell: '/bin/false' }),
      setupAccount({ name: 'sd4nologin', password: PW, shell: '/usr/sbin/nologin' }),
      setupAccount({ name: 'sd4chroot', password: PW }),
      setupAccount({ name: 'sd4force', password: PW }),
      setupAccount({ name: 'sd4yes', password: PW }),
      setupAccount({ name: 'sd4keyonly', password: PW, authorizedKeys: [listedKey.publicKey] }),
      setupAccount({ name: 'sd4partial', password: PW, authorizedKeys: [listedKey.publicKey] }),
      setupAccount({ name: 'sd4hostbased', password: PW }),
      setupAccount({ name: 'sd4kbd', password: PW }),
    ]);
    [s1, s2, s3, s4, db] = await Promise.all([
      startSshd(),
      startSshd({ config: { Subsystem: 'sftp /usr/lib/openssh/sftp-server', StrictModes: 'yes' }, extraConfig: S2_MATCH }),
      startSshd({ config: { Subsystem: null } }),
      startSshd({ config: { UsePAM: 'yes', PasswordAuthentication: 'no', KbdInteractiveAuthentication: 'yes' }, extraConfig: 'Match User sd4exps\n  PasswordAuthentication yes\n  KbdInteractiveAuthentication no\n' }),
      dropbear.ok ? startDropbear() : Promise.resolve(undefined),
    ]);
    const lines = [s1, s2, s3, s4].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}`));
    if (db) lines.push(`[${db.host}]:${db.port} ${db.hostKey.publicKey}`);
    await fs.writeFile(knownHosts, `${lines.join('\n')}\n`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([s1?.stop(), s2?.stop(), s3?.stop(), s4?.stop(), db?.stop(), corpus?.cleanup()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('passwords', () => {
    it('OK with the password: lists the home folder, names the server and the time of each step', async () => {
      const { result, events } = await run(s1, { user: 'sd4pw', password: PW });
      expect(result.diagnosis.code).toBe('OK');
      expect(result.diagnosis.ok).toBe(true);
      expect(result.facts.sftp).toMatchObject({ path: '/home/sd4pw', stage: 'done', version: 3 });
      expect(result.steps.filter((s) => s.status === 'ok').map((s) => s.phase)).toEqual(['input', 'dns', 'tcp', 'banner', 'kex', 'hostkey', 'auth', 'sftp', 'write']);
      const text = evidenceText(result);
      expect(text).toMatch(/Server software: OpenSSH_9/);
      expect(text).toMatch(/Time per step: input \d+ ms, dns \d+ ms, tcp \d+ ms, banner \d+ ms, kex \d+ ms, hostkey \d+ ms, auth \d+ ms, sftp \d+ ms/);
      expect(result.facts.auth?.attempts.map((a) => `${a.method}:${a.result}`)).toEqual(['none:failure', 'password:success']);
      expect(JSON.stringify({ result, events })).not.toContain(PW);
    });

    it('AUTH_PASSWORD_REJECTED for a wrong password, without revealing it', async () => {
      const { result, events } = await run(s1, { user: 'sd4pw', password: 'Not-the-Pw-77' });
      expect(result.diagnosis.code).toBe('AUTH_PASSWORD_REJECTED');
      expect(result.diagnosis.explanation).toMatch(/never say whether the user name or the password/);
      expect(JSON.stringify({ result, events })).not.toContain('Not-the-Pw-77');
      expect(s1.log()).toMatch(/Failed password for sd4pw/);
    });

    it('INPUT_WHITESPACE when a pasted space makes the password wrong (and the fix trims it)', async () => {
      const { result } = await run(s1, { user: 'sd4pw', password: `${PW} ` });
      expect(result.diagnosis.code).toBe('INPUT_WHITESPACE');
      expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'trim-whitespace', params: { fields: ['password'] } });
      expect(JSON.stringify(result)).not.toContain(PW);
      const again = await run(s1, { user: 'sd4pw', password: `${PW} `.trim() });
      expect(again.result.diagnosis.code).toBe('OK');
    });

    it('AUTH_ROOT_DENIED for root with a password (PermitRootLogin no)', async () => {
      const { result } = await run(s1, { user: 'root', password: 'whatever-root-pw' });
      expect(result.diagnosis.code).toBe('AUTH_ROOT_DENIED');
    });

    it('AUTH_NO_CREDENTIALS with no password, no key and no agent', async () => {
      const { result } = await run(s1, { user: 'sd4pw' });
      expect(result.diagnosis.code).toBe('AUTH_NO_CREDENTIALS');
      expect(result.diagnosis.fixes).toEqual([]);
      expect(result.diagnosis.actions.map(actionName)).toEqual(['enter-password', 'enter-privateKey']);
    });

    it('AUTH_PASSWORD_NOT_ALLOWED when the server takes keys only (PasswordAuthentication no)', async () => {
      const { result } = await run(s2, { user: 'sd4keyonly', password: PW });
      expect(result.diagnosis.code).toBe('AUTH_PASSWORD_NOT_ALLOWED');
      expect(result.facts.auth?.methods).toEqual(['publickey']);
      expect(result.diagnosis.actions.map(actionName)).toEqual(['enter-privateKey']);
    });

    it('AUTH_NO_SUPPORTED_METHOD when the server only offers hostbased login', async () => {
      const { result } = await run(s2, { user: 'sd4hostbased', password: PW });
      expect(result.diagnosis.code).toBe('AUTH_NO_SUPPORTED_METHOD');
      expect(result.facts.auth?.methods).toEqual(['hostbased']);
    });
  });

  describe('keys', () => {
    const formats: [string, string | undefined][] = [
      ['ossh-ed25519', undefined],
      ['ossh-ed25519-enc', PASS],
      ['pem-rsa2048', undefined],
      ['pem-rsa2048-enc', PASS],
      ['p8-rsa2048-enc', PASS],
      ['sec1-ecdsa384', undefined],
      ['ppk2-rsa2048-enc', PASS],
      ['ppk3-ed25519', undefined],
      ['ppk3-ecdsa256-enc', PASS],
      ['sshcom-rsa2048-enc', PASS],
      ['ssh1-rsa1024-enc', PASS],
    ];
    it.each(formats)('OK with the key %s (converted in memory where ssh2 cannot read it)', async (name, passphrase) => {
      const k = corpus.byName(name);
      const { result } = await run(s1, { user: 'sd4key', privateKey: { path: k.file }, ...(passphrase ? { passphrase } : {}) });
      expect(result.diagnosis.code).toBe('OK');
      const winner = result.facts.auth?.attempts.find((a) => a.result === 'success');
      expect(winner).toMatchObject({ method: 'publickey', source: 'given', detail: k.sha256 });
      expect(result.facts.key?.fingerprint).toBe(k.sha256);
      if (k.encrypted || !['openssh', 'pem-pkcs1', 'pem-sec1'].includes(k.format)) expect(result.facts.key?.convertedFrom).toBe(k.format);
    });

    it('a key pasted as text, and a binary key given as base64, work too', async () => {
      const text = await fs.readFile(corpus.byName('ppk3-ed25519').file, 'utf8');
      expect((await run(s1, { user: 'sd4key', privateKey: { text } })).result.diagnosis.code).toBe('OK');
      const bin = await fs.readFile(corpus.byName('ssh1-rsa1024-enc').file);
      expect((await run(s1, { user: 'sd4key', privateKey: { base64: bin.toString('base64') }, passphrase: PASS })).result.diagnosis.code).toBe('OK');
    });

    it('asks for the passphrase through the prompt (never sent anywhere else), and a wrong one is asked again', async () => {
      const prompts: PromptRequest[] = [];
      const answers = [WRONG, PASS];
      const { result, events } = await run(s1, { user: 'sd4key', privateKey: { path: corpus.byName('ppk3-ecdsa256-enc').file } }, {
        prompt: async (p) => (prompts.push(p), { promptId: p.promptId, kind: 'secret', answers: [answers.shift()!] }),
      });
      expect(result.diagnosis.code).toBe('OK');
      expect(prompts.map((p) => (p.kind === 'secret' ? p.purpose : p.kind))).toEqual(['passphrase', 'passphrase']);
      expect(JSON.stringify({ result, events })).not.toContain(PASS);
    });

    it('KEY_* are known before any network use, within a second', async () => {
      const nowhere = { host: 'files.sftp-doctor.invalid', port: 22 };
      const enc = corpus.byName('ossh-ed25519-enc').file;
      const cut = path.join(dir, 'cut-key');
      const full = await fs.readFile(corpus.byName('ossh-ed25519').file, 'utf8');
      await fs.writeFile(cut, full.slice(0, Math.floor(full.length / 2)));
      const notKey = path.join(dir, 'notes.txt');
      await fs.writeFile(notKey, '-----BEGIN PGP PRIVATE KEY BLOCK-----\nabc\n-----END PGP PRIVATE KEY BLOCK-----\n');
      const cases: [Partial<ConnectionRequest>, string, string][] = [
        [{ privateKey: { path: `${listedKey.path}.pub` } }, 'KEY_IS_PUBLIC', 'choose-private-key'],
        [{ privateKey: { path: enc } }, 'KEY_NEEDS_PASSPHRASE', 'enter-passphrase'],
        [{ privateKey: { path: enc }, passphrase: WRONG }, 'KEY_WRONG_PASSPHRASE', 'enter-passphrase'],
        [{ privateKey: { path: cut } }, 'KEY_CORRUPT', 'enter-privateKey'],
        [{ privateKey: { path: path.join(dir, 'no-such-key') } }, 'KEY_NOT_FOUND', 'enter-privateKey'],
        [{ privateKey: { path: notKey } }, 'KEY_UNSUPPORTED_FORMAT', 'generate-ed25519-key'],
      ];
      for (const [req, code, fix] of cases) {
        const { result } = await run(nowhere, { user: 'sd4key', ...req });
        expect(result.diagnosis.code, code).toBe(code);
        expect(result.diagnosis.phase).toBe('input');
        expect(result.steps.find((s) => s.phase === 'dns')?.status).toBe('skipped');
        expect(result.totalMs).toBeLessThan(1000);
        expect([...result.diagnosis.fixes.map((f) => f.id), ...result.diagnosis.actions.map(actionName)]).toContain(fix);
      }
      const pub = await run(nowhere, { privateKey: { path: `${listedKey.path}.pub` } });
      expect(pub.result.diagnosis.fixes[0]).toMatchObject({ id: 'choose-private-key', params: { path: listedKey.path } });
    });

    it('AUTH_KEY_REJECTED: the password gets in, the server side shows the key is not listed', async () => {
      const { result } = await run(s1, { user: 'sd4nokey', password: PW, privateKey: { path: listedKey.path } });
      expect(result.diagnosis.code).toBe('AUTH_KEY_REJECTED');
      expect(result.diagnosis.ok).toBe(false);
      expect(result.facts.sftp?.keyCheck).toMatchObject({ keyListed: false, authorizedKeys: { mode: 0o600 } });
      expect(evidenceText(result)).toContain(listedKey.sha256);
      expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'install-public-key', params: { publicKey: listedKey.publicKey } });
    });

    it('AUTH_KEY_REJECTED under StrictModes: a group-writable ~/.ssh is found and named', async () => {
      const { result } = await run(s2, { user: 'sd4strict', password: PW, privateKey: { path: listedKey.path } });
      expect(result.diagnosis.code).toBe('AUTH_KEY_REJECTED');
      expect(result.facts.sftp?.keyCheck).toMatchObject({ keyListed: true, sshDir: { mode: 0o775 } });
      expect(result.facts.sftp?.keyCheck?.problems.join(' ')).toMatch(/~\/\.ssh can be changed by other users \(mode 775\)/);
      expect(result.diagnosis.fixes.map((f) => f.id)).toEqual(['fix-authorized-keys-permissions']);
      expect(s2.log()).toMatch(/bad ownership or modes for directory \/home\/sd4strict\/\.ssh/);
    });

    it('AUTH_KEY_REJECTED without a password: fingerprint, type and the public line for the administrator', async () => {
      const { result } = await run(s1, { user: 'sd4nokey', privateKey: { path: listedKey.path } });
      expect(result.diagnosis.code).toBe('AUTH_KEY_REJECTED');
      expect(evidenceText(result)).toContain(`Public key line to give the administrator: ${listedKey.publicKey}`);
      expect(result.diagnosis.fixes).toEqual([]);
      expect(result.diagnosis.actions.map(actionName)).toEqual(['ask-admin']);
    });

    it('AUTH_KEY_ALGORITHM_REJECTED for a DSA key (OpenSSH 9.2 turned DSA off), though it is listed', async () => {
      const { result } = await run(s1, { user: 'sd4key', privateKey: { path: corpus.byName('ossh-dsa').file } });
      expect(result.diagnosis.code).toBe('AUTH_KEY_ALGORITHM_REJECTED');
      expect(result.diagnosis.fixes.map((f) => f.id)).toEqual(['generate-ed25519-key']);
      expect(evidenceText(result)).toMatch(/Refused: ssh-dss keys/);
      expect(s1.log()).toMatch(/ssh-dss not in PubkeyAcceptedAlgorithms/);
    });

    it('AUTH_PARTIAL: the key is accepted and the server also wants the password; with both it is OK', async () => {
      const { result } = await run(s2, { user: 'sd4partial', privateKey: { path: listedKey.path } });
      expect(result.diagnosis.code).toBe('AUTH_PARTIAL');
      expect(evidenceText(result)).toMatch(/Still required: password/);
      expect(result.diagnosis.actions.map(actionName)).toEqual(['enter-password']);
      const both = await run(s2, { user: 'sd4partial', privateKey: { path: listedKey.path }, password: PW });
      expect(both.result.diagnosis.code).toBe('OK');
      expect(both.result.facts.auth?.attempts.map((a) => a.result)).toEqual(['failure', 'partial', 'success']);
    });
  });

  describe.skipIf(!agentAvailable().ok)('the key agent', () => {
    let agent: TestAgent;
    beforeAll(async () => {
      agent = await startAgent();
    });
    afterAll(async () => {
      await agent?.stop();
    });

    it('AUTH_TOO_MANY_FAILURES when an agent full of keys exhausts MaxAuthTries; "use only the selected key" fixes it', async () => {
      await agent.add(...otherKeys.map((k) => k.path));
      const { result } = await run(s1, { user: 'sd4pw', password: PW }, { agentSocket: agent.socket });
      expect(result.diagnosis.code).toBe('AUTH_TOO_MANY_FAILURES');
      expect(result.facts.auth?.disconnect).toMatch(/Too many authentication failures/);
      expect(result.facts.auth?.agentKeys).toBe(7);
      expect(result.diagnosis.fixes[0]?.id).toBe('identities-only');
      const fixed = await run(s1, { user: 'sd4pw', password: PW, identitiesOnly: true }, { agentSocket: agent.socket });
      expect(fixed.result.diagnosis.code).toBe('OK');
      const noAgent = await run(s1, { user: 'sd4pw', password: PW, useAgent: false }, { agentSocket: agent.socket });
      expect(noAgent.result.diagnosis.code).toBe('OK');
    });

    it('OK with a key from the agent (the private key stays in the agent)', async () => {
      await agent.removeAll();
      await agent.add(listedKey.path);
      const { result } = await run(s1, { user: 'sd4key' }, { agentSocket: agent.socket });
      expect(result.diagnosis.code).toBe('OK');
      expect(result.facts.auth?.attempts.find((a) => a.result === 'success')).toMatchObject({ source: 'agent', detail: listedKey.sha256 });
    });
  });

  describe('keyboard-interactive and expired passwords (PAM)', () => {
    it('OK on a server that allows keyboard-interactive only: the single password prompt gets the password', async () => {
      const { result } = await run(s4, { user: 'sd4kbd', password: PW });
      expect(result.diagnosis.code).toBe('OK');
      expect(result.facts.auth?.methods).toEqual(['publickey', 'keyboard-interactive']);
      expect(result.facts.auth?.attempts.at(-1)).toMatchObject({ method: 'keyboard-interactive', result: 'success', note: 'Password:' });
    });

    it('AUTH_PASSWORD_EXPIRED (chage -d 0) without anyone to ask; with a prompt the new password is set and works', async () => {
      await setupAccount({ name: 'sd4exp', password: PW, expirePassword: true });
      const { result } = await run(s4, { user: 'sd4exp', password: PW });
      expect(result.diagnosis.code).toBe('AUTH_PASSWORD_EXPIRED');
      expect(result.facts.auth?.expired).toBe('pam');
      expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'change-expired-password', risk: 'confirm' });
      const NEW = 'Fresh-Pw-2-Enough';
      const prompts: PromptRequest[] = [];
      const changed = await run(s4, { user: 'sd4exp', password: PW }, { prompt: async (p) => (prompts.push(p), { promptId: p.promptId, kind: 'secret', answers: [NEW, NEW] }) });
      expect(prompts.map((p) => (p.kind === 'secret' ? p.purpose : ''))).toEqual(['new-password']);
      expect(changed.result.diagnosis.code).toBe('OK');
      expect(changed.result.facts.auth?.passwordChanged).toBe(true);
      expect(JSON.stringify(changed)).not.toContain(NEW);
      expect((await run(s4, { user: 'sd4exp', password: NEW })).result.diagnosis.code).toBe('OK');
    });

    it('AUTH_PASSWORD_EXPIRED when the password method logs in but the session refuses to start', async () => {
      await setupAccount({ name: 'sd4exps', password: PW, expirePassword: true });
      const { result } = await run(s4, { user: 'sd4exps', password: PW });
      expect(result.diagnosis.code).toBe('AUTH_PASSWORD_EXPIRED');
      expect(result.facts.auth?.expired).toBe('session');
    });
  });

  describe('the SFTP session', () => {
    it('SFTP_LOGIN_SCRIPT_OUTPUT: an echo in ~/.bashrc, shown as text, with the bogus length decoded and the guard', async () => {
      const { result } = await run(s2, { user: 'sd4bash', password: PW });
      expect(result.diagnosis.code).toBe('SFTP_LOGIN_SCRIPT_OUTPUT');
      expect(result.facts.sftp?.output).toBe('Hello from the login script\nWelcome to the server\n');
      expect(result.facts.sftp?.bogusLength).toBe(1214606444);
      expect(result.facts.sftp?.shell).toBe('/bin/bash');
      expect(result.facts.sftp?.shellOutput).toContain('Hello from the login script');
      expect(evidenceText(result)).toMatch(/packet length of 1214606444 \(the bytes "Hell"/);
      expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'silence-login-script', params: { file: '~/.bashrc' } });
    });

    it('SESSION_CLOSED_AFTER_AUTH: /bin/false as shell with an external sftp-server', async () => {
      const { result } = await run(s2, { user: 'sd4false', password: PW });
      expect(result.diagnosis.code).toBe('SESSION_CLOSED_AFTER_AUTH');
      expect(result.facts.sftp?.exitCode).toBe(1);
      expect(result.diagnosis.evidence.find((e) => e.label === 'Likely cause 1')?.value).toMatch(/\/bin\/false/);
    });

    it('SESSION_CLOSED_AFTER_AUTH: nologin, with its words shown', async () => {
      const { result } = await run(s2, { user: 'sd4nologin', password: PW });
      expect(result.diagnosis.code).toBe('SESSION_CLOSED_AFTER_AUTH');
      expect(evidenceText(result)).toContain('This account is currently not available.');
    });

    it('SESSION_CLOSED_AFTER_AUTH: a wrongly owned ChrootDirectory, named as the first cause', async () => {
      const { result } = await run(s2, { user: 'sd4chroot', password: PW });
      expect(result.diagnosis.code).toBe('SESSION_CLOSED_AFTER_AUTH');
      expect(result.diagnosis.evidence.find((e) => e.label === 'Likely cause 1')?.value).toMatch(/ChrootDirectory/);
      expect(s2.log()).toMatch(/bad ownership or modes for chroot directory/);
    });

    it('SESSION_CLOSED_AFTER_AUTH: a ForceCommand that does not exist', async () => {
      const { result } = await run(s2, { user: 'sd4force', password: PW });
      expect(result.diagnosis.code).toBe('SESSION_CLOSED_AFTER_AUTH');
      expect(result.facts.sftp?.exitCode).toBe(127);
      expect(evidenceText(result)).toMatch(/ForceCommand/);
    });

    it('a session that prints without end (ForceCommand yes) is diagnosed within the budget, its text bounded', async () => {
      const { result } = await run(s2, { user: 'sd4yes', password: PW, timeoutMs: 4000 });
      // A forced command, not a start-up file: our plain command never ran.
      expect(result.diagnosis.code).toBe('SESSION_FORCED_COMMAND');
      expect(result.facts.sftp?.commandRan).toBe(false);
      expect(result.facts.sftp?.output).toMatch(/^y\ny\ny\n/);
      expect(result.facts.sftp?.output?.length).toBeLessThanOrEqual(2000);
      expect(result.totalMs).toBeLessThan(4300);
    });

    it('SFTP_SUBSYSTEM_UNAVAILABLE without a Subsystem line: scp works, offered as the fix; an SCP site connects (uploads not checked)', async () => {
      await setupAccount({ name: 'sd4pw', password: PW, authorizedKeys: [listedKey.publicKey] });
      const { result } = await run(s3, { user: 'sd4pw', privateKey: { path: listedKey.path } });
      expect(result.diagnosis.code).toBe('SFTP_SUBSYSTEM_UNAVAILABLE');
      expect(result.facts.sftp?.scp?.works).toBe(true);
      expect(result.diagnosis.fixes[0]?.id).toBe('use-scp');
      const scp = await run(s3, { protocol: 'scp', user: 'sd4pw', privateKey: { path: listedKey.path } });
      // SCP cannot remove a file, so the write test is not done and the result says so.
      expect(scp.result.diagnosis.code).toBe('OK_READ_ONLY');
      expect(scp.result.facts.write).toEqual({ skipped: 'scp' });
      expect(scp.result.facts.sftp?.stage).toBe('scp');
    });

    it('SFTP_PERMISSION_DENIED when the start folder may not be read', async () => {
      const { result } = await run(s1, { user: 'sd4pw', password: PW, startPath: '/root' });
      expect(result.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
      expect(result.facts.sftp?.status?.code).toBe(3);
      const missing = await run(s1, { user: 'sd4pw', password: PW, startPath: '/no/such/folder' });
      expect(missing.result.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
      expect(evidenceText(missing.result)).toMatch(/does not exist/);
    });
  });

  describe.skipIf(!dropbear.ok)('Dropbear, a second implementation', () => {
    it('OK with the password and with a key', async () => {
      const pw = await run(db!, { user: 'sd4key', password: PW });
      expect(pw.result.diagnosis.code).toBe('OK');
      expect(pw.result.facts.server?.software).toMatch(/^dropbear/);
      const key = await run(db!, { user: 'sd4key', privateKey: { path: corpus.byName('ppk3-ed25519').file } });
      expect(key.result.diagnosis.code).toBe('OK');
      expect(key.result.facts.sftp?.path).toBe('/home/sd4key');
    });
  });
});

describe.skipIf(!sshd.ok)("ssh2's Server: an SSH password-change request", () => {
  it('AUTH_PASSWORD_EXPIRED without a prompt; with one, the new password goes in the change request', async () => {
    const hostKey = sshUtils.generateKeyPairSync('ed25519');
    const host = freeLoopbackAddress();
    const port = await freePort(host);
    const received: string[] = [];
    const server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => {
        if (ctx.method !== 'password') return ctx.reject(['password']);
        if (ctx.password !== 'old-pass-1') return ctx.reject(['password']);
        ctx.requestChange('Your password has expired; choose a new one', (np) => {
          received.push(np);
          ctx.accept();
        });
      });
      client.on('ready', () => client.on('session', (accept) => accept().on('subsystem', (_a, reject) => reject()).on('exec', (_a, reject) => reject())));
    });
    await new Promise<void>((r) => server.listen(port, host, r));
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'changereq-'));
    try {
      const kh = path.join(tmp, 'known_hosts');
      const pub = sshUtils.parseKey(hostKey.public);
      if (pub instanceof Error) throw pub;
      await fs.writeFile(kh, `[${host}]:${port} ssh-ed25519 ${pub.getPublicSSH().toString('base64')}\n`);
      const base = { protocol: 'sftp' as const, host, port, user: 'u', password: 'old-pass-1', timeoutMs: 5000 };
      const plain = await diagnose(base, { defaultKnownHostsPath: kh, agentSocket: '' });
      expect(plain.diagnosis.code).toBe('AUTH_PASSWORD_EXPIRED');
      expect(plain.facts.auth?.expired).toBe('change-request');
      expect(received).toEqual([]);
      const asked = await diagnose(base, { defaultKnownHostsPath: kh, agentSocket: '', prompt: async (p) => ({ promptId: p.promptId, kind: 'secret', answers: ['new-pass-2', 'new-pass-2'] }) });
      expect(received).toEqual(['new-pass-2']);
      expect(asked.facts.auth?.passwordChanged).toBe(true);
      // Logged in with the new password; this server then has no SFTP (it is a stub).
      expect(asked.diagnosis.code).toBe('SFTP_SUBSYSTEM_UNAVAILABLE');
    } finally {
      server.close();
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
