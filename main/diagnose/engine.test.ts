import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, PromptRequest, RunEvent, RunResult } from '../../shared/types';
import {
  closedEndpoint,
  createNetworkTrap,
  freeLoopbackAddress,
  generateKey,
  networkTrapAvailable,
  sshdAvailable,
  startFakeServer,
  startSshd,
  type FakeServerKind,
  type NetworkTrap,
  type SshdServer,
} from '../../e2e/harness/index';
import { diagnose } from './index';
import type { DiagnoseOptions } from './options';

const run0 = promisify(execFile);
const sshd = sshdAvailable();
const trapTools = networkTrapAvailable();
if (!sshd.ok) console.warn(`Skipping real-server engine tests: ${sshd.reason}`);
if (!trapTools.ok) console.warn(`Skipping network-namespace tests: ${trapTools.reason}`);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'engine-test-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

let khCount = 0;
function knownHostsFile(): string {
  return path.join(dir, `known_hosts_${++khCount}`);
}

/** The host key phase passed and the run went on to the login. */
function passedHostKey(r: RunResult): boolean {
  return r.steps.find((s) => s.phase === 'hostkey')?.status === 'ok' && r.steps.find((s) => s.phase === 'auth')?.status !== 'skipped';
}

async function run(request: Partial<ConnectionRequest> & { host: string }, options: Partial<DiagnoseOptions> = {}): Promise<{ result: RunResult; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const result = await diagnose(
    { protocol: 'sftp', user: 'tester', timeoutMs: 3000, ...request },
    { defaultKnownHostsPath: knownHostsFile(), agentSocket: '', ...options, onEvent: (e) => events.push(e) },
  );
  return { result, events };
}

