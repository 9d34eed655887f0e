/**
 * The bundle promise, proven on real runs: for every diagnosis the real-server harness can produce,
 * run the real engine against a real server (OpenSSH sshd with per-user Match blocks, a PAM sshd,
 * an sshd without SFTP, fake TCP servers, ssh-agent, a network namespace) with a known password,
 * key passphrase and private key, build the bundle, unzip it and check: no secret in any form
 * (checked here independently of scan.ts), report.json valid against its schema, report.html
 * shows the diagnosis title, and with Anonymise on no host name, user name or IP address of the
 * scenario is left in any file.
 *
 * Where a scenario's key is the point (DSA, a public key, a cut key...), the usual password and
 * passphrase are still given, and the usual key is still searched for, so the scan means something.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, utils as sshUtils, type Connection } from 'ssh2';
import { z } from 'zod';
import {
  agentAvailable,
  freeLoopbackAddress,
  freePort,
  closedEndpoint,
  createNetworkTrap,
  generateKey,
  harnessTempDir,
  networkTrapAvailable,
  setupAccount,
  sshdAvailable,
  startAgent,
  startFakeServer,
  startSshd,
  type FakeServerKind,
  type GeneratedKey,
  type NetworkTrap,
  type SshdServer,
  type TestAgent,
} from '../../e2e/harness';
import type { DiagnosisCode } from '../../shared/codes';
import type { KeyInspection } from '../../shared/keys';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import { diagnose } from '../diagnose/index';
import type { DiagnoseOptions } from '../diagnose/options';
import { inspectKey } from '../keys';
import { esc } from './html';
import { assembleBundleInput, buildBundle, secretsOfRequest } from './index';
import { ReportSchema } from './schema';

const PASSWORD = 'Bndl-Pw/7731+x&"q';
const PASSPHRASE = 'bundle pass phrase 42';
const WRONG_PASSPHRASE = 'Wrong-bundle-phrase 99';
const NEW_PASSWORD = 'Nw-Bndl-Pw_5521!zz';
const NEW_PASSWORD_2 = 'Other-New-Pw_8830?k';
const USER = 'sdbundleuser';

/** One account per scenario that needs its own state (all set up once, in parallel). */
const U = {
  keyonly: 'sdbndkeyonly',
  nokey: 'sdbndnokey',
  dsa: 'sdbnddsa',
  partial: 'sdbndpartial',
  hostbased: 'sdbndhostbased',
  bash: 'sdbndbash',
  noshell: 'sdbndfalse',
  many: 'sdbndmany',
  expired: 'sdbndexp',
} as const;

/** Per-user rules on the shared server: each Match block makes one diagnosis. */
const MATCH = `
Match User ${U.keyonly}
  PasswordAuthentication no
Match User ${U.partial}
  AuthenticationMethods publickey,password
Match User ${U.hostbased}
  HostbasedAuthentication yes
  AuthenticationMethods hostbased
Match User ${U.many}
  MaxAuthTries 3
`;

const avail = sshdAvailable();
const agentOk = agentAvailable();
const trapOk = networkTrapAvailable();
if (!avail.ok) console.warn(`Skipping the real-server bundle tests: ${avail.reason}`);

let dir: string;
let keyPath: string;
let keyText: string;
let publicKey: string;
let dsaKeyPath: string;
let dsaPublic: string;
/** The shared server: external sftp-server (through the user's shell), Match blocks above, ed25519 host key. */
let sshd: SshdServer;
/** No Subsystem line: no SFTP at all. */
let noSftp: SshdServer;
/** PAM with keyboard-interactive only: the password travels as an answer to the PAM prompt. */
let pam: SshdServer;
let agent: TestAgent | undefined;
let agentKeys: GeneratedKey[] = [];
let agentKeyTexts: string[] = [];
let trustedKnownHosts: string;

