import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, GuidanceError, UsageError, type CliIO } from './command';
import { commands } from './commands/index';
import { APP_NAME, APP_VERSION } from '../common/version';

async function mainHelp(): Promise<string> {
  const width = Math.max(...commands.map((c) => c.name.length));
  const loaded = await Promise.all(commands.map((c) => c.load()));
  const lines = loaded.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    `${APP_NAME} ${APP_VERSION} - finds out why an SFTP connection fails and how to fix it.`,
    '',
    'Usage: sftp-doctor <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     Show this help (or a command\'s help: sftp-doctor <command> --help)',
    '  -v, --version  Print the version',
    '',
  ].join('\n');
}

/** Runs the CLI with the given arguments (without "node script"). Returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const entry = topic ? commands.find((c) => c.name === topic) : undefined;
    io.stdout.write(entry ? `${(await entry.load()).usage}\n` : await mainHelp());
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '-v' || first === '--version') {
    io.stdout.write(`${APP_VERSION}\n`);
    return EXIT_OK;
  }
  const entry = commands.find((c) => c.name === first);
  if (!entry) {
    const guess = closest(first, commands.map((c) => c.name));
    return usageError(io, argv, 'sftp-doctor', `unknown command "${first}".`, guess, 'Usage: sftp-doctor <command> [options]', 'sftp-doctor --help');
  }
  const cmd = await entry.load();
  if (rest.includes('-h') || rest.includes('--help')) {
    io.stdout.write(`${cmd.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      // The short usage line and a guess at what was meant, not the whole help.
      const message = (err as Error).message;
      const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
      const known = [...new Set(cmd.usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
      const guess = unknown ? closest(unknown.split('=')[0]!, known) : undefined;
      const shortMessage = unknown ? `unknown option "${unknown}".` : message;
      return usageError(io, argv, `sftp-doctor ${cmd.name}`, shortMessage, guess, cmd.usage.split('\n')[0]!, `sftp-doctor ${cmd.name} --help`);
    }
    if (err instanceof GuidanceError) {
      if (rest.includes('--json')) io.stdout.write(`${JSON.stringify({ ok: false, error: { kind: 'not-sftp', message: err.message } }, null, 2)}\n`);
      else io.stderr.write(`sftp-doctor ${cmd.name}: ${err.message}\n`);
      return EXIT_PROBLEM;
    }
    // A file that could not be written says which, where and what to do: not an "unexpected error".
    const { userFacingMessage } = await import('../services/errors');
    const refusal = userFacingMessage(err);
    if (refusal !== null) {
      io.stderr.write(`sftp-doctor ${cmd.name}: ${refusal}\n`);
      return EXIT_PROBLEM;
    }
    // Never a stack trace for the user: one sentence and where to go next.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`sftp-doctor ${cmd.name}: unexpected error: ${message}\nPlease report this with the command you ran (sftp-doctor --version: ${APP_VERSION}).\n`);
    if (io.env.SFTP_DOCTOR_DEBUG) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return EXIT_PROBLEM;
  }
}

/** A usage error: one message, a guess when there is one, the short usage line; with --json, as JSON on stdout. */
function usageError(io: CliIO, argv: string[], who: string, message: string, guess: string | undefined, usageLine: string, helpCommand: string): number {
  if (argv.includes('--json')) {
    io.stdout.write(`${JSON.stringify({ ok: false, error: { kind: 'usage', message, ...(guess ? { didYouMean: guess } : {}), usage: usageLine } }, null, 2)}\n`);
    return EXIT_USAGE;
  }
  io.stderr.write(`${who}: ${message}${guess ? ` Did you mean "${guess}"?` : ''}\n${usageLine}\nRun "${helpCommand}" for all options.\n`);
  return EXIT_USAGE;
}

/** The candidate nearest to what was typed (edit distance at most 2, or a third of its length), if any. */
function closest(typed: string, candidates: string[]): string | undefined {
  const t = typed.toLowerCase().slice(0, 64);
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(t.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(t, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Re-exported for commands that parse their own options the same way. */
export { parseArgs };
