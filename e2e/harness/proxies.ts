import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { freeLoopbackAddress, freePort } from './addresses';
import { startDaemon } from './daemon';
import { ensureUser, harnessTempDir } from './sshd';

/**
 * Real proxies on loopback for path tests: Debian's dante-server (danted, SOCKS5) and tinyproxy
 * (HTTP CONNECT), each on its own 127.x.y.z address, started in the foreground and stopped by PID.
 */

export const DANTED_PATH = '/usr/sbin/danted';
export const TINYPROXY_PATH = '/usr/bin/tinyproxy';

export interface ProxyServer {
  host: string;
  port: number;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

function rootCheck(): string | null {
  return typeof process.getuid === 'function' && process.getuid() !== 0 ? 'the proxy tests need root (system test accounts, privileged start)' : null;
}

export function dantedAvailable(): { ok: boolean; reason: string } {
  if (!existsSync(DANTED_PATH)) return { ok: false, reason: `${DANTED_PATH} is missing (install dante-server; scripts/install-test-deps.sh does)` };
  const r = rootCheck();
  return r ? { ok: false, reason: r } : { ok: true, reason: '' };
}

export function tinyproxyAvailable(): { ok: boolean; reason: string } {
  if (!existsSync(TINYPROXY_PATH)) return { ok: false, reason: `${TINYPROXY_PATH} is missing (install tinyproxy; scripts/install-test-deps.sh does)` };
  const r = rootCheck();
  return r ? { ok: false, reason: r } : { ok: true, reason: '' };
}

export interface DantedOptions {
  /**
   * A user name and password to require (SOCKS5 username method). Dante checks them against the
   * system's accounts, so the harness creates (or resets) that Unix account with that password.
   */
  account?: { name: string; password: string };
  /** Destinations "host/32 port = N" the proxy may connect to; anything else gets SOCKS5 reply 2 (not allowed). Default: all. */
  allow?: { host: string; port?: number }[];
}

/** Starts danted (SOCKS5) on its own loopback address. */
export async function startDanted(options: DantedOptions = {}): Promise<ProxyServer> {
  const avail = dantedAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  if (options.account) await ensureUser({ name: options.account.name, password: options.account.password });
  const host = freeLoopbackAddress();
  const port = await freePort(host);
  const dir = await fs.mkdtemp(path.join(harnessTempDir(), 'danted-'));
  const method = options.account ? 'username' : 'none';
  const rules = (options.allow ?? [{ host: '0.0.0.0', port: undefined }]).map(
    (a) => `socks pass {\n  from: 0.0.0.0/0 to: ${a.host}/${a.host === '0.0.0.0' ? 0 : 32}${a.port ? ` port = ${a.port}` : ''}\n  command: connect\n  log: error connect\n}`,
  );
  const conf = [
    'logoutput: stderr',
    `internal: ${host} port = ${port}`,
    'external: lo',
    `socksmethod: ${method}`,
    'clientmethod: none',
    'user.privileged: root',
    'user.unprivileged: nobody',
    'timeout.negotiate: 10',
    'client pass {\n  from: 0.0.0.0/0 to: 0.0.0.0/0\n}',
    ...rules,
    'socks block {\n  from: 0.0.0.0/0 to: 0.0.0.0/0\n  log: error connect\n}',
  ].join('\n');
  const configPath = path.join(dir, 'danted.conf');
  await fs.writeFile(configPath, `${conf}\n`, { mode: 0o600 });
  const daemon = await startDaemon(DANTED_PATH, ['-f', configPath, '-N', '1', '-p', path.join(dir, 'danted.pid')], { host, port, dir, logLimit: 100_000 });
  return { host, port, pid: daemon.pid, log: daemon.log, stop: daemon.stop };
}

export interface TinyproxyOptions {
  /** Require this user name and password (BasicAuth): a wrong one gets HTTP 407. */
  basicAuth?: { user: string; password: string };
  /** Ports CONNECT may go to (tinyproxy's ConnectPort); others get HTTP 403. Default: any port. */
  connectPorts?: number[];
  /** Client addresses allowed to use the proxy (tinyproxy's Allow); default all of loopback. */
  allowClients?: string[];
}

/** Starts tinyproxy (HTTP CONNECT) on its own loopback address. */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<ProxyServer> {
  const avail = tinyproxyAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  const host = freeLoopbackAddress();
  const port = await freePort(host);
  const dir = await fs.mkdtemp(path.join(harnessTempDir(), 'tinyproxy-'));
  const conf = [
    'User nobody',
    'Group nogroup',
    `Port ${port}`,
    `Listen ${host}`,
    'Timeout 15',
    'LogLevel Info',
    'MaxClients 20',
    'DisableViaHeader Yes',
    ...(options.allowClients ?? ['127.0.0.0/8']).map((a) => `Allow ${a}`),
    ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
  ].join('\n');
  const configPath = path.join(dir, 'tinyproxy.conf');
  await fs.writeFile(configPath, `${conf}\n`, { mode: 0o644 });
  const daemon = await startDaemon(TINYPROXY_PATH, ['-d', '-c', configPath], { host, port, dir, logLimit: 100_000 });
  return { host, port, pid: daemon.pid, log: daemon.log, stop: daemon.stop };
}
