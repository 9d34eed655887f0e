/**
 * environment.json: what the admin needs to know about this machine and this build. Versions,
 * OS, locale, and whether an SSH agent answered with how many keys (the count only: keys, their
 * comments and fingerprints stay out).
 */
import { promises as fs } from 'node:fs';
import { getServers } from 'node:dns';
import os from 'node:os';
import { createAgent } from 'ssh2';
import ssh2Package from 'ssh2/package.json';
import sshpkPackage from 'sshpk/package.json';
import { APP_NAME, APP_VERSION } from '../common/version';
import type { EnvironmentFacts } from './types';

export interface EnvironmentOptions {
  /** Extra versions from the host (Electron, Chromium), merged over what Node reports. */
  versions?: Record<string, string>;
  /** Agent socket to ask (default: SSH_AUTH_SOCK; "pageant" on Windows). null: do not ask. */
  agentSocket?: string | null;
  /** How long the agent may take to answer. */
  agentTimeoutMs?: number;
}

/** Asks the agent how many keys it holds. Never throws; never keeps the keys. */
export async function probeAgent(socket: string | null | undefined, timeoutMs = 1500): Promise<EnvironmentFacts['agent']> {
  if (!socket) return { available: false, keys: null };
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: EnvironmentFacts['agent']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => finish({ available: false, keys: null, error: `the agent did not answer within ${timeoutMs} ms` }), timeoutMs);
    try {
      createAgent(socket).getIdentities((err, keys) => {
        if (err) finish({ available: false, keys: null, error: `the agent could not be reached (${err.message.split('\n')[0]})` });
        else finish({ available: true, keys: keys?.length ?? 0 });
      });
    } catch (err) {
      finish({ available: false, keys: null, error: `the agent could not be reached (${err instanceof Error ? err.message : String(err)})` });
    }
  });
}

/**
 * The DNS resolvers in use: the nameserver lines of /etc/resolv.conf where there is one (what
 * the system resolver reads), else what Node's resolver was given (dns.getServers()).
 */
export async function collectResolvers(resolvConf = '/etc/resolv.conf'): Promise<NonNullable<EnvironmentFacts['resolvers']>> {
  if (process.platform !== 'win32') {
    try {
      const fh = await fs.open(resolvConf, 'r');
      try {
        const buf = Buffer.alloc(64 * 1024);
        const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        const servers = buf
          .subarray(0, bytesRead)
          .toString('utf8')
          .split(/\r?\n/)
          .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
          .filter((v): v is string => v !== undefined)
          .slice(0, 16);
        if (servers.length > 0) return { servers, source: resolvConf };
      } finally {
        await fh.close();
      }
    } catch {
      // no resolv.conf: fall back to what Node knows
    }
  }
  let servers: string[] = [];
  try {
    servers = getServers().slice(0, 16);
  } catch {
    // none known
  }
  return { servers, source: 'dns.getServers()' };
}

export async function collectEnvironment(options: EnvironmentOptions = {}): Promise<EnvironmentFacts> {
  const socket = options.agentSocket === undefined ? (process.env.SSH_AUTH_SOCK ?? (process.platform === 'win32' ? 'pageant' : null)) : options.agentSocket;
  const versions: Record<string, string> = { node: process.versions.node, ssh2: ssh2Package.version, sshpk: sshpkPackage.version };
  for (const name of ['electron', 'chrome', 'v8', 'openssl'] as const) {
    const v = process.versions[name as keyof NodeJS.ProcessVersions];
    if (typeof v === 'string') versions[name] = v;
  }
  let osVersion = '';
  try {
    osVersion = os.version();
  } catch {
    // os.version() is missing on some platforms
  }
  return {
    app: { name: APP_NAME, version: APP_VERSION },
    versions: { ...versions, ...options.versions },
    os: { platform: process.platform, type: os.type(), release: os.release(), version: osVersion, arch: process.arch },
    locale: Intl.DateTimeFormat().resolvedOptions().locale + (process.env.LANG ? ` (LANG=${process.env.LANG})` : ''),
    agent: await probeAgent(socket, options.agentTimeoutMs),
    resolvers: await collectResolvers(),
  };
}
