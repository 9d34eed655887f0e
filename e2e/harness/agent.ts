import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { harnessTempDir } from './sshd';

const run = promisify(execFile);

export interface TestAgent {
  /** The agent's socket: give it as SSH_AUTH_SOCK (or DiagnoseOptions.agentSocket). */
  socket: string;
  pid: number;
  /** Loads private key files into the agent (ssh-add). */
  add(...keyFiles: string[]): Promise<void>;
  /** Removes every key from the agent (ssh-add -D). */
  removeAll(): Promise<void>;
  /** Fingerprints the agent holds, as `ssh-add -l` prints them. */
  list(): Promise<string[]>;
  stop(): Promise<void>;
}

export function agentAvailable(): { ok: boolean; reason: string } {
  if (!existsSync('/usr/bin/ssh-agent') || !existsSync('/usr/bin/ssh-add')) return { ok: false, reason: 'ssh-agent/ssh-add are missing (install openssh-client)' };
  return { ok: true, reason: '' };
}

/** Starts a private ssh-agent (`ssh-agent -D -a SOCKET`) and stops it by PID. */
export async function startAgent(): Promise<TestAgent> {
  const dir = await fs.mkdtemp(path.join(harnessTempDir(), 'agent-'));
  const socket = path.join(dir, 'agent.sock');
  const child: ChildProcess = spawn('/usr/bin/ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'ignore', 'ignore'] });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  for (let i = 0; i < 100 && !existsSync(socket); i++) {
    if (exited) throw new Error('ssh-agent exited at once');
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!existsSync(socket)) throw new Error('ssh-agent did not create its socket');
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  return {
    socket,
    pid: child.pid ?? -1,
    async add(...keyFiles) {
      if (keyFiles.length) await run('/usr/bin/ssh-add', ['-q', ...keyFiles], { env });
    },
    async removeAll() {
      await run('/usr/bin/ssh-add', ['-q', '-D'], { env });
    },
    async list() {
      const r = await run('/usr/bin/ssh-add', ['-l'], { env }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      return r.stdout.split('\n').map((l) => l.split(/\s+/)[1] ?? '').filter((f) => f.startsWith('SHA256:'));
    },
    async stop() {
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await exitPromise;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
