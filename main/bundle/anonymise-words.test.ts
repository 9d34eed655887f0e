/**
 * --anonymise with user names that are also words, from a real run: the local login name "root"
 * (these tests run as root) and the remote user "data", against a real sshd whose banner is prose
 * using both words. Each is replaced where it stands as a user name (home folder, NAME@host, the
 * login name field, user "NAME") and the prose keeps its words.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import type { ConnectionRequest, RunEvent } from '../../shared/types';
import { diagnose } from '../diagnose/index';
import { assembleBundleInput, buildBundle, secretsOfRequest } from './index';

const BANNER = 'Authorised use only. The root cause of every failed login is kept; the data team backs up this server nightly.';
const ready = sshdAvailable().ok && os.userInfo().username === 'root' && os.homedir() === '/root';

describe.skipIf(!ready)('--anonymise: user names that are common words ("root" here, "data" there)', () => {
  let server: SshdServer;
  let dir: string;
  let plain: Record<string, string>;
  let anon: Record<string, string>;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-words-'));
    const banner = path.join(dir, 'banner.txt');
    await fs.writeFile(banner, `${BANNER}\n`);
    server = await startSshd({ config: { Banner: banner } });
    const request: ConnectionRequest = {
      protocol: 'sftp',
      host: server.host,
      port: server.port,
      user: 'data',
      password: 'Words-Bundle-Pw-58',
      useAgent: false,
      timeoutMs: 8000,
      // In root's home folder: "/root" as a path is the local user's.
      knownHostsPath: '/root/.ssh/sd_bundle_words_known_hosts_missing',
      acceptHostKey: server.hostKeys[0]!.sha256,
    };
    const events: RunEvent[] = [];
    const result = await diagnose(request, { agentSocket: '', defaultKnownHostsPath: path.join(dir, 'kh'), onEvent: (e) => events.push(e) });
    expect(result.facts.auth?.banner).toContain('root cause');
    const input = await assembleBundleInput({ rounds: [result], events, secrets: await secretsOfRequest(request), environment: { agentSocket: null } });
    const unzip = (zip: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(zip)).map(([n, b]) => [n, strFromU8(b)]));
    plain = unzip((await buildBundle(input, { anonymise: false })).zip);
    anon = unzip((await buildBundle(input, { anonymise: true })).zip);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('the prose keeps "root" and "data": the server banner, our own texts, the page style', () => {
    const report = anon['report.json']!;
    expect(JSON.parse(report).rounds[0].facts.auth.banner).toContain(BANNER);
    expect(anon['report.html']).toContain('The root cause of every failed login is kept; the data team backs up this server nightly.');
    expect(anon['report.html']).toMatch(/:root\s*\{/);
    // Nothing else of the plain bundle's prose lost its words: each "root"/"data" left is one the plain bundle has in the same sentence.
    for (const [name, text] of Object.entries(anon)) {
      for (const m of text.matchAll(/[^\n]{0,20}\b(root|data)\b[^\n]{0,20}/g)) {
        expect(m[0].includes('@') || /\/root\b|"(root|data)"/.test(m[0]), `${name}: ${m[0]}`).toBe(false);
      }
    }
  });

  it('where they stand as user names they are placeholders: the login name field, user "NAME", NAME@host, /root as a home folder', () => {
    const plainReport = JSON.parse(plain['report.json']!);
    expect(plainReport.request.user).toBe('data');
    expect(plainReport.request.knownHostsPath).toBe('/root/.ssh/sd_bundle_words_known_hosts_missing');
    const report = JSON.parse(anon['report.json']!);
    expect(report.request.user).toMatch(/^user-\d+$/);
    expect(report.rounds[0].facts.input.user).toBe(report.request.user);
    expect(report.request.knownHostsPath).toMatch(/^\/home\/user-\d+\/\.ssh\/sd_bundle_words_known_hosts_missing$/);
    expect(report.request.knownHostsPath).not.toContain(`/${report.request.user}/`); // root and data are two users
    if (plainReport.adminMessage) expect(report.adminMessage).toContain(`as user "${report.request.user}"`);
    for (const [name, text] of Object.entries(anon)) {
      expect(text, name).not.toMatch(/\b(root|data)@/);
      expect(text, name).not.toMatch(/(?<![\w./-])\/root(?![\w.-])/);
      expect(text, name).not.toMatch(/"(user|localUser)":\s*"(root|data)"/);
      expect(text, name).not.toMatch(/user "(root|data)"/);
    }
  });
});