async function knownHostsWith(lines: string[]): Promise<string> {
  const file = path.join(await fs.mkdtemp(path.join(dir, 'kh-')), 'known_hosts');
  await fs.writeFile(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(harnessTempDir(), 'bundle-'));
  keyPath = path.join(dir, 'id_ed25519');
  dsaKeyPath = path.join(dir, 'id_dsa');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', `${USER}@bundle-laptop`, '-f', keyPath]);
  keyText = await fs.readFile(keyPath, 'utf8');
  publicKey = (await fs.readFile(`${keyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  if (!avail.ok) return;
  execFileSync('ssh-keygen', ['-q', '-t', 'dsa', '-N', PASSPHRASE, '-C', `${USER}@bundle-laptop`, '-f', dsaKeyPath]);
  dsaPublic = (await fs.readFile(`${dsaKeyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  const bashrc = 'echo "Hello $USER, welcome to the build server"\n';
  const servers = Promise.all([
    startSshd({ hostKeyTypes: ['ed25519'], config: { Subsystem: 'sftp /usr/lib/openssh/sftp-server' }, extraConfig: MATCH }),
    startSshd({ hostKeyTypes: ['ed25519'], config: { Subsystem: null } }),
    startSshd({ hostKeyTypes: ['ed25519'], config: { UsePAM: 'yes', PasswordAuthentication: 'no', KbdInteractiveAuthentication: 'yes' } }),
  ]);
  const agentReady = agentOk.ok ? startAgent() : Promise.resolve(undefined);
  agentKeys = await Promise.all([0, 1, 2, 3].map((i) => generateKey('ed25519', dir, `agent${i}`)));
  agentKeyTexts = await Promise.all(agentKeys.map((k) => fs.readFile(k.path, 'utf8')));
  await Promise.all([
    setupAccount({ name: U.keyonly, password: PASSWORD, authorizedKeys: [] }),
    setupAccount({ name: U.nokey, password: PASSWORD, authorizedKeys: [] }),
    setupAccount({ name: U.dsa, password: PASSWORD, authorizedKeys: [dsaPublic] }),
    setupAccount({ name: U.partial, password: `${PASSWORD}-but-another`, authorizedKeys: [publicKey] }),
    setupAccount({ name: U.hostbased, password: PASSWORD }),
    setupAccount({ name: U.bash, password: PASSWORD, shell: '/bin/bash', files: { '.bashrc': bashrc } }),
    setupAccount({ name: U.noshell, password: PASSWORD, shell: '/bin/false' }),
    setupAccount({ name: U.many, password: PASSWORD, authorizedKeys: [] }),
    setupAccount({ name: U.expired, password: PASSWORD, expirePassword: true }),
  ]);
  [sshd, noSftp, pam] = await servers;
  agent = await agentReady;
  await agent?.add(...agentKeys.map((k) => k.path));
  trustedKnownHosts = await knownHostsWith([sshd, noSftp, pam].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}`)));
}, 60_000);

afterAll(async () => {
  await Promise.all([sshd?.stop(), noSftp?.stop(), pam?.stop(), agent?.stop()]);
});

/**
 * ssh2's Server asking for a password change (OpenSSH cannot on demand without PAM): it takes the
 * old password, asks for a new one, records it and refuses it.
 */
async function startChangeRequestServer(): Promise<{ host: string; port: number; knownHosts: string; received: string[]; stop: () => Promise<void> }> {
  const hostKey = sshUtils.generateKeyPairSync('ed25519');
  const host = freeLoopbackAddress();
  const port = await freePort(host);
  const received: string[] = [];
  const server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'password' || ctx.password !== PASSWORD) return ctx.reject(['password']);
      ctx.requestChange('Your password has expired; choose a new one', (np) => {
        received.push(np);
        ctx.reject(['password']);
      });
    });
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  const pub = sshUtils.parseKey(hostKey.public);
  if (pub instanceof Error) throw pub;
  const knownHosts = await knownHostsWith([`[${host}]:${port} ssh-ed25519 ${pub.getPublicSSH().toString('base64')}`]);
  return { host, port, knownHosts, received, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Every form a careless program could have written `secret` in, computed here on purpose without
 * scan.ts. A key file's lines that only spell out its public key (as in `publicBlobs`, the .pub
 * files) are left out: key.json shows that line to the admin on purpose.
 */
function leakForms(secret: string, publicBlobs: string[] = []): string[] {
  const b = Buffer.from(secret, 'utf8');
  const forms = [secret, b.toString('hex'), b.toString('hex').toUpperCase(), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  for (const off of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(off), b]).toString('base64').replace(/=+$/, '');
    const core = enc.slice(Math.ceil((off * 8) / 6), Math.floor(((off + b.length) * 8) / 6));
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // and every line of a private key's body
  for (const line of secret.split('\n')) {
    if (/^[A-Za-z0-9+/=]{16,}$/.test(line.trim()) && !publicBlobs.some((b) => b.includes(line.trim()))) forms.push(line.trim());
  }
  return forms;
}

type Part = 'password' | 'passphrase' | 'key';

interface Setup {
  request: Partial<ConnectionRequest>;
  /** Host names and addresses of the scenario (the request's user is added). */
  names: string[];
  stop?: () => Promise<void>;
  options?: Partial<DiagnoseOptions>;
  /** Which secrets the bundle writer must know of (from the request); default all three. */
  inPlay?: Part[];
  /** Answers given to the engine's prompts (a new password...): secrets the writer is told of. */
  answers?: string[];
  /** Secrets the app never learns but that must not appear either (agent keys). */
  alsoAbsent?: string[];
  /** Extra checks once the run is over (e.g. what the server received). */
  check?: () => void;
  /** Key type of key.json's public line; null: no public line (no key, or none could be read). Default ssh-ed25519. */
  keyType?: string | null;
}

interface Scenario {
  code: DiagnosisCode;
  /** Said in the test name when one code has several scenarios. */
  variant?: string;
  skip?: string | false;
  setup(): Promise<Setup>;
  /** Extra checks on the run. */
  result?: (result: RunResult) => void;
  /** Extra checks on the plain report.html. */
  html?: (html: string) => void;
}

function fake(code: DiagnosisCode, kind: FakeServerKind, timeoutMs?: number): Scenario {
  return {
    code,
    async setup() {
      const server = await startFakeServer(kind);
      return { request: { host: server.host, port: server.port, ...(timeoutMs ? { timeoutMs } : {}) }, names: [server.host], stop: () => server.stop() };
    },
  };
}

/** A run to one of the shared OpenSSH servers, whose host key is trusted. */
type Extras = Omit<Setup, 'request' | 'names'>;
function on(server: () => SshdServer, request: Partial<ConnectionRequest>, more: Extras | (() => Extras) = {}): () => Promise<Setup> {
  return async () => {
    const s = server();
    return { request: { host: s.host, port: s.port, knownHostsPath: trustedKnownHosts, ...request }, names: [s.host], ...(typeof more === 'function' ? more() : more) };
  };
}

const main = () => sshd;
const noKey = { privateKey: undefined } as const;

const scenarios: Scenario[] = [
  // ---- input
  { code: 'INPUT_HOST_EMPTY', setup: async () => ({ request: { host: '' }, names: [] }) },
  {
    code: 'INPUT_PORT_INVALID',
    setup: async () => ({ request: { host: 'files.bundle-test.invalid', port: 'twenty-two' }, names: ['files.bundle-test.invalid', 'bundle-test'] }),
  },
  {
    code: 'INPUT_HOST_FIELD',
    async setup() {
      const { host, port } = await closedEndpoint();
      return { request: { host: `sftp://${USER}@${host}:${port}/upload` }, names: [host] };
    },
  },
  {
    code: 'INPUT_WHITESPACE',
    // A pasted space after the password: the scan must find the password inside the sent value too.
    setup: on(main, { user: U.nokey, password: `${PASSWORD} `, ...noKey }, { keyType: null, inPlay: ['password', 'passphrase'] }),
  },
  // ---- the key, before any network use
  { code: 'KEY_IS_PUBLIC', setup: async () => on(main, { user: USER, privateKey: { path: `${keyPath}.pub` } }, { inPlay: ['password', 'passphrase'] })() },
  { code: 'KEY_NEEDS_PASSPHRASE', setup: on(main, { user: USER, passphrase: undefined }, { inPlay: ['password', 'key'] }) },
  {
    code: 'KEY_WRONG_PASSPHRASE',
    // The wrong passphrase is the one given (and searched for); the right one must not appear either.
    setup: on(main, { user: USER, passphrase: WRONG_PASSPHRASE }, { alsoAbsent: [PASSPHRASE] }),
  },
  {
    code: 'KEY_CORRUPT',
    async setup() {
      const cut = path.join(dir, 'id_cut');
      await fs.writeFile(cut, keyText.slice(0, Math.floor(keyText.length / 2)));
      return on(main, { user: USER, privateKey: { path: cut } }, { keyType: null, inPlay: ['password', 'passphrase'] })();
    },
  },
  {
    code: 'KEY_UNSUPPORTED_FORMAT',
    async setup() {
      // Not an SSH key at all: its "private key" marker and body lines must not be quoted back.
      const pgp = path.join(dir, 'notes.asc');
      await fs.writeFile(pgp, '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGXbndlSecretBodyLine1AbCdEfGh\nZmFrZVNlY3JldEJvZHlMaW5lMlhZWjEyMzQ=\n-----END PGP PRIVATE KEY BLOCK-----\n');
      return on(main, { user: USER, privateKey: { path: pgp } }, { keyType: null, inPlay: ['password', 'passphrase'] })();
    },
  },
  {
    code: 'KEY_NOT_FOUND',
    setup: async () => on(main, { user: USER, privateKey: { path: path.join(dir, 'no-such-key') } }, { keyType: null, inPlay: ['password', 'passphrase'] })(),
  },
  // ---- network
  {
    code: 'DNS_NOT_FOUND',
    setup: async () => ({ request: { host: 'sftp-bundle-nowhere.invalid', port: 22 }, names: ['sftp-bundle-nowhere.invalid', 'sftp-bundle-nowhere'] }),
  },
  {
    code: 'TCP_REFUSED',
    async setup() {
      const { host, port } = await closedEndpoint();
      return { request: { host, port }, names: [host] };
    },
  },
  fake('TCP_RESET', 'reset-after-banner'),
  {
    code: 'CANCELLED',
    async setup() {
      const server = await startFakeServer('silent');
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 200);
      return { request: { host: server.host, port: server.port }, names: [server.host], stop: () => server.stop(), options: { signal: ac.signal } };
    },
  },
  // ---- banner and key exchange
  {
    code: 'PROTOCOL_FTP',
    async setup() {
      const ftp = await startFakeServer('ftp');
      return { request: { host: ftp.host, port: ftp.port }, names: [ftp.host, '127.0.0.1'], stop: () => ftp.stop() };
    },
  },
  fake('SSH1_ONLY', 'ssh1'),
  fake('BANNER_CLOSED', 'close'),
  fake('BANNER_RESET', 'reset'),
  fake('BANNER_TIMEOUT', 'silent', 800),
  fake('PROTOCOL_NOT_SSH', 'http'),
  fake('KEX_FAILED', 'close-after-banner'),
  {
    code: 'KEX_NO_COMMON_ALGORITHM',
    async setup() {
      const old = await startSshd({ hostKeyTypes: ['ed25519'], config: { KexAlgorithms: 'diffie-hellman-group14-sha1' } });
      return { request: { host: old.host, port: old.port }, names: [old.host], stop: () => old.stop() };
    },
    html(html) {
      expect(html).toMatch(/<tr class="bad"><td>Key exchange<\/td><td class="mono">diffie-hellman-group14-sha1<\/td>.*no algorithm in common/);
    },
  },
  // ---- host key
  {
    code: 'HOSTKEY_UNKNOWN',
    setup: async () => ({ request: { host: sshd.host, port: sshd.port, knownHostsPath: await knownHostsWith([]) }, names: [sshd.host] }),
  },
  {
    code: 'HOSTKEY_CHANGED',
    async setup() {
      const other = await generateKey('ed25519', await fs.mkdtemp(path.join(dir, 'other-')));
      const file = await knownHostsWith([`[${sshd.host}]:${sshd.port} ${other.publicKey}`]);
      return { request: { host: sshd.host, port: sshd.port, knownHostsPath: file }, names: [sshd.host] };
    },
  },
  // ---- login
  {
    // A real account that accepts the (encrypted) key: every kind of secret is in play.
    code: 'OK',
    async setup() {
      await setupAccount({ name: USER, password: PASSWORD, authorizedKeys: [publicKey] });
      return on(main, { user: USER })();
    },
  },
  {
    code: 'AUTH_PASSWORD_REJECTED',
    async setup() {
      await setupAccount({ name: USER, password: `${PASSWORD}-but-another` });
      return on(main, { user: USER })();
    },
  },
  { code: 'AUTH_ROOT_DENIED', setup: on(main, { user: 'root' }) },
  { code: 'AUTH_NO_CREDENTIALS', setup: on(main, { user: USER, password: undefined, ...noKey }, { keyType: null, inPlay: ['passphrase'] }) },
  { code: 'AUTH_PASSWORD_NOT_ALLOWED', setup: on(main, { user: U.keyonly, ...noKey }, { keyType: null, inPlay: ['password', 'passphrase'] }) },
  { code: 'AUTH_NO_SUPPORTED_METHOD', setup: on(main, { user: U.hostbased }) },
  {
    code: 'AUTH_KEY_REJECTED',
    setup: on(main, { user: U.nokey }),
    result: (r) => expect(r.facts.sftp?.keyCheck?.keyListed).toBe(false),
  },
  {
    code: 'AUTH_KEY_ALGORITHM_REJECTED',
    // The DSA key is the one given (and searched for); the usual key must not appear either.
    setup: async () => on(main, { user: U.dsa, privateKey: { path: dsaKeyPath } }, { keyType: 'ssh-dss', inPlay: ['password', 'passphrase'] })(),
    result: (r) => expect(r.facts.key?.type).toBe('ssh-dss'),
  },
  {
    code: 'AUTH_PARTIAL',
    // The key is accepted, the server then wants a password too, and the one given is wrong.
    setup: on(main, { user: U.partial }),
  },
  {
    code: 'AUTH_TOO_MANY_FAILURES',
    skip: !agentOk.ok && agentOk.reason,
    // The agent's keys use up MaxAuthTries; the environment says how many keys it held, never the keys.
    setup: on(main, { user: U.many, useAgent: true }, () => ({ options: { agentSocket: agent!.socket }, alsoAbsent: agentKeyTexts })),
    result: (r) => expect(r.facts.auth?.agentKeys).toBe(4),
  },
  {
    code: 'AUTH_PASSWORD_EXPIRED',
    variant: 'PAM, nobody to ask',
    // PAM asks for the password by keyboard-interactive: the password travels as an answer.
    setup: on(() => pam, { user: U.expired }),
  },
  {
    code: 'AUTH_PASSWORD_EXPIRED',
    variant: 'PAM, two different new passwords typed',
    // Both answers typed are secrets of the session; the engine sends neither (they differ).
    setup: on(() => pam, { user: U.expired }, {
      options: { prompt: async (p) => ({ promptId: p.promptId, kind: 'secret', answers: p.kind === 'secret' ? [NEW_PASSWORD, NEW_PASSWORD_2] : null }) },
      answers: [NEW_PASSWORD, NEW_PASSWORD_2],
    }),
  },
  {
    code: 'AUTH_PASSWORD_EXPIRED',
    variant: "ssh2 Server's password-change request, the new password sent and refused",
    async setup() {
      const server = await startChangeRequestServer();
      return {
        request: { host: server.host, port: server.port, knownHostsPath: server.knownHosts, user: USER, ...noKey },
        names: [server.host],
        stop: server.stop,
        keyType: null,
        inPlay: ['password', 'passphrase'],
        options: { prompt: async (p) => ({ promptId: p.promptId, kind: 'secret', answers: p.kind === 'secret' ? [NEW_PASSWORD, NEW_PASSWORD] : null }) },
        answers: [NEW_PASSWORD],
        check: () => expect(server.received).toEqual([NEW_PASSWORD]),
      };
    },
  },
  // ---- the SFTP session
  {
    code: 'SFTP_LOGIN_SCRIPT_OUTPUT',
    // The script prints the user name: anonymising must replace it inside the quoted output too.
    setup: on(main, { user: U.bash, ...noKey }, { keyType: null, inPlay: ['password', 'passphrase'] }),
    result: (r) => expect(r.facts.sftp?.output).toContain(`Hello ${U.bash}`),
  },
  { code: 'SESSION_CLOSED_AFTER_AUTH', setup: on(main, { user: U.noshell, ...noKey }, { keyType: null, inPlay: ['password', 'passphrase'] }) },
  {
    code: 'SFTP_PERMISSION_DENIED',
    async setup() {
      await setupAccount({ name: USER, password: PASSWORD, authorizedKeys: [publicKey] });
      return on(main, { user: USER, startPath: '/root' })();
    },
  },
  {
    code: 'SFTP_SUBSYSTEM_UNAVAILABLE',
    async setup() {
      await setupAccount({ name: USER, password: PASSWORD, authorizedKeys: [publicKey] });
      return on(() => noSftp, { user: USER })();
    },
  },
];

