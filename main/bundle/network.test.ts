/**
 * The client side of the network in a support bundle, from a real run: the local address, port
 * and interface the connection left from, the resolvers, "my address" in the admin message, and
 * --anonymise removing this computer's login name, name and home folder from every file.
 */
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../../e2e/harness';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import { diagnose } from '../diagnose/index';
import { isCommonWord } from './common-words';
import { assembleBundleInput, buildBundle, secretsOfRequest, type BundleInput } from './index';

let server: FakeServer;
let input: BundleInput;
let result: RunResult;
const home = os.homedir();
const user = os.userInfo().username;

beforeAll(async () => {
  // Accepts, then resets: the admin is asked to check blocks "for my address".
  server = await startFakeServer('reset');
  const request: ConnectionRequest = {
    protocol: 'sftp',
    host: server.host,
    port: server.port,
    user: 'bundle-net-user',
    password: 'Net-Bundle-Pw 4417',
    // Paths inside this computer's home folder: they must not survive --anonymise.
    knownHostsPath: path.join(home, '.ssh', 'sd_bundle_known_hosts_missing'),
    useAgent: false,
    timeoutMs: 5000,
  };
  const events: RunEvent[] = [];
  result = await diagnose(request, { agentSocket: '', defaultKnownHostsPath: path.join(os.tmpdir(), 'sd-bundle-net-kh'), onEvent: (e) => events.push(e) });
  input = await assembleBundleInput({ rounds: [result], events, secrets: await secretsOfRequest(request), environment: { agentSocket: null } });
}, 30_000);
afterAll(async () => server?.stop());

function unzip(zip: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(zip)).map(([n, b]) => [n, strFromU8(b)]));
}

describe('support bundle: the client side of the network', () => {
  it('network.json names the local address, port and interface, the resolvers, and the README says what it is for', async () => {
    expect(result.diagnosis.code).toMatch(/^(BANNER_RESET|TCP_RESET)$/);
    const files = unzip((await buildBundle(input, { anonymise: false })).zip);
    const network = JSON.parse(files['network.json']!);
    // The real socket's local end: a loopback address (the harness serves on 127.x.y.z), on "lo".
    expect(network.local.address).toMatch(/^127\./);
    expect(network.local.port).toBeGreaterThan(1023);
    expect(network.local.interface).toBe(Object.entries(os.networkInterfaces()).find(([, l]) => l?.some((i) => i.address === '127.0.0.1'))?.[0]);
    expect(network.localNote).toMatch(/as this computer sees it\. Behind NAT/);
    expect(network.resolvers.source).toMatch(/resolv\.conf|dns\.getServers/);
    expect(Array.isArray(network.resolvers.servers)).toBe(true);
    expect(network.proxy).toBeNull();
    expect(JSON.parse(files['environment.json']!).resolvers).toEqual(network.resolvers);
    // The admin is asked about "my address": the message says which one, and that NAT may change it.
    const report = JSON.parse(files['report.json']!);
    expect(report.adminMessage).toContain(`My address, as this computer sees it, is ${network.local.address}`);
    expect(report.adminMessage).toMatch(/translates addresses \(NAT\)/);
    // The README gives every file of the zip its two lines.
    const readme = files['README.txt']!;
    for (const name of Object.keys(files)) {
      const at = readme.split('\n').findIndex((l) => l.startsWith(`${name} `));
      expect(at, name).toBeGreaterThan(0);
      expect(readme.split('\n')[at + 1], name).toMatch(/^ {10,}\S/);
    }
  });

  it('--anonymise leaves no local login name, machine name or home folder in any file', async () => {
    const plain = unzip((await buildBundle(input, { anonymise: false })).zip);
    // The plain bundle does hold them (so the check below means something).
    expect(Object.values(plain).join('\n')).toContain(home);
    const files = unzip((await buildBundle(input, { anonymise: true })).zip);
    const word = (w: string) => new RegExp(`(?<![\\p{L}\\p{N}_-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_-])`, 'u');
    for (const [name, raw] of Object.entries(files)) {
      // report.html's own style sheet has a ":root" selector: the page's code, not a name.
      const text = raw.replace(/<style>[^]*?<\/style>/, '');
      expect(text, name).not.toContain(home);
      // A login name that is also a word ("root") may stay in prose; as a user name it may not.
      if (isCommonWord(user)) expect(text, name).not.toMatch(new RegExp(`${user}@|user "${user}"|"${user}"`));
      else expect(text, name).not.toMatch(word(user));
      expect(text, name).not.toMatch(word(os.hostname()));
      expect(text, name).not.toMatch(/127\.\d+\.\d+\.\d+/);
    }
    expect(files['report.json']).toMatch(/\/home\/user-\d+\/\.ssh\/sd_bundle_known_hosts_missing/);
    expect(JSON.parse(files['network.json']!).local.address).toMatch(/^203\.0\.113\.\d+$/);
  });
});
