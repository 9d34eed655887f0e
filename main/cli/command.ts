import type { Readable, Writable } from 'node:stream';

/** What a command may touch: injected so tests can run commands in-process. */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  /** The subcommand word, e.g. "diagnose" or "keys". */
  name: string;
  /** One line for `sftp-doctor --help`. */
  summary: string;
  /** Full help text for `sftp-doctor <name> --help`. */
  usage: string;
  /** Returns the exit code: 0 success, 1 problem found, 2 usage error. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Not a mistake in the call but a target we do not handle (e.g. ftp://): guidance, exit code 1, no usage. */
export class GuidanceError extends Error {
  override readonly name = 'GuidanceError';
}

export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;
/** Ended by Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;
