import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, UsageError, type CliIO } from './command';
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
    io.stderr.write(`sftp-doctor: unknown command "${first}". Run "sftp-doctor --help" to see the commands.\n`);
    return EXIT_USAGE;
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
      io.stderr.write(`sftp-doctor ${cmd.name}: ${(err as Error).message}\n\n${cmd.usage}\n`);
      return EXIT_USAGE;
    }
    // A file that could not be written says which, where and what to do: not an "unexpected error".
    const { FileWriteError } = await import('../store/atomic-file');
    const { SiteStoreError } = await import('../store/sites');
    if (err instanceof FileWriteError || err instanceof SiteStoreError) {
      io.stderr.write(`sftp-doctor ${cmd.name}: ${err.message}\n`);
      return EXIT_PROBLEM;
    }
    // Never a stack trace for the user: one sentence and where to go next.
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`sftp-doctor ${cmd.name}: unexpected error: ${message}\nPlease report this with the command you ran (sftp-doctor --version: ${APP_VERSION}).\n`);
    if (io.env.SFTP_DOCTOR_DEBUG) io.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return EXIT_PROBLEM;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Re-exported for commands that parse their own options the same way. */
export { parseArgs };