async function keyInspectionOf(request: ConnectionRequest): Promise<KeyInspection | null> {
  const p = request.privateKey?.path;
  if (!p) return null;
  try {
    return await inspectKey(await fs.readFile(p), { passphrase: request.passphrase ?? null, fileName: p });
  } catch {
    return null;
  }
}

/** Unzips a bundle and checks the promise on every file. */
function checkBundle(zip: Uint8Array, c: { anonymise: boolean; code: string; title: string; absent: string[]; names: string[]; keyType: string | null; hostKeySha?: string; html?: (html: string) => void }): void {
  const files = unzipSync(zip);
  for (const [name, bytes] of Object.entries(files)) {
    const text = strFromU8(bytes);
    for (const secret of c.absent) {
      for (const form of leakForms(secret, [publicKey, dsaPublic].map((l) => l.split(' ')[1]!))) expect(text.includes(form), `${name} holds a secret (${c.anonymise ? 'anonymised' : 'plain'})`).toBe(false);
    }
    expect(text).not.toMatch(/PRIVATE KEY|Private-Lines|openssh-key-v1/);
    if (c.anonymise) {
      for (const n of c.names) expect(text.toLowerCase(), `${name} still names ${n}`).not.toContain(n.toLowerCase());
      expect(text, `${name} still holds an IP`).not.toMatch(/(?<![\d.])(127|10)\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d])/);
    }
  }
  const report = JSON.parse(strFromU8(files['report.json']!));
  expect(ReportSchema.safeParse(report).success).toBe(true);
  expect(z.fromJSONSchema(JSON.parse(strFromU8(files['report.schema.json']!))).safeParse(report).success).toBe(true);
  expect(report.summary.code).toBe(c.code);
  const html = strFromU8(files['report.html']!);
  expect(html).toContain(`<h2 id="diagnosis">${esc(c.anonymise ? report.summary.title : c.title)}</h2>`);
  const keyJson = files['key.json'] ? JSON.parse(strFromU8(files['key.json'])) : null;
  if (c.keyType === null) expect(keyJson?.publicKeyLine ?? null).toBeNull();
  else expect(keyJson?.publicKeyLine).toMatch(new RegExp(`^${c.keyType} AAAA`));
  if (c.hostKeySha) expect(html).toContain(c.hostKeySha);
  if (!c.anonymise) c.html?.(html);
}

