/**
 * For tests: runs `sftp-doctor` in-process with captured streams (one runner shared by the CLI
 * tests instead of a copy in each file), with or without a terminal.
 */
import { PassThrough } from 'node:stream';
import type { CliIO } from './command';
import { runCli } from './index';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** With `tty`: each setRawMode call (true when echo went off, false when it came back). */
  rawModes: boolean[];
}

export interface CliRunOptions {
  /** The environment the command sees (nothing else of the test process's). */
  env?: NodeJS.ProcessEnv;
  /** What standard input holds (then it ends); default: nothing. Not with `answer`. */
  stdin?: string;
  /** Standard input and standard error are a terminal (stdin can switch echo off). */
  tty?: boolean;
  /** Standard output is a terminal too (spinners, tables). */
  ttyStdout?: boolean;
  /**
   * Called with all of standard error so far each time the command writes to it; `type` sends what
   * a user types (standard input stays open for it). Return true once done, to end the input.
   */
  answer?: (stderrSoFar: string, type: (text: string) => void) => boolean;
  /** Run this instead of the whole CLI (e.g. a command made with injected dependencies). */
  run?: (argv: string[], io: CliIO) => Promise<number>;
}

/**
 * A `cli(argv, env?, stdinText?)` function whose environment starts from `baseEnv()` (read at each
 * call, so it may name a folder made in beforeAll).
 */
export function cliRunner(baseEnv: () => NodeJS.ProcessEnv = () => ({})) {
  return (argv: string[], env: NodeJS.ProcessEnv = {}, stdinText = ''): Promise<CliRun> => runCaptured(argv, { env: { ...baseEnv(), ...env }, stdin: stdinText });
}

/** Runs the CLI once with the given arguments, environment, standard input and terminal. */
export async function runCaptured(argv: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stderr = new PassThrough() as PassThrough & { isTTY?: boolean };
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (on: boolean) => void };
  const rawModes: boolean[] = [];
  if (opts.tty) {
    stdin.isTTY = true;
    stderr.isTTY = true;
    stdin.setRawMode = (on) => rawModes.push(on);
  }
  if (opts.ttyStdout) stdout.isTTY = true;
  let out = '';
  let err = '';
  let answered = false;
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (opts.answer && !answered && opts.answer(err, (text) => setImmediate(() => stdin.write(text))) === true) {
      answered = true;
      setImmediate(() => stdin.end());
    }
  });
  if (!opts.answer) stdin.end(opts.stdin ?? '');
  const io: CliIO = { stdout, stderr, stdin, env: { ...opts.env } };
  const code = await (opts.run ?? runCli)(argv, io);
  return { code, stdout: out, stderr: err, rawModes };
}