describe.skipIf(!sshd.ok)('a real OpenSSH server', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('HOSTKEY_UNKNOWN on first contact: shows the key ssh-keygen reports, learns the login methods, sends no secret', async () => {
    const { result, events } = await run({ host: server.host, port: server.port, password: 'Sup3r-Secret-Pw' });
    const d = result.diagnosis;
    expect(d.code).toBe('HOSTKEY_UNKNOWN');
    expect(d.phase).toBe('hostkey');
    const served = server.hostKeys.find((k) => k.type === result.facts.hostkey?.key.type)!;
    expect(served).toBeDefined();
    expect(result.facts.hostkey?.key.sha256).toBe(served.sha256);
    expect(result.facts.hostkey?.key.md5).toBe(served.md5);
    expect(d.evidence.map((e) => e.value)).toContain(served.sha256);
    expect(result.facts.auth?.methods).toEqual(expect.arrayContaining(['publickey', 'password']));
    expect(d.fixes.map((f) => f.id)).toEqual(['trust-host-key', 'connect-once']);
    const trust = d.fixes.find((f) => f.id === 'trust-host-key');
    expect(trust?.id === 'trust-host-key' && trust.params.sha256).toBe(served.sha256);
    expect(JSON.stringify(events)).not.toContain('Sup3r-Secret-Pw');
    expect(JSON.stringify(result)).not.toContain('Sup3r-Secret-Pw');
    // sshd itself saw no password attempt: only the key exchange and the "none" request.
    expect(server.log()).not.toMatch(/Failed password|Accepted password/);
    expect(result.facts.server?.software).toMatch(/^OpenSSH_9/);
    expect(result.facts.server?.algorithms?.kex.length).toBeGreaterThan(0);
  });

  it('streams phase events in order and ends with done', async () => {
    const { result, events } = await run({ host: server.host, port: server.port });
    const phases = events.filter((e) => e.type === 'phase' && e.status !== 'running').map((e) => (e.type === 'phase' ? `${e.phase}:${e.status}` : ''));
    expect(phases).toEqual(['input:ok', 'dns:ok', 'tcp:ok', 'banner:ok', 'kex:ok', 'hostkey:fail', 'auth:skipped', 'sftp:skipped', 'write:skipped', 'hold:skipped', 'speed:skipped']);
    expect(events.at(-1)).toEqual({ type: 'done', runId: result.runId, result });
    expect(events.some((e) => e.type === 'log' && e.source === 'ssh')).toBe(true);
  });

  it('trusting through the prompt writes known_hosts and goes on to log in; the next run trusts it silently', async () => {
    const kh = knownHostsFile();
    const prompts: PromptRequest[] = [];
    const first = await diagnose(
      { protocol: 'sftp', host: server.host, port: server.port, user: 'tester', timeoutMs: 3000 },
      { defaultKnownHostsPath: kh, prompt: async (p) => (prompts.push(p), { promptId: p.promptId, kind: 'hostkey', decision: 'trust' }) },
    );
    expect(prompts).toHaveLength(1);
    // Past the host key, the run logs in: "tester" has no password or key here.
    expect(passedHostKey(first)).toBe(true);
    expect(first.diagnosis.code).toBe('AUTH_NO_CREDENTIALS');
    const text = await fs.readFile(kh, 'utf8');
    expect(text).toBe(`[${server.host}]:${server.port} ${first.facts.hostkey!.key.publicKey}\n`);
    const second = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 'tester', timeoutMs: 3000 }, { defaultKnownHostsPath: kh });
    expect(passedHostKey(second)).toBe(true);
    expect(second.facts.hostkey?.status).toBe('trusted');
  });

  it('"once" and a matching --trust-host-key fingerprint continue without writing anything; cancel stops', async () => {
    const kh = knownHostsFile();
    const once = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 't', timeoutMs: 3000 }, { defaultKnownHostsPath: kh, prompt: async (p) => ({ promptId: p.promptId, kind: 'hostkey', decision: 'once' }) });
    expect(passedHostKey(once)).toBe(true);
    const cancel = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 't', timeoutMs: 3000 }, { defaultKnownHostsPath: kh, prompt: async (p) => ({ promptId: p.promptId, kind: 'hostkey', decision: 'cancel' }) });
    expect(cancel.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
    const sha = once.facts.hostkey!.key.sha256;
    const byFp = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 't', acceptHostKey: sha, timeoutMs: 3000 }, { defaultKnownHostsPath: kh });
    expect(passedHostKey(byFp)).toBe(true);
    expect(byFp.facts.hostkey?.status).toBe('accepted-once');
    const byMd5 = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 't', acceptHostKey: once.facts.hostkey!.key.md5, timeoutMs: 3000 }, { defaultKnownHostsPath: kh });
    expect(passedHostKey(byMd5)).toBe(true);
    const wrong = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 't', acceptHostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', timeoutMs: 3000 }, { defaultKnownHostsPath: kh });
    expect(wrong.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
    await expect(fs.stat(kh)).rejects.toThrow();
  });

  it('HOSTKEY_CHANGED names the old key, its file and line, and never replaces it', async () => {
    const other = await generateKey('ed25519', dir, `other-${Date.now()}`);
    const kh = path.join(dir, 'changed_known_hosts');
    const original = `# team hosts\nunrelated.example ${other.publicKey}\n[${server.host}]:${server.port} ${other.publicKey}\n`;
    await fs.writeFile(kh, original);
    const { result } = await run({ host: server.host, port: server.port, knownHostsPath: kh });
    const d = result.diagnosis;
    expect(d.code).toBe('HOSTKEY_CHANGED');
    expect(result.facts.hostkey?.matches).toEqual([{ file: kh, line: 3, type: 'ssh-ed25519', sha256: other.sha256 }]);
    expect(d.evidence.map((e) => e.value)).toEqual(expect.arrayContaining([`${kh}:3`, `ssh-ed25519 ${other.sha256}`, result.facts.hostkey!.key.sha256]));
    expect(d.fixes.find((f) => f.id === 'replace-host-key')?.risk).toBe('dangerous');
    expect(await fs.readFile(kh, 'utf8')).toBe(original);
  });

  it('a key recorded as @revoked is refused', async () => {
    const kh = path.join(dir, 'revoked_known_hosts');
    const served = server.hostKeys.find((k) => k.type === 'ssh-ed25519')!;
    await fs.writeFile(kh, `@revoked * ${served.publicKey}\n[${server.host}]:${server.port} ${served.publicKey}\n`);
    const { result } = await run({ host: server.host, port: server.port, knownHostsPath: kh });
    expect(result.diagnosis.code).toBe('HOSTKEY_CHANGED');
    expect(result.facts.hostkey?.status).toBe('revoked');
  });

  it('a host recorded with its ECDSA key is checked against that key, not reported as new (OpenSSH order)', async () => {
    const kh = path.join(dir, 'ecdsa_known_hosts');
    const ecdsa = server.hostKeys.find((k) => k.type.startsWith('ecdsa'))!;
    await fs.writeFile(kh, `[${server.host}]:${server.port} ${ecdsa.publicKey}\n`);
    const { result } = await run({ host: server.host, port: server.port, knownHostsPath: kh });
    expect(passedHostKey(result)).toBe(true);
    expect(result.facts.hostkey?.key.sha256).toBe(ecdsa.sha256);
  });

  it('TCP_REFUSED, and the probe finds the SSH server on port 2222 of the same host', async () => {
    const host = freeLoopbackAddress();
    const s2222 = await startSshd({ host, port: 2222 });
    try {
      const { result } = await run({ host, port: 40022 });
      expect(result.diagnosis.code).toBe('TCP_REFUSED');
      expect(result.totalMs).toBeLessThan(1000);
      expect(result.facts.tcp?.probes?.find((p) => p.port === 2222)).toMatchObject({ result: 'ssh', banner: expect.stringMatching(/^SSH-2\.0-OpenSSH/) });
      expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'use-port', params: { port: 2222 }, risk: 'safe' });
      // The marker sits on what is wrong (the refused attempt), never on the good news.
      expect(result.diagnosis.evidence.filter((e) => e.highlight).map((e) => e.label)).toEqual(['Connection attempts']);
      expect(result.diagnosis.evidence.find((e) => e.label === 'SSH server on port 2222')).toMatchObject({ mono: true });
    } finally {
      await s2222.stop();
    }
  });

  it('PROTOCOL_FTP on port 21, with the fix to use the SSH server on port 22', async () => {
    const host = freeLoopbackAddress();
    const [ssh22, ftp] = await Promise.all([startSshd({ host, port: 22 }), startFakeServer('ftp', { host, port: 21 })]);
    try {
      const { result } = await run({ host, port: 21 });
      expect(result.diagnosis.code).toBe('PROTOCOL_FTP');
      expect(result.totalMs).toBeLessThan(1000);
      expect(result.facts.banner?.firstBytes).toMatch(/^220 /);
      expect(result.diagnosis.fixes.map((f) => f.id)).toEqual(['use-port']);
      expect(result.diagnosis.actions).toMatchObject([{ type: 'other-program', protocol: 'FTP' }]);
      expect(result.diagnosis.fixes[0]?.params).toEqual({ port: 22 });
      expect(result.diagnosis.evidence.some((e) => e.value.includes('Port 21 normally belongs to another protocol'))).toBe(true);
    } finally {
      await Promise.all([ssh22.stop(), ftp.stop()]);
    }
  });

  describe('KEX_NO_COMMON_ALGORITHM', () => {
    it('a server with only diffie-hellman-group1-sha1: names the category, both lists, and the fix works', async () => {
      const legacy = await startSshd({ config: { KexAlgorithms: 'diffie-hellman-group1-sha1' } });
      try {
        const { result } = await run({ host: legacy.host, port: legacy.port });
        const d = result.diagnosis;
        expect(d.code).toBe('KEX_NO_COMMON_ALGORITHM');
        expect(result.facts.kex?.mismatch).toMatchObject({ category: 'kex', server: ['diffie-hellman-group1-sha1'], legacyCandidates: ['diffie-hellman-group1-sha1'] });
        expect(result.facts.kex?.mismatch?.client).toContain('curve25519-sha256');
        const fix = d.fixes.find((f) => f.id === 'allow-legacy-algorithms');
        if (fix?.id !== 'allow-legacy-algorithms') throw new Error('no legacy fix offered');
        expect(fix.params.algorithms).toEqual(['diffie-hellman-group1-sha1']);
        expect(fix.description).toContain('diffie-hellman-group1-sha1');
        // Applying the fix's parameters gets through the key exchange.
        const again = await run({ host: legacy.host, port: legacy.port, legacyAlgorithms: fix.params.algorithms });
        expect(again.result.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
        expect(again.result.steps.find((s) => s.phase === 'kex')?.status).toBe('warn');
      } finally {
        await legacy.stop();
      }
    });

    it('a server with only CBC ciphers: the cipher category', async () => {
      const legacy = await startSshd({ config: { Ciphers: 'aes128-cbc,3des-cbc' } });
      try {
        const { result } = await run({ host: legacy.host, port: legacy.port });
        expect(result.diagnosis.code).toBe('KEX_NO_COMMON_ALGORITHM');
        expect(result.facts.kex?.mismatch).toMatchObject({ category: 'cipher', legacyCandidates: ['aes128-cbc', '3des-cbc'] });
      } finally {
        await legacy.stop();
      }
    });

    it('a server with only an ssh-dss host key: the server key type category', async () => {
      const legacy = await startSshd({ hostKeyTypes: ['dsa'], config: { HostKeyAlgorithms: 'ssh-dss' } });
      try {
        const { result } = await run({ host: legacy.host, port: legacy.port });
        expect(result.diagnosis.code).toBe('KEX_NO_COMMON_ALGORITHM');
        expect(result.facts.kex?.mismatch).toMatchObject({ category: 'serverHostKey', server: ['ssh-dss'], legacyCandidates: ['ssh-dss'] });
      } finally {
        await legacy.stop();
      }
    });
  });
});