const SECRET_OF: Record<Part, () => string> = { password: () => PASSWORD, passphrase: () => PASSPHRASE, key: () => keyText };

async function exercise(scenario: Scenario): Promise<void> {
  const s = await scenario.setup();
  try {
    const request = Object.fromEntries(
      Object.entries({ protocol: 'sftp', host: '', user: USER, password: PASSWORD, passphrase: PASSPHRASE, privateKey: { path: keyPath }, useAgent: false, timeoutMs: 5000, ...s.request }).filter(([, v]) => v !== undefined),
    ) as unknown as ConnectionRequest;
    const events: RunEvent[] = [];
    const result = await diagnose(request, { agentSocket: '', defaultKnownHostsPath: path.join(dir, 'default_known_hosts'), ...s.options, onEvent: (e) => events.push(e) });
    expect(result.diagnosis.code, result.diagnosis.explanation).toBe(scenario.code);
    scenario.result?.(result);
    s.check?.();

    // The writer is told of every secret of the session (what the front ends do).
    const secrets = await secretsOfRequest(request, s.answers ?? []);
    const told = secrets.map((x) => x.reveal());
    for (const part of s.inPlay ?? ['password', 'passphrase', 'key']) {
      const value = SECRET_OF[part]();
      expect(told.some((t) => t.includes(value) || (part === 'passphrase' && t === request.passphrase)), `${part} is in play`).toBe(true);
    }
    const input = await assembleBundleInput({
      rounds: [result],
      events,
      secrets,
      keyInspection: await keyInspectionOf(request),
      environment: { agentSocket: s.options?.agentSocket ?? null },
    });
    const absent = [...new Set([PASSWORD, PASSPHRASE, keyText, ...told, ...(s.alsoAbsent ?? [])])];
    // "root" is a word of the explanation as much as a name: it is not expected to be replaced.
    const names = [...s.names, USER, request.user ?? '', 'bundle-laptop'].filter((n) => n !== '' && n !== 'root');
    for (const anonymise of [false, true]) {
      const { zip } = await buildBundle(input, { anonymise });
      checkBundle(zip, {
        anonymise,
        code: scenario.code,
        title: result.diagnosis.title,
        absent,
        names,
        keyType: s.keyType === undefined ? 'ssh-ed25519' : s.keyType,
        ...(result.facts.hostkey ? { hostKeySha: result.facts.hostkey.key.sha256 } : {}),
        ...(scenario.html ? { html: scenario.html } : {}),
      });
    }
  } finally {
    await s.stop?.();
  }
}

