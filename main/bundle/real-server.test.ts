/**
 * The bundle promise, proven on real runs: for each diagnosis the harness can produce cheaply,
 * run the real engine against a real server (OpenSSH sshd or a fake TCP server on its own
 * loopback address) with a known password, key passphrase and private key, build the bundle,
 * unzip it and check: no secret in any form (checked here independently of scan.ts), report.json
 * valid against its schema, report.html shows the diagnosis title, and with Anonymise on no host
 * name, user name or IP address of the scenario is left in any file.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint, generateKey, setupAccount, harnessTempDir, sshdAvailable, startFakeServer, startSshd, type FakeServerKind, type SshdServer } from '../../e2e/harness';
import type { DiagnosisCode } from '../../shared/codes';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import { diagnose } from '../diagnose/index';
import { inspectKey } from '../keys';
import { esc } from './html';
import { assembleBundleInput, buildBundle, secretsOfRequest } from './index';
import { ReportSchema } from './schema';
import { z } from 'zod';

const PASSWORD = 'Bndl-Pw/7731+x&"q';
const PASSPHRASE = 'bundle pass phrase 42';
const USER = 'sdbundleuser';

const avail = sshdAvailable();

let dir: string;
let keyPath: string;
let keyText: string;
let sshd: SshdServer;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(harnessTempDir(), 'bundle-'));
  keyPath = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', `${USER}@bundle-laptop`, '-f', keyPath]);
  keyText = await fs.readFile(keyPath, 'utf8');
  if (avail.ok) sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
});
afterAll(async () => {
  await sshd?.stop();
});

/** Every form a careless program could have written `secret` in, computed here on purpose without scan.ts. */
function leakForms(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  const forms = [secret, b.toString('hex'), b.toString('hex').toUpperCase(), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  for (const off of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(off), b]).toString('base64').replace(/=+$/, '');
    const core = enc.slice(Math.ceil((off * 8) / 6), Math.floor(((off + b.length) * 8) / 6));
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  // and every line of a private key's body
  for (const line of secret.split('\n')) if (/^[A-Za-z0-9+/=]{16,}$/.test(line.trim())) forms.push(line.trim());
  return forms;
}

interface Scenario {
  code: DiagnosisCode | 'OK or OK_TRANSPORT';
  setup(): Promise<{ request: Partial<ConnectionRequest>; names: string[]; stop?: () => Promise<void> }>;
  /** Extra checks on the plain report.html. */
  html?: (html: string) => void;
}

function fake(code: DiagnosisCode, kind: FakeServerKind): Scenario {
  return {
    code,
    async setup() {
      const server = await startFakeServer(kind);
      return { request: { host: server.host, port: server.port }, names: [server.host], stop: () => server.stop() };
    },
  };
}

