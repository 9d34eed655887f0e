/**
 * Paths against real servers: OpenSSH sshd as jump hosts (healthy, AllowTcpForwarding no), Debian's
 * dante-server (SOCKS5, with and without a user name) and tinyproxy (HTTP CONNECT, with port rules
 * and BasicAuth), all on their own loopback addresses. Each path code is produced by a real server,
 * and OK is reached through each kind of path.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import {
  closedEndpoint,
  dantedAvailable,
  setupAccount,
  sshdAvailable,
  startDanted,
  startSshd,
  startTinyproxy,
  tinyproxyAvailable,
  type ProxyServer,
  type SshdServer,
} from '../../e2e/harness/index';
import { diagnose } from './index';

const sshd = sshdAvailable();
const danted = dantedAvailable();
const tinyproxy = tinyproxyAvailable();
if (!sshd.ok) console.warn(`Skipping the path tests: ${sshd.reason}`);
if (!danted.ok) console.warn(`Skipping the SOCKS5 path tests: ${danted.reason}`);
if (!tinyproxy.ok) console.warn(`Skipping the HTTP proxy path tests: ${tinyproxy.reason}`);

const USER = 'sdpath';
const PW = 'Path-Pw-4-horse';
const SOCKS_USER = 'sdsocks';
const SOCKS_PW = 'Socks-Pw-9-staple';

let dir: string;
let knownHosts: string;
let target: SshdServer;
let jump: SshdServer;
let noForward: SshdServer;
let socksOpen: ProxyServer | undefined;
let socksAuth: ProxyServer | undefined;
let socksRules: ProxyServer | undefined;
let httpRules: ProxyServer | undefined;
let httpAuth: ProxyServer | undefined;

async function run(request: Partial<ConnectionRequest>, knownHostsPath = knownHosts): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await diagnose(
    { protocol: 'sftp', host: target.host, port: target.port, user: USER, password: PW, timeoutMs: 8000, ...request },
    { defaultKnownHostsPath: knownHostsPath, agentSocket: '', onEvent: (e) => events.push(e) },
  );
  return { result, events };
}

const viaJump = (server: SshdServer, password = PW) => ({ jumpHosts: [{ host: server.host, port: server.port, password }] });
const evidenceText = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');

describe.skipIf(!sshd.ok)('paths: jump hosts and proxies against real servers', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'path-test-'));
    knownHosts = path.join(dir, 'known_hosts');
    await setupAccount({ name: USER, password: PW });
    [target, jump, noForward] = await Promise.all([startSshd(), startSshd(), startSshd({ config: { AllowTcpForwarding: 'no' } })]);
    const lines = [target, jump, noForward].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}`));
    await fs.writeFile(knownHosts, `${lines.join('\n')}\n`);
    if (danted.ok) {
      [socksOpen, socksAuth, socksRules] = await Promise.all([
        startDanted(),
        startDanted({ account: { name: SOCKS_USER, password: SOCKS_PW } }),
        startDanted({ allow: [{ host: jump.host, port: jump.port }] }),
      ]);
    }
    if (tinyproxy.ok) {
      [httpRules, httpAuth] = await Promise.all([startTinyproxy({ connectPorts: [target.port] }), startTinyproxy({ basicAuth: { user: 'proxyuser', password: 'Proxy-Pw-3' } })]);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([target?.stop(), jump?.stop(), noForward?.stop(), socksOpen?.stop(), socksAuth?.stop(), socksRules?.stop(), httpRules?.stop(), httpAuth?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('jump hosts', () => {
    it('OK through a jump host: its phases run first, in order, then the target over the forwarded channel', async () => {
      const { result, events } = await run(viaJump(jump));
      expect(result.diagnosis.code).toBe('OK');
      const hopSteps = result.steps.filter((s) => s.hop === 0);
      expect(hopSteps.map((s) => `${s.phase}:${s.status}`)).toEqual(['dns:ok', 'tcp:ok', 'banner:ok', 'kex:ok', 'hostkey:ok', 'auth:ok']);
      const order = result.steps.map((s) => `${s.hop ?? 't'}:${s.phase}`);
      expect(order.indexOf('0:auth')).toBeLessThan(order.indexOf('t:tcp'));
      expect(result.steps.find((s) => s.hop === undefined && s.phase === 'tcp')?.detail).toMatch(new RegExp(`jump host ${jump.host.replace(/\./g, '\\.')}:${jump.port} connected to`));
      expect(result.facts.path?.hops[0]).toMatchObject({ status: 'ok', host: jump.host, port: jump.port });
      expect(result.facts.path?.hops[0]?.hostKey).toMatch(/SHA256:/);
      expect(evidenceText(result)).toMatch(/Path: jump .* → /);
      // The hop's events carry its index and label, so the stepper can group them.
      expect(events.some((e) => e.type === 'phase' && e.hop === 0 && /Jump host/.test(e.hopLabel ?? ''))).toBe(true);
      // The jump host saw the forwarding request for the target (its own log).
      expect(jump.log()).toMatch(/Accepted password for sdpath/);
      expect(JSON.stringify({ result, events })).not.toContain(PW);
    });

    it('JUMP_FORWARDING_DENIED from a jump host with AllowTcpForwarding no, naming the setting', async () => {
      const { result } = await run(viaJump(noForward));
      expect(result.diagnosis.code).toBe('JUMP_FORWARDING_DENIED');
      expect(result.facts.forward).toMatchObject({ reason: 1, error: 'EPROHIBITED' });
      expect(result.diagnosis.explanation).toMatch(/AllowTcpForwarding no/);
      expect(result.diagnosis.explanation).toMatch(/PermitOpen/);
      expect(result.diagnosis.fixes).toEqual([]);
      expect(result.diagnosis.actions).toMatchObject([{ type: 'ask-admin', topic: 'forwarding' }]);
      expect(evidenceText(result)).toMatch(/administratively prohibited/i);
    });

    it('JUMP_HOST_FAILED carrying AUTH_PASSWORD_REJECTED when the jump host refuses its password', async () => {
      const { result, events } = await run(viaJump(jump, 'Wrong-Jump-Pw-1'));
      expect(result.diagnosis.code).toBe('JUMP_HOST_FAILED');
      expect(result.facts.path?.failedHop).toBe(0);
      expect(result.facts.path?.hops[0]).toMatchObject({ status: 'failed', code: 'AUTH_PASSWORD_REJECTED', phase: 'auth' });
      expect(result.diagnosis.title).toContain(`${jump.host}:${jump.port}`);
      expect(evidenceText(result)).toMatch(/AUTH_PASSWORD_REJECTED/);
      // The target was never contacted: its network phases are not reached.
      expect(result.steps.find((s) => s.hop === undefined && s.phase === 'tcp')?.status).toBe('skipped');
      expect(JSON.stringify({ result, events })).not.toContain('Wrong-Jump-Pw-1');
    });

    it('JUMP_HOST_FAILED carrying HOSTKEY_UNKNOWN for a jump host never seen, with the trust fix for the jump host', async () => {
      const onlyTarget = path.join(dir, 'known_hosts_target_only');
      await fs.writeFile(onlyTarget, `${target.hostKeys.map((k) => `[${target.host}]:${target.port} ${k.publicKey}`).join('\n')}\n`);
      const logBefore = jump.log().length;
      const { result } = await run(viaJump(jump), onlyTarget);
      expect(result.diagnosis.code).toBe('JUMP_HOST_FAILED');
      expect(result.facts.path?.hops[0]?.code).toBe('HOSTKEY_UNKNOWN');
      const trust = result.diagnosis.fixes.find((f) => f.id === 'trust-host-key');
      expect(trust?.params).toMatchObject({ host: jump.host, port: jump.port });
      expect(jump.hostKeys.map((k) => k.sha256)).toContain(trust?.params?.sha256);
      // Nothing secret was sent to an unverified jump host.
      expect(jump.log().slice(logBefore)).not.toMatch(/password for/);
    });

    it('TCP_REFUSED behind a jump host, said from the jump host\'s point of view', async () => {
      const closed = await closedEndpoint();
      const { result } = await run({ host: closed.host, port: closed.port, ...viaJump(jump) });
      expect(result.diagnosis.code).toBe('TCP_REFUSED');
      expect(result.diagnosis.title).toBe(`The jump host ${jump.host}:${jump.port} could not connect to ${closed.host} port ${closed.port}: refused`);
      expect(result.facts.forward).toMatchObject({ reason: 2, error: 'ECONNREFUSED' });
      expect(evidenceText(result)).toMatch(/Jump host's answer: Connection refused/);
    });
  });

  describe.skipIf(!danted.ok)('SOCKS5 (dante)', () => {
    it('OK through a SOCKS5 proxy without a user name: the proxy resolves and connects', async () => {
      const { result } = await run({ proxy: { type: 'socks5', host: socksOpen!.host, port: socksOpen!.port } });
      expect(result.diagnosis.code).toBe('OK');
      expect(result.facts.proxy).toMatchObject({ stage: 'done', socksReply: 0, address: socksOpen!.host });
      expect(result.steps.find((s) => s.phase === 'dns')?.detail).toMatch(/looked up by the proxy socks5:\/\//);
    });

    it('OK through a SOCKS5 proxy with a user name and password (a system account for dante)', async () => {
      const { result, events } = await run({ proxy: { type: 'socks5', host: socksAuth!.host, port: socksAuth!.port, user: SOCKS_USER, password: SOCKS_PW } });
      expect(result.diagnosis.code).toBe('OK');
      expect(result.request.proxy).toBe(`socks5://${SOCKS_USER}@${socksAuth!.host}:${socksAuth!.port}`);
      expect(JSON.stringify({ result, events })).not.toContain(SOCKS_PW);
    });

    it('PROXY_AUTH_FAILED for a wrong SOCKS5 password, and for none at all', async () => {
      const wrong = await run({ proxy: { type: 'socks5', host: socksAuth!.host, port: socksAuth!.port, user: SOCKS_USER, password: 'Not-Socks-Pw' } });
      expect(wrong.result.diagnosis.code).toBe('PROXY_AUTH_FAILED');
      expect(wrong.result.diagnosis.explanation).toMatch(/refused the SOCKS5 user name and password/);
      const none = await run({ proxy: { type: 'socks5', host: socksAuth!.host, port: socksAuth!.port } });
      expect(none.result.diagnosis.code).toBe('PROXY_AUTH_FAILED');
      expect(none.result.diagnosis.explanation).toMatch(/wants a SOCKS5 user name and password, and none was set/);
    });

    it('PROXY_DENIED_TARGET when the proxy\'s rules do not allow the target (SOCKS5 reply 2) and when the target refuses (reply 5)', async () => {
      const denied = await run({ proxy: { type: 'socks5', host: socksRules!.host, port: socksRules!.port } });
      expect(denied.result.diagnosis.code).toBe('PROXY_DENIED_TARGET');
      expect(denied.result.facts.proxy?.socksReply).toBe(2);
      expect(denied.result.diagnosis.explanation).toMatch(/not allowed by the proxy's rules/);
      const closed = await closedEndpoint();
      const refused = await run({ host: closed.host, port: closed.port, proxy: { type: 'socks5', host: socksOpen!.host, port: socksOpen!.port } });
      expect(refused.result.diagnosis.code).toBe('PROXY_DENIED_TARGET');
      expect(refused.result.facts.proxy?.socksReply).toBe(5);
      expect(refused.result.diagnosis.explanation).toMatch(/refused the proxy's connection/);
    });

    it('OK through a SOCKS5 proxy then a jump host (the rule allows only the jump host)', async () => {
      const { result } = await run({ proxy: { type: 'socks5', host: socksRules!.host, port: socksRules!.port }, ...viaJump(jump) });
      expect(result.diagnosis.code).toBe('OK');
      expect(evidenceText(result)).toMatch(/Path: socks5:\/\/.* → jump .* → /);
      expect(result.steps.find((s) => s.hop === 0 && s.phase === 'tcp')?.detail).toMatch(/Through the proxy/);
    });
  });

  describe.skipIf(!tinyproxy.ok)('HTTP CONNECT (tinyproxy)', () => {
    it('OK through an HTTP proxy whose ConnectPort rule allows the target', async () => {
      const { result } = await run({ proxy: { type: 'http', host: httpRules!.host, port: httpRules!.port } });
      expect(result.diagnosis.code).toBe('OK');
      expect(result.facts.proxy).toMatchObject({ stage: 'done', httpStatus: 200 });
    });

    it('PROXY_DENIED_TARGET (HTTP 403) for a port the rules deny', async () => {
      const { result } = await run({ host: jump.host, port: jump.port, proxy: { type: 'http', host: httpRules!.host, port: httpRules!.port } });
      expect(result.diagnosis.code).toBe('PROXY_DENIED_TARGET');
      expect(result.facts.proxy?.httpStatus).toBe(403);
      expect(result.diagnosis.explanation).toMatch(/not allowed by the proxy's rules \(HTTP 403/);
    });

    it('PROXY_AUTH_FAILED for a wrong proxy password (tinyproxy answers 401 to CONNECT, others 407)', async () => {
      const { result, events } = await run({ proxy: { type: 'http', host: httpAuth!.host, port: httpAuth!.port, user: 'proxyuser', password: 'Wrong-Proxy-Pw' } });
      expect([401, 407]).toContain(result.facts.proxy?.httpStatus);
      expect(result.diagnosis.code).toBe('PROXY_AUTH_FAILED');
      expect(result.diagnosis.explanation).toMatch(/it answered HTTP 40[17] to the user name and password sent/);
      expect(JSON.stringify({ result, events })).not.toContain('Wrong-Proxy-Pw');
      const right = await run({ proxy: { type: 'http', host: httpAuth!.host, port: httpAuth!.port, user: 'proxyuser', password: 'Proxy-Pw-3' } });
      expect(right.result.diagnosis.code).toBe('OK');
    });
  });

  it('PROXY_UNREACHABLE when nothing listens at the proxy\'s address', async () => {
    const closed = await closedEndpoint();
    const { result } = await run({ proxy: { type: 'socks5', host: closed.host, port: closed.port } });
    expect(result.diagnosis.code).toBe('PROXY_UNREACHABLE');
    expect(result.facts.proxy).toMatchObject({ stage: 'tcp', error: 'ECONNREFUSED' });
    expect(evidenceText(result)).toMatch(/ECONNREFUSED/);
  });
});