describe('fake servers: protocol faults and hostile servers', () => {
  const cases: [FakeServerKind, string, string][] = [
    ['close', 'BANNER_CLOSED', 'banner'],
    ['reset', 'BANNER_RESET', 'banner'],
    ['silent', 'BANNER_TIMEOUT', 'banner'],
    ['ftp', 'PROTOCOL_FTP', 'banner'],
    ['http', 'PROTOCOL_NOT_SSH', 'banner'],
    ['tls', 'PROTOCOL_NOT_SSH', 'banner'],
    ['garbage', 'PROTOCOL_NOT_SSH', 'banner'],
    ['huge-banner', 'PROTOCOL_NOT_SSH', 'banner'],
    ['endless-prebanner', 'PROTOCOL_NOT_SSH', 'banner'],
    ['ssh1', 'SSH1_ONLY', 'banner'],
    ['garbage-after-banner', 'KEX_FAILED', 'kex'],
    ['close-after-banner', 'KEX_FAILED', 'kex'],
    ['reset-after-banner', 'TCP_RESET', 'kex'],
    ['reset-on-accept', 'TCP_RESET', 'tcp'],
  ];
  it.each(cases)('%s -> %s', async (kind, code, phase) => {
    const server = await startFakeServer(kind);
    try {
      const budget = 1200;
      const { result, events } = await run({ host: server.host, port: server.port, timeoutMs: budget });
      expect(result.diagnosis.code).toBe(code);
      expect(result.diagnosis.phase).toBe(phase);
      expect(result.totalMs).toBeLessThan(budget + 300);
      if (code !== 'BANNER_TIMEOUT') expect(result.totalMs).toBeLessThan(1000);
      expect(result.diagnosis.nextStep.length).toBeGreaterThan(10);
      expect(events.at(-1)?.type).toBe('done');
      if (code === 'PROTOCOL_NOT_SSH') expect(result.facts.banner?.firstBytes?.length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });

  // "auto" sends our identification itself and holds ssh2 back until the server's offer is in:
  // a server that answers it with something else is judged the same way.
  it.each(cases.filter(([kind]) => ['http', 'garbage-after-banner', 'close-after-banner', 'reset-after-banner', 'ssh1'].includes(kind)))('with legacyAlgorithmsAuto: %s -> %s', async (kind, code, phase) => {
    const server = await startFakeServer(kind);
    try {
      const { result, events } = await run({ host: server.host, port: server.port, timeoutMs: 1200, legacyAlgorithmsAuto: true });
      expect(result.diagnosis.code).toBe(code);
      expect(result.diagnosis.phase).toBe(phase);
      expect(result.facts.kex?.chosen).toBeUndefined();
      expect(events.at(-1)?.type).toBe('done');
    } finally {
      await server.stop();
    }
  });

  it('with legacyAlgorithmsAuto, a server that sends its offer only after ours still gets one, and the usual diagnosis with the least weak fix', async () => {
    const server = await startFakeServer('kexinit-after-client');
    try {
      const { result, events } = await run({ host: server.host, port: server.port, timeoutMs: 6000, legacyAlgorithmsAuto: true });
      expect(result.diagnosis.code).toBe('KEX_NO_COMMON_ALGORITHM');
      expect(result.facts.server?.algorithms?.kex).toEqual(['diffie-hellman-group14-sha1']);
      expect(result.diagnosis.fixes[0]?.params).toMatchObject({ algorithms: ['diffie-hellman-group14-sha1', 'aes128-cbc'] });
      expect(events.some((e) => e.type === 'log' && /sent no key exchange offer within 2 s of its greeting/.test(e.text))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('unlocking the key does not eat the connection timeout: a silent server is still BANNER_TIMEOUT, not a firewall', async () => {
    // bcrypt with 48 rounds: about half a second of work here before any packet is sent.
    const keyFile = path.join(dir, 'slow-to-unlock');
    await run0('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '48', '-N', 'slow-Unlock-1', '-C', '', '-f', keyFile]);
    const server = await startFakeServer('silent');
    try {
      const { result, events } = await run({ host: server.host, port: server.port, timeoutMs: 500, privateKey: { path: keyFile }, passphrase: 'slow-Unlock-1' });
      expect(result.diagnosis.code, result.diagnosis.explanation).toBe('BANNER_TIMEOUT');
      expect(result.facts.tcp?.attempts?.[0]?.result).toBe('connected');
      expect(result.facts.key?.fingerprint).toMatch(/^SHA256:/);
      expect(events.at(-1)?.type).toBe('done');
    } finally {
      await server.stop();
    }
  });

  it('quotes what an HTTP server said', async () => {
    const server = await startFakeServer('http');
    try {
      const { result } = await run({ host: server.host, port: server.port });
      expect(result.facts.banner).toMatchObject({ outcome: 'not-ssh', reason: 'http' });
      expect(result.diagnosis.evidence.find((e) => e.label === 'First bytes received')?.value).toContain('HTTP/1.1 400 Bad Request');
    } finally {
      await server.stop();
    }
  });

  it('CANCELLED promptly when the caller aborts, with every socket closed', async () => {
    const server = await startFakeServer('silent');
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 150);
      const t0 = Date.now();
      const { result } = await run({ host: server.host, port: server.port, timeoutMs: 5000 }, { signal: ac.signal });
      expect(result.diagnosis.code).toBe('CANCELLED');
      expect(Date.now() - t0).toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 50));
      const open = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
      expect(open).toBeLessThanOrEqual(1); // the fake server's own accepted socket at most
    } finally {
      await server.stop();
    }
  });
});

describe('input and name lookup', () => {
  it('INPUT_HOST_FIELD splits a pasted URL into its fields', async () => {
    const { result } = await run({ host: ' sftp://alice@files.example.invalid:2222/upload ' });
    expect(result.diagnosis.code).toBe('INPUT_HOST_FIELD');
    expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'split-host-field', params: { host: 'files.example.invalid', user: 'alice', port: 2222, path: '/upload', scheme: 'sftp' } });
    expect(result.steps.filter((s) => s.status !== 'skipped').map((s) => s.phase)).toEqual(['input']);
  });

  it.each(['0', '70000', 'ssh', '22a'])('INPUT_PORT_INVALID for port %s', async (port) => {
    const { result } = await run({ host: 'files.example.invalid', port });
    expect(result.diagnosis.code).toBe('INPUT_PORT_INVALID');
    expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'use-port', params: { port: 22 } });
  });

  it('INPUT_HOST_EMPTY', async () => {
    const { result } = await run({ host: '   ' });
    expect(result.diagnosis.code).toBe('INPUT_HOST_EMPTY');
  });

  it('DNS_NOT_FOUND for a name that does not exist, within a second', async () => {
    const { result } = await run({ host: 'no-such-server.sftp-doctor.invalid' });
    expect(result.diagnosis.code).toBe('DNS_NOT_FOUND');
    expect(result.totalMs).toBeLessThan(1000);
    expect(result.diagnosis.fixes).toEqual([]);
  });

  it('DNS_NOT_FOUND suggests the name without "www." when that one resolves', async () => {
    const { result } = await run({ host: 'www.localhost' });
    expect(result.diagnosis.code).toBe('DNS_NOT_FOUND');
    expect(result.facts.dns?.suggestions).toContain('localhost');
    expect(result.diagnosis.fixes[0]).toMatchObject({ id: 'use-dns-suggestion', params: { host: 'localhost' } });
  });

  it('a refused port is TCP_REFUSED within a second, probes included', async () => {
    const { host, port } = await closedEndpoint();
    const { result } = await run({ host, port });
    expect(result.diagnosis.code).toBe('TCP_REFUSED');
    expect(result.totalMs).toBeLessThan(1000);
    expect(result.facts.tcp?.probes?.map((p) => p.port)).toEqual([22, 2222, 2022, 22222, 8022]);
  });
});