async function knownHostsWith(lines: string[]): Promise<string> {
  const file = path.join(await fs.mkdtemp(path.join(dir, 'kh-')), 'known_hosts');
  await fs.writeFile(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

const scenarios: Scenario[] = [
  {
    code: 'TCP_REFUSED',
    async setup() {
      const { host, port } = await closedEndpoint();
      return { request: { host, port }, names: [host] };
    },
  },
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
  fake('PROTOCOL_NOT_SSH', 'http'),
  fake('KEX_FAILED', 'close-after-banner'),
  {
    code: 'INPUT_HOST_EMPTY',
    async setup() {
      return { request: { host: '' }, names: [] };
    },
  },
  {
    code: 'INPUT_PORT_INVALID',
    async setup() {
      return { request: { host: 'files.bundle-test.invalid', port: 'twenty-two' }, names: ['files.bundle-test.invalid', 'bundle-test'] };
    },
  },
  {
    code: 'INPUT_HOST_FIELD',
    async setup() {
      const { host, port } = await closedEndpoint();
      return { request: { host: `sftp://${USER}@${host}:${port}/upload` }, names: [host] };
    },
  },
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
  {
    code: 'DNS_NOT_FOUND',
    async setup() {
      return { request: { host: 'sftp-bundle-nowhere.invalid', port: 22 }, names: ['sftp-bundle-nowhere.invalid', 'sftp-bundle-nowhere'] };
    },
  },
  {
    code: 'HOSTKEY_UNKNOWN',
    async setup() {
      return { request: { host: sshd.host, port: sshd.port, knownHostsPath: await knownHostsWith([]) }, names: [sshd.host] };
    },
  },
  {
    code: 'HOSTKEY_CHANGED',
    async setup() {
      const other = await generateKey('ed25519', await fs.mkdtemp(path.join(dir, 'other-')));
      const file = await knownHostsWith([`[${sshd.host}]:${sshd.port} ${other.publicKey}`]);
      return { request: { host: sshd.host, port: sshd.port, knownHostsPath: file }, names: [sshd.host] };
    },
  },
  {
    // A real account that accepts the (encrypted) key: every kind of secret is in play.
    code: 'OK',
    async setup() {
      const publicKey = (await fs.readFile(`${keyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
      await setupAccount({ name: USER, password: PASSWORD, authorizedKeys: [publicKey] });
      const file = await knownHostsWith(sshd.hostKeys.map((k) => `[${sshd.host}]:${sshd.port} ${k.publicKey}`));
      return { request: { host: sshd.host, port: sshd.port, knownHostsPath: file }, names: [sshd.host] };
    },
  },
  {
    code: 'AUTH_PASSWORD_REJECTED',
    async setup() {
      await setupAccount({ name: USER, password: `${PASSWORD}-but-another` });
      const file = await knownHostsWith(sshd.hostKeys.map((k) => `[${sshd.host}]:${sshd.port} ${k.publicKey}`));
      return { request: { host: sshd.host, port: sshd.port, knownHostsPath: file }, names: [sshd.host] };
    },
  },
];

async function run(request: ConnectionRequest): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await diagnose(request, { onEvent: (e) => events.push(e), defaultKnownHostsPath: path.join(dir, 'default_known_hosts') });
  return { result, events };
}

describe.skipIf(!avail.ok)('support bundle from real runs', () => {
  for (const scenario of scenarios) {
    it(`${scenario.code}: no secret in any form, valid report, title shown, nothing identifying when anonymised`, async () => {
      const { request: partial, names, stop } = await scenario.setup();
      try {
        const request: ConnectionRequest = {
          protocol: 'sftp',
          host: '',
          user: USER,
          password: PASSWORD,
          passphrase: PASSPHRASE,
          privateKey: { path: keyPath },
          useAgent: false,
          timeoutMs: 5000,
          ...partial,
        };
        const { result, events } = await run(request);
        expect(result.diagnosis.code).toBe(scenario.code);

        const secrets = await secretsOfRequest(request);
        expect(secrets.map((s) => s.reveal())).toEqual([PASSWORD, PASSPHRASE, keyText]);
        const input = await assembleBundleInput({
          rounds: [result],
          events,
          secrets,
          keyInspection: await inspectKey(keyText, { passphrase: PASSPHRASE }),
          environment: { agentSocket: null },
        });
        const schemaOfFile = (files: Record<string, Uint8Array>) => z.fromJSONSchema(JSON.parse(strFromU8(files['report.schema.json']!)));

        for (const anonymise of [false, true]) {
          const { zip } = await buildBundle(input, { anonymise });
          const files = unzipSync(zip);
          for (const [name, bytes] of Object.entries(files)) {
            const text = strFromU8(bytes);
            for (const secret of [PASSWORD, PASSPHRASE, keyText]) {
              for (const form of leakForms(secret)) expect(text.includes(form), `${name} holds a secret (${anonymise ? 'anonymised' : 'plain'})`).toBe(false);
            }
            expect(text).not.toMatch(/PRIVATE KEY|Private-Lines|openssh-key-v1/);
            if (anonymise) {
              for (const n of [...names, USER, 'bundle-laptop']) expect(text.toLowerCase(), `${name} still names ${n}`).not.toContain(n.toLowerCase());
              expect(text, `${name} still holds an IP`).not.toMatch(/(?<![\d.])127\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d])/);
            }
          }
          const report = JSON.parse(strFromU8(files['report.json']!));
          expect(ReportSchema.safeParse(report).success).toBe(true);
          expect(schemaOfFile(files).safeParse(report).success).toBe(true);
          expect(report.summary.code).toBe(result.diagnosis.code);
          expect(strFromU8(files['report.html']!)).toContain(`<h2 id="diagnosis">${esc(anonymise ? report.summary.title : result.diagnosis.title)}</h2>`);
          expect(Object.keys(files)).toContain('key.json');
          expect(JSON.parse(strFromU8(files['key.json']!)).publicKeyLine).toMatch(/^ssh-ed25519 AAAA/);
          if (result.facts.hostkey) expect(strFromU8(files['report.html']!)).toContain(result.facts.hostkey.key.sha256);
          if (!anonymise) scenario.html?.(strFromU8(files['report.html']!));
        }
      } finally {
        await stop?.();
      }
    });
  }
});
