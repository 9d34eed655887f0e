// Entry of the bundled CLI (dist/cli.cjs): run with the process's own streams.
import { runCli } from './index';
import { EXIT_PROBLEM } from './command';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sftp-doctor: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_PROBLEM;
  },
);
