/**
 * PuTTY host key cache entries -> known_hosts lines, checked against real keys: ssh-keygen makes
 * the keys, the test writes PuTTY's form from the keys' numbers, and the converted line must give
 * the same fingerprint (ssh-keygen -lf) and the exact line ssh-keyscan reads from a real sshd.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { puttyForm } from './fixtures/putty-form';
import { HostKeyFormatError, knownHostsName, puttyHostKeyToKnownHosts } from './hostkeys';

const run = promisify(execFile);

async function fingerprint(file: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-lf', file]);
  return stdout.split(/\s+/)[1]!;
}

// --- a real sshd on its own loopback address ------------------------------------------------

const rnd = (n: number) => 1 + Math.floor(Math.random() * n);
let dir: string;
const keyFiles: Record<string, string> = {};

interface Sshd {
  child: ChildProcess;
  addr: string;
  port: number;
}
const servers: Sshd[] = [];

async function waitForPort(host: string, p: number, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port: p }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** sshd with the given host keys on a random 127.x.y.z address and port (retried on a clash). */
async function startSshd(keys: string[], label: string): Promise<Sshd> {
  await fs.mkdir('/run/sshd', { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const addr = `127.${rnd(254)}.${rnd(254)}.${rnd(254)}`;
    const port = 20000 + rnd(40000);
    const cfg = path.join(dir, `sshd_config_${label}`);
    await fs.writeFile(
      cfg,
      [
        `ListenAddress ${addr}:${port}`,
        ...keys.map((k) => `HostKey ${keyFiles[k]}`),
        'PidFile none',
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        '',
      ].join('\n'),
    );
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', cfg], { stdio: ['ignore', 'ignore', 'ignore'] });
    if (await waitForPort(addr, port, child)) {
      const server = { child, addr, port };
      servers.push(server);
      return server;
    }
    if (child.exitCode === null) child.kill();
  }
  throw new Error('could not start sshd on a loopback address');
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'putty-hostkeys-'));
  const specs: [string, string[]][] = [
    ['rsa', ['-t', 'rsa', '-b', '2048']],
    ['dsa', ['-t', 'dsa']],
    ['ecdsa256', ['-t', 'ecdsa', '-b', '256']],
    ['ecdsa384', ['-t', 'ecdsa', '-b', '384']],
    ['ecdsa521', ['-t', 'ecdsa', '-b', '521']],
    ['ed25519', ['-t', 'ed25519']],
  ];
  await Promise.all(
    specs.map(async ([name, args]) => {
      keyFiles[name] = path.join(dir, `host_${name}`);
      await run('ssh-keygen', ['-q', ...args, '-N', '', '-C', '', '-f', keyFiles[name]!]);
    }),
  );
}, 30_000);

afterAll(async () => {
  for (const s of servers) if (s.child.pid !== undefined && s.child.exitCode === null) process.kill(s.child.pid, 'SIGTERM');
  await fs.rm(dir, { recursive: true, force: true });
});

describe('PuTTY host keys -> known_hosts', () => {
  it('gives the fingerprints ssh-keygen shows for RSA, DSA, ECDSA (3 curves) and Ed25519 keys', async () => {
    for (const name of Object.keys(keyFiles)) {
      const pub = await fs.readFile(`${keyFiles[name]}.pub`, 'utf8');
      const [entry, value] = puttyForm(pub, 'Files.Example.COM', 2222);
      const converted = puttyHostKeyToKnownHosts(entry, value);
      expect(converted.line.startsWith('[files.example.com]:2222 ')).toBe(true);
      const out = path.join(dir, `kh_${name}`);
      await fs.writeFile(out, `${converted.line}\n`);
      expect(await fingerprint(out), name).toBe(await fingerprint(`${keyFiles[name]}.pub`));
      // The blob is byte-identical, not just the same fingerprint.
      expect(converted.line.split(' ').slice(1).join(' '), name).toBe(pub.trim().split(/\s+/).slice(0, 2).join(' '));
    }
  });

  it('produces exactly the lines ssh-keyscan reads from a real sshd', async () => {
    // ssh-keyscan fetches one ECDSA key per server, so each extra curve gets its own sshd.
    const groups: [string[], string][] = [
      [['rsa', 'ecdsa256', 'ed25519'], 'rsa,ecdsa,ed25519'],
      [['ecdsa384'], 'ecdsa'],
      [['ecdsa521'], 'ecdsa'],
    ];
    const started = await Promise.all(groups.map(([keys], i) => startSshd(keys, String(i))));
    for (const [i, [keys, types]] of groups.entries()) {
      const { addr, port } = started[i]!;
      const { stdout } = await run('ssh-keyscan', ['-T', '5', '-p', String(port), '-t', types, addr]);
      const scanned = stdout
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .sort();
      expect(scanned).toHaveLength(keys.length);
      const converted: string[] = [];
      for (const name of keys) {
        const pub = await fs.readFile(`${keyFiles[name]}.pub`, 'utf8');
        const [entry, value] = puttyForm(pub, addr, port);
        converted.push(puttyHostKeyToKnownHosts(entry, value).line);
      }
      expect(converted.sort()).toEqual(scanned);
    }
  });

  it('writes port 22 without brackets, and decodes registry-escaped names', async () => {
    const pub = await fs.readFile(`${keyFiles.ed25519}.pub`, 'utf8');
    const [, value] = puttyForm(pub, 'x', 22);
    expect(puttyHostKeyToKnownHosts('ssh-ed25519@22:Server.Example', value).line).toMatch(/^server\.example ssh-ed25519 AAAA/);
    expect(knownHostsName('::1', 22)).toBe('::1');
    expect(knownHostsName('::1', 2200)).toBe('[::1]:2200');
  });

  it('rejects damaged values with a reason instead of producing a wrong key', async () => {
    const pub = await fs.readFile(`${keyFiles.ed25519}.pub`, 'utf8');
    const [entry, value] = puttyForm(pub, 'h', 22);
    const damaged = value.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(() => puttyHostKeyToKnownHosts(entry, damaged)).toThrow(/not on the curve/);
    const ec = await fs.readFile(`${keyFiles.ecdsa256}.pub`, 'utf8');
    const [ecEntry, ecValue] = puttyForm(ec, 'h', 22);
    expect(() => puttyHostKeyToKnownHosts(ecEntry, ecValue.replace('nistp256,', 'nistp384,'))).toThrow(/curve "nistp384"/);
    expect(() => puttyHostKeyToKnownHosts(ecEntry, ecValue.replace(/0x[0-9a-f]+$/, '0x1234'))).toThrow(/not on the curve/);
    expect(() => puttyHostKeyToKnownHosts('rsa2@22:h', '0x10001')).toThrow(/2 numbers/);
    expect(() => puttyHostKeyToKnownHosts('rsa2@22:h', '0x23,0xzz')).toThrow(/hexadecimal/);
    expect(() => puttyHostKeyToKnownHosts('rsa2-22-h', '0x23,0x11')).toThrow(/type@port:host/);
    expect(() => puttyHostKeyToKnownHosts('rsa@22:h', '0x23,0x11')).toThrow(/SSH-1/);
    expect(() => puttyHostKeyToKnownHosts('ssh-ed448@22:h', '0x1,0x2')).toThrow(HostKeyFormatError);
  });
});
