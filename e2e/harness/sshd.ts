import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackAddress, freePort } from './addresses';
import { startDaemon } from './daemon';

const run = promisify(execFile);

export const SSHD_PATH = '/usr/sbin/sshd';
export const SSH_KEYGEN_PATH = '/usr/bin/ssh-keygen';

export type HostKeyType = 'ed25519' | 'ecdsa' | 'rsa' | 'dsa';

export interface GeneratedKey {
  /** OpenSSH key type name, e.g. "ssh-ed25519". */
  type: string;
  /** Private key file. */
  path: string;
  /** "<type> <base64>" as in a .pub file, without comment. */
  publicKey: string;
  /** As printed by `ssh-keygen -l` (the oracle): "SHA256:..." and "MD5:aa:bb:...". */
  sha256: string;
  md5: string;
}

export interface SshdOptions {
  /** Loopback address to listen on; default a fresh random 127.x.y.z. */
  host?: string;
  /** Port; default a random free port > 20000. */
  port?: number;
  /** Host keys to generate; default ed25519, ecdsa, rsa. */
  hostKeyTypes?: HostKeyType[];
  /** Generate new host keys for this server instead of the per-process shared ones. */
  freshHostKeys?: boolean;
  /**
   * sshd_config keywords, overriding the harness defaults. A string[] value writes the keyword
   * once per item; null removes a default (e.g. { Subsystem: null } for "no SFTP subsystem").
   */
  config?: Record<string, string | string[] | null>;
  /** Raw lines appended at the end (Match blocks and the like). */
  extraConfig?: string;
  /**
   * A PAM stack of its own (the text of an /etc/pam.d file). OpenSSH 9.2 names its PAM service
   * after the program, so the harness runs sshd through a link with a unique name and writes
   * /etc/pam.d/<that name>, removed again by stop(). Implies UsePAM yes.
   */
  pam?: string;
}

export interface SshdServer {
  host: string;
  port: number;
  pid: number;
  hostKeys: GeneratedKey[];
  dir: string;
  configPath: string;
  /** What sshd printed so far (-e: its log goes to stderr). */
  log(): string;
  stop(): Promise<void>;
}

/** True when this machine can run the real-server tests (sshd and ssh-keygen present, root). */
export function sshdAvailable(): { ok: boolean; reason: string } {
  if (!existsSync(SSHD_PATH)) return { ok: false, reason: `${SSHD_PATH} is missing (install openssh-server; .ci/run does)` };
  if (!existsSync(SSH_KEYGEN_PATH)) return { ok: false, reason: `${SSH_KEYGEN_PATH} is missing (install openssh-client)` };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'sshd tests need root (sshd refuses to run as another user with these configs)' };
  return { ok: true, reason: '' };
}

let scratchRoot: string | undefined;
/** A private temporary folder for this process (removed at exit). */
export function harnessTempDir(): string {
  if (!scratchRoot) {
    removeStaleScratch();
    scratchRoot = path.join(os.tmpdir(), `sftp-doctor-harness-${process.pid}-${Date.now().toString(36)}`);
    mkdirSync(scratchRoot, { recursive: true, mode: 0o700 });
    const root = scratchRoot;
    process.once('exit', () => {
      try {
        rmSync(root, { recursive: true, force: true });
      } catch {
        // best effort
      }
    });
  }
  return scratchRoot;
}

/** Test workers killed by their runner never reach 'exit': remove folders of processes that are gone. */
function removeStaleScratch(): void {
  try {
    for (const name of readdirSync(os.tmpdir())) {
      const m = /^sftp-doctor-harness-(\d+)-/.exec(name);
      if (!m) continue;
      try {
        process.kill(Number(m[1]), 0);
      } catch {
        rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      }
    }
  } catch {
    // best effort
  }
}

async function mkTemp(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(harnessTempDir(), prefix));
}

/** Generates a key pair with ssh-keygen and reads its fingerprints from ssh-keygen -l (the oracle). */
export async function generateKey(type: HostKeyType, dir?: string, name?: string): Promise<GeneratedKey> {
  const folder = dir ?? (await mkTemp('key-'));
  const file = path.join(folder, name ?? `id_${type}`);
  const args = ['-q', '-t', type, '-N', '', '-C', '', '-f', file];
  if (type === 'rsa') args.splice(1, 0, '-b', '3072');
  await run(SSH_KEYGEN_PATH, args);
  return describeKey(file);
}

/** Fingerprints and public key of an existing key file, from ssh-keygen itself. */
export async function describeKey(file: string): Promise<GeneratedKey> {
  const pub = (await fs.readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/);
  const sha = (await run(SSH_KEYGEN_PATH, ['-l', '-E', 'sha256', '-f', `${file}.pub`])).stdout.trim().split(/\s+/)[1] ?? '';
  const md5 = (await run(SSH_KEYGEN_PATH, ['-l', '-E', 'md5', '-f', `${file}.pub`])).stdout.trim().split(/\s+/)[1] ?? '';
  return { type: pub[0] ?? '', path: file, publicKey: `${pub[0]} ${pub[1]}`, sha256: sha, md5 };
}

