/**
 * Round trips of a healthy diagnosis through a jump host, against `sftp -J` on the same path.
 * A small counting relay sits in front of the jump host (both clients reach the jump host through
 * it, so it sees every byte of the whole path, the target's session included, tunnelled): a round
 * trip is counted each time the client speaks again after the server has answered. Key login on
 * both hops, the same kex, no write test (sftp only lists), the home folder listed.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackAddress, freePort, generateKey, setupAccount, startSshd } from '../e2e/harness/index';
import { diagnose } from '../main/diagnose/index';

export interface PathBenchResult {
  name: string;
  oursRoundTrips: number;
  opensshRoundTrips: number;
  runs: number;
  ratio: number;
  ok: boolean;
}

/** A TCP relay to host:port that counts the client's flights (a flight after the server spoke = one round trip). */
export async function countingRelay(to: { host: string; port: number }): Promise<{ host: string; port: number; take(): number; close(): Promise<void> }> {
  const host = freeLoopbackAddress();
  const port = await freePort(host);
  let flights = 0;
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect(to);
    upstream.setNoDelay(true);
    let last: 'client' | 'server' | null = null;
    client.on('data', (d: Buffer) => {
      if (last !== 'client') flights++;
      last = 'client';
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      last = 'server';
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return {
    host,
    port,
    take: () => {
      const n = flights;
      flights = 0;
      return n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sftpThroughJump(configFile: string, jump: string, target: { host: string; port: number }, user: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.SSH_AUTH_SOCK;
    const child = spawn('sftp', ['-F', configFile, '-b', '-', '-J', jump, '-P', String(target.port), `${user}@${target.host}`], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && out.includes('bench-file-1') ? resolve() : reject(new Error(`sftp -J did not list the folder (exit ${code}): ${err.trim()}`))));
    child.stdin.end('ls\n');
  });
}

/** Waits until the relay has seen the connection end (its last bytes counted). */
const settle = () => new Promise((r) => setTimeout(r, 150));

export async function benchPath(runs = 3): Promise<PathBenchResult> {
  const [target, jump] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), startSshd({ hostKeyTypes: ['ed25519'] })]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-path-'));
  const relay = await countingRelay(jump);
  try {
    const key = await generateKey('ed25519', dir, 'bench_key');
    const account = await setupAccount({ name: 'sd4benchj', password: randomUUID(), authorizedKeys: [key.publicKey], files: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`bench-file-${i}`, `${i}\n`])) });
    const knownHosts = path.join(dir, 'known_hosts');
    await fs.writeFile(knownHosts, [`[${target.host}]:${target.port} ${target.hostKeys[0]!.publicKey}`, `[${relay.host}]:${relay.port} ${jump.hostKeys[0]!.publicKey}`].join('\n') + '\n');
    // One config for both of OpenSSH's processes (ssh passes -F on to the jump host's ssh).
    const config = path.join(dir, 'ssh_config');
    await fs.writeFile(
      config,
      ['Host *', `  IdentityFile ${key.path}`, '  IdentitiesOnly yes', '  BatchMode yes', '  StrictHostKeyChecking yes', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  KexAlgorithms curve25519-sha256', ''].join('\n'),
    );
    const jumpSpec = `${account.name}@${relay.host}:${relay.port}`;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      relay.take();
      const r = await diagnose(
        { protocol: 'sftp', host: target.host, port: target.port, user: account.name, privateKey: { path: key.path }, writeTest: false, timeoutMs: 8000, jumpHosts: [{ host: relay.host, port: relay.port }] },
        { defaultKnownHostsPath: knownHosts, agentSocket: '' },
      );
      if (!r.diagnosis.ok) throw new Error(`engine through the jump host ended with ${r.diagnosis.code}, not OK`);
      await settle();
      ours.push(relay.take());
      await sftpThroughJump(config, jumpSpec, target, account.name);
      await settle();
      theirs.push(relay.take());
    }
    const o = Math.min(...ours);
    const t = Math.min(...theirs);
    return {
      name: 'path: healthy diagnosis through a jump host (key login on both, home folder listed), round trips on the jump host connection vs sftp -J (ls)',
      oursRoundTrips: o,
      opensshRoundTrips: t,
      runs,
      ratio: Math.round((o / t) * 100) / 100,
      ok: o <= t,
    };
  } finally {
    await relay.close();
    await Promise.all([target.stop(), jump.stop()]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /bench-path\.ts$/.test(process.argv[1])) {
  benchPath().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
