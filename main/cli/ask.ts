/** Line questions on the terminal, shared by the commands (hidden input is diagnose's readHidden). */
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { CliIO } from './command';

/** Writes `question` to `out` (default standard error) and reads one line ('' when the input ends). */
export async function askLine(io: CliIO, question: string, out: Writable = io.stderr): Promise<string> {
  out.write(question);
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    return await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
  } finally {
    rl.close();
  }
}

/** A yes/no question: only "y" or "yes" (any case) is yes; anything else, or no answer, is no. */
export async function askYesNo(io: CliIO, question: string, out: Writable = io.stderr): Promise<boolean> {
  return /^\s*y(es)?\s*$/i.test(await askLine(io, question, out));
}