const sharedKeys = new Map<HostKeyType, Promise<GeneratedKey>>();
function sharedHostKey(type: HostKeyType): Promise<GeneratedKey> {
  let p = sharedKeys.get(type);
  if (!p) {
    p = mkTemp('hostkeys-').then((dir) => generateKey(type, dir, `ssh_host_${type}_key`));
    sharedKeys.set(type, p);
  }
  return p;
}

let pamServices = 0;

const DEFAULT_CONFIG: Record<string, string | string[]> = {
  PidFile: 'none',
  UsePAM: 'no',
  StrictModes: 'no',
  PasswordAuthentication: 'yes',
  KbdInteractiveAuthentication: 'no',
  PubkeyAuthentication: 'yes',
  PermitRootLogin: 'no',
  Subsystem: 'sftp internal-sftp',
  LogLevel: 'VERBOSE',
  MaxStartups: '100',
  LoginGraceTime: '30',
  UseDNS: 'no',
};

/**
 * Starts a real OpenSSH sshd (`sshd -D -e -f <config>`) on its own loopback address and waits until
 * it accepts connections. Stop it with stop() (by PID).
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdServer> {
  const avail = sshdAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const host = options.host ?? freeLoopbackAddress();
  const port = options.port ?? (await freePort(host));
  const dir = await mkTemp('sshd-');
  const types = options.hostKeyTypes ?? ['ed25519', 'ecdsa', 'rsa'];
  const hostKeys = await Promise.all(types.map((t) => (options.freshHostKeys ? generateKey(t, dir, `ssh_host_${t}_key`) : sharedHostKey(t))));

  const merged: Record<string, string | string[] | null> = { ...DEFAULT_CONFIG, ...(options.pam !== undefined ? { UsePAM: 'yes' } : {}), ...(options.config ?? {}) };
  const lines = [`ListenAddress ${host}:${port}`, ...hostKeys.map((k) => `HostKey ${k.path}`)];
  for (const [key, value] of Object.entries(merged)) {
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${key} ${v}`);
  }
  if (options.extraConfig) lines.push(options.extraConfig);
  const configPath = path.join(dir, 'sshd_config');
  await fs.writeFile(configPath, `${lines.join('\n')}\n`, { mode: 0o600 });
  // Fail fast with sshd's own words on a bad config.
  try {
    await run(SSHD_PATH, ['-t', '-f', configPath]);
  } catch (err) {
    throw new Error(`sshd rejected the generated config: ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err });
  }

  let program = SSHD_PATH;
  let pamFile: string | null = null;
  if (options.pam !== undefined) {
    const service = `sftpdoctor-${process.pid}-${++pamServices}`;
    pamFile = path.join('/etc/pam.d', service);
    await fs.writeFile(pamFile, options.pam, { mode: 0o644 });
    program = path.join(dir, service);
    await fs.symlink(SSHD_PATH, program);
  }
  const daemon = await startDaemon(program, ['-D', '-e', '-f', configPath], { host, port, dir, logLimit: 200_000 }).catch(async (err: unknown) => {
    if (pamFile) await fs.rm(pamFile, { force: true });
    throw err;
  });
  const removePam = pamFile;
  return {
    host,
    port,
    pid: daemon.pid,
    hostKeys,
    dir,
    configPath,
    log: daemon.log,
    async stop() {
      await daemon.stop();
      if (removePam) await fs.rm(removePam, { force: true });
    },
  };
}

export interface TestUser {
  name: string;
  password?: string;
  shell?: string;
}

/** Creates (or updates) a local Unix user for sshd tests. Needs root. Idempotent. */
export async function ensureUser(user: TestUser): Promise<{ name: string; home: string }> {
  const exists = await run('id', ['-u', user.name]).then(() => true, () => false);
  if (!exists) {
    await run('useradd', ['-m', '-s', user.shell ?? '/bin/sh', user.name]).catch(async (err: unknown) => {
      // A concurrent test may have created it in the meantime.
      if (!(await run('id', ['-u', user.name]).then(() => true, () => false))) throw err;
    });
  } else if (user.shell) {
    await run('usermod', ['-s', user.shell, user.name]);
  }
  if (user.password !== undefined) {
    await new Promise<void>((resolve, reject) => {
      const p = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd failed: ${err}`))));
      p.stdin.end(`${user.name}:${user.password}\n`);
    });
  }
  const home = (await run('getent', ['passwd', user.name])).stdout.split(':')[5] ?? `/home/${user.name}`;
  return { name: user.name, home };
}
