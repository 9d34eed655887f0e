/**
 * For tests: runs `sftp-doctor` in-process with captured streams (one runner shared by the CLI
 * tests instead of a copy in each file).
 */
import { PassThrough, Readable } from 'node:stream';
import type { CliIO } from './command';
import { runCli } from './index';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Added to (and overriding) the runner's base environment. */
  env?: NodeJS.ProcessEnv;
  /** What standard input holds (then it ends); default: nothing. */
  stdin?: string;
}

/**
 * A `cli(argv, env?, stdinText?)` function whose environment starts from `baseEnv()` (read at each
 * call, so it may name a folder made in beforeAll).
 */
export function cliRunner(baseEnv: () => NodeJS.ProcessEnv = () => ({})) {
  return (argv: string[], env: NodeJS.ProcessEnv = {}, stdinText = ''): Promise<CliRun> => runCaptured(argv, { env: { ...baseEnv(), ...env }, stdin: stdinText });
}

/** Runs the CLI once with the given arguments, environment and standard input. */
export async function runCaptured(argv: string[], opts: CliRunOptions = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIO = { stdout, stderr, stdin: Readable.from(opts.stdin ? [Buffer.from(opts.stdin)] : []), env: { ...opts.env } };
  const code = await runCli(argv, io);
  return { code, stdout: out, stderr: err };
}
