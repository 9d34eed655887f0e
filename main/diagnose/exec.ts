import type { Client, ClientChannel } from 'ssh2';

/**
 * Runs one command over an exec channel of the logged-in connection, bounded in time and bytes.
 * Used only after something failed (to show what the shell prints, or whether scp exists).
 */
export interface ExecResult {
  /** The channel could not be opened or the command not started (e.g. exec forbidden). */
  error?: string;
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
}

export function runExec(
  client: Client,
  command: string,
  opts: { timeoutMs: number; maxBytes?: number; signal: AbortSignal; onStdout?: (all: Buffer, channel: ClientChannel) => void },
): Promise<ExecResult> {
  const max = opts.maxBytes ?? 8192;
  return new Promise((resolve) => {
    const result: ExecResult = { stdout: Buffer.alloc(0), stderr: '', code: null, signal: null, timedOut: false };
    let channel: ClientChannel | null = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      try {
        channel?.close();
      } catch {
        // already closed
      }
      resolve(result);
    };
    const onAbort = () => {
      result.timedOut = true;
      finish();
    };
    const timer = setTimeout(onAbort, Math.max(1, opts.timeoutMs));
    opts.signal.addEventListener('abort', onAbort, { once: true });
    try {
      client.exec(command, (err, ch) => {
        if (err) {
          result.error = err.message;
          return finish();
        }
        if (settled) {
          ch.close();
          return;
        }
        channel = ch;
        ch.on('data', (d: Buffer) => {
          if (result.stdout.length < max) result.stdout = Buffer.concat([result.stdout, d.subarray(0, max - result.stdout.length)]);
          opts.onStdout?.(result.stdout, ch);
        });
        ch.stderr.on('data', (d: Buffer) => {
          if (result.stderr.length < max) result.stderr += d.toString('utf8').slice(0, max - result.stderr.length);
        });
        ch.on('exit', (code: number | null, signal?: string) => {
          if (typeof code === 'number') result.code = code;
          if (typeof signal === 'string') result.signal = signal;
        });
        ch.on('close', finish);
        ch.on('error', (e: Error) => {
          result.error = e.message;
          finish();
        });
      });
    } catch (err) {
      result.error = (err as Error).message;
      finish();
    }
  });
}

/**
 * Whether scp works: `scp -t .` (receive mode) answers a single zero byte when it is ready and
 * writes nothing when its input ends at once. Anything else (text, an error, no scp) means no.
 */
export async function checkScp(client: Client, timeoutMs: number, signal: AbortSignal): Promise<{ works: boolean; detail: string; output?: string }> {
  const r = await runExec(client, 'scp -t .', {
    timeoutMs,
    maxBytes: 4096,
    signal,
    onStdout: (all, ch) => {
      // Ready (or text in front of it): we have what we need; end its input so it exits.
      if (all.length > 0) ch.end();
    },
  });
  if (r.error) return { works: false, detail: `the server refused to run commands: ${r.error}` };
  const out = r.stdout;
  if (out.length >= 1 && out[0] === 0) return { works: true, detail: 'scp answered and is ready' };
  if (out.length > 0) return { works: false, detail: 'scp did not answer cleanly: text came first', output: out.toString('utf8').slice(0, 2000) };
  const err = r.stderr.trim();
  if (r.code === 127 || /not found|no such file/i.test(err)) return { works: false, detail: `scp is not installed on the server${err ? ` (${err.split('\n')[0]})` : ''}` };
  if (r.timedOut) return { works: false, detail: 'scp did not answer in time' };
  return { works: false, detail: err ? err.split('\n')[0]!.slice(0, 200) : `scp ended with status ${r.code ?? r.signal ?? 'unknown'}` };
}
