import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { waitForListen } from './addresses';

export interface Daemon {
  pid: number;
  /** What the server wrote to stderr (its log), the last `logLimit` characters. */
  log(): string;
  /** SIGTERM (SIGKILL after 2 s), then removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a server in the foreground (sshd -D, dropbear -F), keeps its stderr as the log, and
 * resolves once it listens on host:port. If it dies or does not listen in time, the error
 * carries its log.
 */
export async function startDaemon(command: string, args: string[], opts: { host: string; port: number; dir: string; logLimit: number }): Promise<Daemon> {
  let output = '';
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    output = (output + d).slice(-opts.logLimit);
  });
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  try {
    await waitForListen(opts.host, opts.port, 5000, () => !exited);
  } catch (err) {
    if (!exited) child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${output}`, { cause: err });
  }
  return {
    pid: child.pid ?? -1,
    log: () => output,
    async stop() {
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => child.pid !== undefined && !exited && child.kill('SIGKILL'), 2000);
        await exitPromise;
        clearTimeout(timer);
      }
      await fs.rm(opts.dir, { recursive: true, force: true });
    },
  };
}