const TITLE = 'no secret in any form, valid report, title shown, nothing identifying when anonymised';

describe.skipIf(!avail.ok)('support bundle from real runs', () => {
  for (const scenario of scenarios) {
    it.skipIf(!!scenario.skip)(`${scenario.code}${scenario.variant ? ` (${scenario.variant})` : ''}: ${TITLE}`, () => exercise(scenario));
  }
});

/**
 * Dropped and rejected connections and a resolver that does not answer need a network namespace
 * (harness createNetworkTrap). DNS_FAILED can only be had inside it, so that one runs the CLI
 * there with --bundle, once plain and once anonymised, and checks the zips it wrote.
 */
describe.skipIf(!avail.ok || !trapOk.ok)('support bundle from real runs in a network namespace', () => {
  let trap: NetworkTrap;
  beforeAll(async () => {
    trap = await createNetworkTrap();
  });
  afterAll(async () => {
    await trap?.stop();
  });

  it(`TCP_TIMEOUT and TCP_UNREACHABLE: ${TITLE}`, async () => {
    await exercise({ code: 'TCP_TIMEOUT', setup: async () => ({ request: { host: trap.dropHost, port: 22, timeoutMs: 1200 }, names: [trap.dropHost] }) });
    await exercise({ code: 'TCP_UNREACHABLE', setup: async () => ({ request: { host: trap.unreachableHost, port: 22 }, names: [trap.unreachableHost] }) });
  });

  it(`DNS_FAILED (the CLI's own --bundle, inside the namespace): ${TITLE}`, async () => {
    const cli = path.resolve(__dirname, '../cli/main.ts');
    const host = 'files.bundle-dns.invalid';
    const home = await fs.mkdtemp(path.join(dir, 'cli-home-'));
    const env = { ...process.env, SFTP_DOCTOR_HOME: home, SD_BUNDLE_PW: PASSWORD, SD_BUNDLE_PHRASE: PASSPHRASE };
    const runs = await Promise.all(
      [false, true].map(async (anonymise) => {
        const out = path.join(home, anonymise ? 'anon.zip' : 'plain.zip');
        const args = ['--import', 'tsx', cli, 'diagnose', '--json', '--timeout', '3', '--user', USER, '--password-env', 'SD_BUNDLE_PW', '--key', keyPath, '--passphrase-env', 'SD_BUNDLE_PHRASE', '--bundle', out, ...(anonymise ? ['--anonymise'] : []), host];
        const r = await trap.exec(process.execPath, args, { env });
        return { anonymise, out, r };
      }),
    );
    for (const { anonymise, out, r } of runs) {
      expect(r.stderr).toMatch(/Support bundle saved/);
      const code = (JSON.parse(r.stdout) as { code: string }).code;
      expect(code).toBe('DNS_FAILED');
      const zip = new Uint8Array(await fs.readFile(out));
      const report = JSON.parse(strFromU8(unzipSync(zip)['report.json']!)) as { summary: { title: string } };
      checkBundle(zip, { anonymise, code, title: report.summary.title, absent: [PASSWORD, PASSPHRASE, keyText], names: [host, 'bundle-dns', USER, 'bundle-laptop'], keyType: 'ssh-ed25519' });
    }
  });
});