describe.skipIf(!trapTools.ok)('a network namespace that drops and rejects', () => {
  let trap: NetworkTrap;
  beforeAll(async () => {
    trap = await createNetworkTrap();
  });
  afterAll(async () => {
    await trap?.stop();
  });

  it('TCP_TIMEOUT for a dropped SYN, within the budget including the port probes', async () => {
    const budget = 1500;
    const { result } = await run({ host: trap.dropHost, port: 22, timeoutMs: budget });
    expect(result.diagnosis.code).toBe('TCP_TIMEOUT');
    expect(result.totalMs).toBeLessThan(budget + 300);
    expect(result.facts.tcp?.probes?.every((p) => p.result === 'timeout')).toBe(true);
  });

  it('TCP_UNREACHABLE for ICMP host-unreachable and net-unreachable', async () => {
    for (const host of [trap.unreachableHost, trap.netUnreachableHost]) {
      const { result } = await run({ host, port: 22 });
      expect(result.diagnosis.code).toBe('TCP_UNREACHABLE');
      expect(result.totalMs).toBeLessThan(1000);
    }
  });

  it('DNS_FAILED when the name server cannot be reached (the CLI run inside the namespace)', async () => {
    const cli = path.resolve(__dirname, '../cli/main.ts');
    const r = await trap.exec(process.execPath, ['--import', 'tsx', cli, 'diagnose', '--json', '--timeout', '3', 'files.sftp-doctor.invalid'], {
      env: { ...process.env, SFTP_DOCTOR_HOME: dir },
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { code: string; evidence: { label: string; value: string }[] };
    expect(out.code).toBe('DNS_FAILED');
    expect(out.evidence.find((e) => e.label === 'Resolver error')?.value).toBe('EAI_AGAIN');
  });
});
