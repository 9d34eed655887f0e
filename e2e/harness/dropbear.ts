import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackAddress, freePort } from './addresses';
import { startDaemon } from './daemon';
import { harnessTempDir } from './sshd';

const run = promisify(execFile);

export const DROPBEAR_PATH = '/usr/sbin/dropbear';
export const DROPBEARKEY_PATH = '/usr/bin/dropbearkey';

export interface DropbearOptions {
  host?: string;
  port?: number;
  /** Extra command-line flags, e.g. ['-s'] (no password logins), ['-T', '2'] (max auth tries). */
  args?: string[];
}

export interface DropbearServer {
  host: string;
  port: number;
  pid: number;
  /** The server's host key: "ssh-ed25519 <base64>" and its SHA256 fingerprint (from ssh-keygen -l). */
  hostKey: { publicKey: string; sha256: string };
  log(): string;
  stop(): Promise<void>;
}

export function dropbearAvailable(): { ok: boolean; reason: string } {
  if (!existsSync(DROPBEAR_PATH) || !existsSync(DROPBEARKEY_PATH)) return { ok: false, reason: `${DROPBEAR_PATH} is missing (install dropbear-bin; .ci/run does)` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'dropbear tests need root (to log in as the test users)' };
  return { ok: true, reason: '' };
}

/**
 * Starts Dropbear (`dropbear -F -E -p host:port -r key`) on its own loopback address with a fresh
 * Ed25519 host key; SFTP is served by /usr/lib/sftp-server. Stop it with stop() (by PID).
 */
export async function startDropbear(options: DropbearOptions = {}): Promise<DropbearServer> {
  const avail = dropbearAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  const host = options.host ?? freeLoopbackAddress();
  const port = options.port ?? (await freePort(host));
  const dir = await fs.mkdtemp(path.join(harnessTempDir(), 'dropbear-'));
  const keyFile = path.join(dir, 'dropbear_ed25519_host_key');
  await run(DROPBEARKEY_PATH, ['-t', 'ed25519', '-f', keyFile]);
  const pubLine = (await run(DROPBEARKEY_PATH, ['-y', '-f', keyFile])).stdout.split('\n').find((l) => l.startsWith('ssh-ed25519 '))!;
  const publicKey = pubLine.split(/\s+/).slice(0, 2).join(' ');
  await fs.writeFile(path.join(dir, 'host.pub'), `${publicKey}\n`);
  const sha256 = (await run('ssh-keygen', ['-l', '-f', path.join(dir, 'host.pub')])).stdout.split(/\s+/)[1] ?? '';

  const daemon = await startDaemon(DROPBEAR_PATH, ['-F', '-E', '-p', `${host}:${port}`, '-r', keyFile, '-P', path.join(dir, 'dropbear.pid'), ...(options.args ?? [])], { host, port, dir, logLimit: 100_000 });
  return {
    host,
    port,
    pid: daemon.pid,
    hostKey: { publicKey, sha256 },
    log: daemon.log,
    stop: daemon.stop,
  };
}
