import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureUser } from './sshd';

const run = promisify(execFile);

export interface AccountSetup {
  name: string;
  password?: string;
  /** Login shell (must exist; dropbear also wants it in /etc/shells). Default /bin/sh. */
  shell?: string;
  /** Lines of ~/.ssh/authorized_keys ("<type> <base64>"); absent: no ~/.ssh at all. */
  authorizedKeys?: string[];
  /** Modes (defaults 755 / 700 / 600) and the owner of authorized_keys (default the user). */
  homeMode?: number;
  sshDirMode?: number;
  /**
   * Group of ~/.ssh (default the user's own). Debian's OpenSSH accepts a group-writable ~/.ssh when
   * the group is the user's private one; a shared group (e.g. "users") makes StrictModes refuse it.
   */
  sshDirGroup?: string;
  authorizedKeysMode?: number;
  authorizedKeysOwner?: string;
  /** Files in the home folder, e.g. { '.bashrc': 'echo hello\n' }. Every other dot file is removed. */
  files?: Record<string, string>;
  /** Expire the password now (`chage -d 0`): the next login must set a new one. */
  expirePassword?: boolean;
}

/**
 * Creates or resets a Unix test account to exactly this state (idempotent: re-running gives the
 * same home, keys and password). Needs root. Use a name of its own per scenario.
 */
export async function setupAccount(a: AccountSetup): Promise<{ name: string; home: string; uid: number }> {
  const { home } = await ensureUser({ name: a.name, ...(a.password !== undefined ? { password: a.password } : {}), shell: a.shell ?? '/bin/sh' });
  const uid = Number((await run('id', ['-u', a.name])).stdout.trim());
  const gid = Number((await run('id', ['-g', a.name])).stdout.trim());
  await fs.mkdir(home, { recursive: true });
  for (const entry of await fs.readdir(home)) {
    if (entry.startsWith('.')) await fs.rm(path.join(home, entry), { recursive: true, force: true });
  }
  await fs.chown(home, uid, gid);
  await fs.chmod(home, a.homeMode ?? 0o755);
  for (const [rel, content] of Object.entries(a.files ?? {})) {
    const file = path.join(home, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
    await fs.chown(file, uid, gid);
  }
  if (a.authorizedKeys) {
    const dir = path.join(home, '.ssh');
    await fs.mkdir(dir, { recursive: true });
    const dirGid = a.sshDirGroup ? Number((await run('getent', ['group', a.sshDirGroup])).stdout.split(':')[2]) : gid;
    await fs.chown(dir, uid, dirGid);
    await fs.chmod(dir, a.sshDirMode ?? 0o700);
    const ak = path.join(dir, 'authorized_keys');
    await fs.writeFile(ak, a.authorizedKeys.map((l) => `${l}\n`).join(''));
    const owner = a.authorizedKeysOwner ? Number((await run('id', ['-u', a.authorizedKeysOwner])).stdout.trim()) : uid;
    await fs.chown(ak, owner, gid);
    await fs.chmod(ak, a.authorizedKeysMode ?? 0o600);
  }
  if (a.expirePassword) await run('chage', ['-d', '0', a.name]);
  else await run('chage', ['-d', String(Math.floor(Date.now() / 86_400_000)), '-M', '99999', a.name]);
  return { name: a.name, home, uid };
}
