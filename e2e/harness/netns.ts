import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));
const IPTABLES = ['/usr/sbin/iptables', '/sbin/iptables', '/usr/bin/iptables'].find((p) => existsSync(p));

/**
 * A network namespace of our own, joined to this one by a veth pair, that makes the network
 * misbehave honestly:
 * - dropHost: every TCP SYN to it is silently dropped (iptables DROP): a real connect timeout.
 * - unreachableHost: every TCP SYN is answered with ICMP host-unreachable: EHOSTUNREACH.
 * - netUnreachableHost: answered with ICMP net-unreachable: ENETUNREACH.
 * - exec(): runs a command inside the namespace, whose resolv.conf points at a name server that
 *   does not exist (a resolver failure, EAI_AGAIN, for the DNS tests).
 */
export interface NetworkTrap {
  name: string;
  dropHost: string;
  unreachableHost: string;
  netUnreachableHost: string;
  /** Runs a command inside the namespace. */
  exec(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export function networkTrapAvailable(): { ok: boolean; reason: string } {
  if (!IP) return { ok: false, reason: 'the "ip" tool is missing (install iproute2; .ci/run does)' };
  if (!IPTABLES) return { ok: false, reason: 'iptables is missing (install iptables; .ci/run does)' };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'network namespaces need root' };
  return { ok: true, reason: '' };
}

async function ip(...args: string[]): Promise<void> {
  await run(IP!, args);
}

export async function createNetworkTrap(): Promise<NetworkTrap> {
  const avail = networkTrapAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  const id = randomBytes(3).toString('hex');
  const name = `sftpdoc-${id}`;
  const outer = `sdo${id}`;
  const inner = `sdi${id}`;
  // A /29 in 10.64.0.0/10 picked at random: .1 is our side, .2-.4 are inside the namespace.
  const base = `10.${randomInt(64, 128)}.${randomInt(0, 256)}`;
  const last = randomInt(0, 31) * 8;
  const addr = (n: number) => `${base}.${last + n}`;
  const etcDir = path.join('/etc/netns', name);

  const cleanup = async () => {
    await run(IP!, ['netns', 'del', name]).catch(() => undefined);
    await run(IP!, ['link', 'del', outer]).catch(() => undefined);
    await fs.rm(etcDir, { recursive: true, force: true });
  };
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    await ip('link', 'set', inner, 'netns', name);
    await ip('addr', 'add', `${addr(1)}/29`, 'dev', outer);
    await ip('link', 'set', outer, 'up');
    for (const n of [2, 3, 4]) await ip('netns', 'exec', name, 'ip', 'addr', 'add', `${addr(n)}/29`, 'dev', inner);
    await ip('netns', 'exec', name, 'ip', 'link', 'set', inner, 'up');
    await ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
    const ipt = (...args: string[]) => ip('netns', 'exec', name, IPTABLES!, ...args);
    await ipt('-A', 'INPUT', '-d', addr(2), '-p', 'tcp', '-j', 'DROP');
    await ipt('-A', 'INPUT', '-d', addr(3), '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable');
    await ipt('-A', 'INPUT', '-d', addr(4), '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'icmp-net-unreachable');
    // Inside the namespace the only name server is our own veth address, where nothing answers.
    await fs.mkdir(etcDir, { recursive: true });
    await fs.writeFile(path.join(etcDir, 'resolv.conf'), `nameserver ${addr(1)}\noptions timeout:1 attempts:1\n`);
  } catch (err) {
    await cleanup();
    throw new Error(`could not build the test network namespace: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }

  return {
    name,
    dropHost: addr(2),
    unreachableHost: addr(3),
    netUnreachableHost: addr(4),
    exec(command, args, options = {}) {
      return new Promise((resolve) => {
        const child = spawn(IP!, ['netns', 'exec', name, command, ...args], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
        child.stdin.end(options.input ?? '');
      });
    },
    stop: cleanup,
  };
}
