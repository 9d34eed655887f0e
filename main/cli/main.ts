// Entry of the bundled CLI (dist/cli.cjs): run with the process's own streams. Only what every
// run needs is loaded here; the command line reader and each command (with ssh2, zod...) are
// loaded when used, so `sftp-doctor --version` starts about as fast as Node itself.
import { EXIT_INTERRUPTED, EXIT_PROBLEM } from './command';
import { APP_VERSION } from '../common/version';
import { terminalSafe } from '../../shared/visible';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '-v' || argv[0] === '--version')) {
  process.stdout.write(`${APP_VERSION}\n`);
} else {
  void run();
}

/**
 * The command line reader, for scripts/write-code-cache.cjs: it runs a few commands in the build's
 * own process (help, keys, a diagnose) so that the code cache holds the functions they compile.
 */
export const loadCli = (): Promise<typeof import('./index')> => import('./index');

async function run(): Promise<void> {
  // Last guard before the terminal: whatever a command prints, a control sequence from a server or
  // a file is shown, not obeyed (commands also make each outside value visible where they print it).
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? terminalSafe(chunk) : chunk, ...rest)) as typeof stream.write;
  }

  // `sftp-doctor sites list | head`: once the reader has gone, stop quietly (like any Unix tool)
  // instead of dying with an EPIPE stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }

  // Ctrl-C ends with 130 (128 + SIGINT), as shells expect. A command that handles SIGINT itself
  // (diagnose cancels its run and reports; ui closes its server) gets to wind down first; a second
  // Ctrl-C, or a command without its own handler, ends the process at once.
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted || process.listenerCount('SIGINT') === 1) process.exit(EXIT_INTERRUPTED);
    interrupted = true;
  });

  const { runCli } = await import('./index');
  // Standard input is opened only by a command that reads it (opening it costs a few ms).
  const io = {
    stdout: process.stdout,
    stderr: process.stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
  runCli(argv, io).then(
    (code) => exitWhenWritten(interrupted ? EXIT_INTERRUPTED : code),
    (err: unknown) => {
      process.stderr.write(`sftp-doctor: ${err instanceof Error ? err.message : String(err)}\n`);
      exitWhenWritten(interrupted ? EXIT_INTERRUPTED : EXIT_PROBLEM);
    },
  );
}

/**
 * Ends the process as soon as everything printed has reached standard output and error. A command
 * has finished its work when it returns (files it writes are written before that); what is left
 * is an SSH connection's closing handshake and Node's own tidying of memory, which a script
 * waiting for the exit status does not need (about 10-15 ms of every run).
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const flushed = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
