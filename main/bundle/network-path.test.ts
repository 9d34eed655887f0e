/**
 * network.json for a connection that does not go straight to the server: through a real SOCKS5
 * proxy (dante, with a user name and password), a real HTTP proxy (tinyproxy) and a real jump host
 * (sshd). The local address recorded is the one of the socket to the first hop, named as such, and
 * the first hop's own log shows that very address and port; who looked up each name and the
 * proxy / jump settings are there, and no password is.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dantedAvailable, setupAccount, sshdAvailable, startDanted, startSshd, startTinyproxy, tinyproxyAvailable, type ProxyServer, type SshdServer } from '../../e2e/harness/index';
import type { ConnectionRequest, RunEvent } from '../../shared/types';
import { diagnose } from '../diagnose/index';
import { assembleBundleInput, buildBundle, secretsOfRequest } from './index';
import { sampleInput } from './test-fixtures';

const USER = 'sdbundlepath';
const PW = 'Bundle-Path-Pw-71';
const SOCKS_USER = 'sdbsocks';
const SOCKS_PW = 'Bundle-Socks-Pw-29';
const ready = sshdAvailable().ok && dantedAvailable().ok && tinyproxyAvailable().ok;

interface Network {
  local: { address: string; port: number; interface?: string } | null;
  firstHop: { kind: string; name: string } | null;
  localNote: string;
  resolvers: { servers: string[]; source: string } | null;
  lookups: { name: string; by: string }[];
  proxy: { setting: string; address: string | null; stage: string | null } | null;
  jumpHosts: string[];
}

describe.skipIf(!ready)('support bundle: the client side of a path through a proxy or a jump host', () => {
  let dir: string;
  let knownHosts: string;
  let target: SshdServer;
  let jump: SshdServer;
  let socks: ProxyServer;
  let http: ProxyServer;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-path-'));
    knownHosts = path.join(dir, 'known_hosts');
    await setupAccount({ name: USER, password: PW });
    [target, jump, socks, http] = await Promise.all([startSshd(), startSshd(), startDanted({ account: { name: SOCKS_USER, password: SOCKS_PW } }), startTinyproxy()]);
    await fs.writeFile(knownHosts, [target, jump].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}`)).join('\n') + '\n');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([target?.stop(), jump?.stop(), socks?.stop(), http?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function bundleOf(extra: Partial<ConnectionRequest>): Promise<{ network: Network; files: Record<string, string>; code: string }> {
    const request: ConnectionRequest = { protocol: 'sftp', host: target.host, port: target.port, user: USER, password: PW, useAgent: false, timeoutMs: 8000, writeTest: false, ...extra };
    const events: RunEvent[] = [];
    const result = await diagnose(request, { agentSocket: '', defaultKnownHostsPath: knownHosts, onEvent: (e) => events.push(e) });
    const input = await assembleBundleInput({ rounds: [result], events, secrets: await secretsOfRequest(request), environment: { agentSocket: null } });
    const files = Object.fromEntries(Object.entries(unzipSync((await buildBundle(input, { anonymise: false })).zip)).map(([n, b]) => [n, strFromU8(b)]));
    const all = Object.values(files).join('\n');
    for (const secret of [PW, SOCKS_PW]) expect(all).not.toContain(secret);
    return { network: JSON.parse(files['network.json']!) as Network, files, code: result.diagnosis.code };
  }

  it('SOCKS5 (dante, with a login): the local end of the socket to the proxy, as dante logged it; each name of the path with who looked it up; the proxy user but not its password', async () => {
    const { network, code } = await bundleOf({ proxy: { type: 'socks5', host: socks.host, port: socks.port, user: SOCKS_USER, password: SOCKS_PW } });
    expect(code).toMatch(/^OK/);
    expect(network.firstHop).toEqual({ kind: 'proxy', name: `the SOCKS5 proxy ${socks.host}:${socks.port}` });
    expect(network.local?.address).toMatch(/^127\./);
    expect(network.local?.interface).toBeTruthy();
    // dante names its client as address.port: the very socket recorded.
    expect(socks.log()).toContain(`${network.local!.address}.${network.local!.port}`);
    expect(network.localNote).toContain(`This computer connected to the SOCKS5 proxy ${socks.host}:${socks.port}, the first hop of the path, from ${network.local!.address} port ${network.local!.port}`);
    expect(network.lookups).toEqual([
      { name: socks.host, by: 'nobody: it is an address, not a name' },
      { name: target.host, by: 'nobody: it is an address, not a name' },
    ]);
    expect(network.proxy).toEqual({ setting: `socks5://${SOCKS_USER}@${socks.host}:${socks.port}`, address: socks.host, stage: 'done' });
    expect(network.resolvers?.source).toMatch(/resolv\.conf|dns\.getServers/);
  });

  it('HTTP CONNECT (tinyproxy): the local end of the socket to the proxy, named as the first hop', async () => {
    const { network, code } = await bundleOf({ proxy: { type: 'http', host: http.host, port: http.port } });
    expect(code).toMatch(/^OK/);
    expect(network.firstHop).toEqual({ kind: 'proxy', name: `the HTTP proxy ${http.host}:${http.port}` });
    expect(network.local?.address).toMatch(/^127\./);
    expect(network.local?.port).toBeGreaterThan(1023);
    expect(network.proxy).toMatchObject({ setting: `http://${http.host}:${http.port}`, stage: 'done' });
    expect(network.jumpHosts).toEqual([]);
  });

  it('jump host (sshd) behind the SOCKS5 proxy, and alone: the first hop is named, sshd logged the same local port', async () => {
    const direct = await bundleOf({ jumpHosts: [{ host: jump.host, port: jump.port, password: PW }] });
    expect(direct.code).toMatch(/^OK/);
    expect(direct.network.firstHop).toEqual({ kind: 'jump-host', name: `the jump host ${jump.host}:${jump.port}` });
    const local = direct.network.local!;
    expect(jump.log()).toContain(`Connection from ${local.address} port ${local.port} `);
    expect(direct.network.localNote).toContain(`This computer connected to the jump host ${jump.host}:${jump.port}, the first hop of the path`);
    expect(direct.network.jumpHosts).toEqual([`${USER}@${jump.host}:${jump.port}`]);

    const both = await bundleOf({ jumpHosts: [{ host: jump.host, port: jump.port, password: PW }], proxy: { type: 'socks5', host: socks.host, port: socks.port, user: SOCKS_USER, password: SOCKS_PW } });
    expect(both.code).toMatch(/^OK/);
    // The proxy comes first on the path, so it is the first hop.
    expect(both.network.firstHop?.kind).toBe('proxy');
    expect(socks.log()).toContain(`${both.network.local!.address}.${both.network.local!.port}`);
    expect(both.network.lookups.map((l) => l.name)).toEqual([socks.host, jump.host, target.host]);
  });
});

describe('network.json: who looked up each name of a path', () => {
  it('this computer the first hop, the proxy the jump host, the jump host the server; an address is not looked up', async () => {
    const input = sampleInput();
    const last = input.rounds[input.rounds.length - 1]!.result;
    last.facts.proxy = { type: 'socks5', host: 'socks.corp.example', port: 1080, address: '198.18.0.5', local: { address: '10.0.0.7', port: 50111, interface: 'wlan0' }, target: 'jump.corp.example:22', stage: 'done', authUsed: false };
    last.facts.path = { hops: [{ index: 0, host: 'jump.corp.example', port: 22, user: 'ops', status: 'ok' }, { index: 1, host: '198.18.0.9', port: 2200, user: 'ops', status: 'ok' }] };
    const network = JSON.parse(strFromU8(unzipSync((await buildBundle(input, { anonymise: false })).zip)['network.json']!)) as Network;
    expect(network.lookups).toEqual([
      { name: 'socks.corp.example', by: 'this computer (the resolvers listed here)' },
      { name: 'jump.corp.example', by: 'the proxy socks.corp.example:1080' },
      { name: '198.18.0.9', by: 'nobody: it is an address, not a name' },
      { name: last.facts.input!.host, by: 'the jump host 198.18.0.9:2200' },
    ]);
    expect(network.firstHop).toEqual({ kind: 'proxy', name: 'the SOCKS5 proxy socks.corp.example:1080' });
    expect(network.local).toEqual({ address: '10.0.0.7', port: 50111, interface: 'wlan0' });
    expect(network.jumpHosts).toEqual(['ops@jump.corp.example:22', 'ops@198.18.0.9:2200']);
  });
});
