/**
 * CLI start-up: `sftp-doctor --version` (and `--help`) against `node -e 0`, the floor any Node
 * program pays, in the same run. Budget: --version under 150 ms where `node -e 0` takes 90 ms,
 * i.e. at most 60 ms above Node's own start (so a loaded machine does not change the verdict).
 * Median of repeated runs. `--version` is answered by the command before the bundle loads; what a
 * command's start costs with the bundle and its packages loaded is printed beside it:
 * `diagnose --help` (the bundle and the diagnose command; the engine and ssh2 load when it runs)
 * and `--help` (every command loaded for its summary line).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface StartupBench {
  nodeMs: number;
  versionMs: number;
  helpMs: number;
  diagnoseHelpMs: number;
  budgetMs: number;
  ok: boolean;
}

function medianMs(runs: number, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0 && args[0] !== '-e') throw new Error(`${args.join(' ')} exited with ${r.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function benchStartup(runs = 15, overNodeMs = 60): StartupBench {
  const bin = path.join(__dirname, '..', 'main', 'cli', 'sftp-doctor.cjs');
  medianMs(2, [bin, '--version']); // warm the file cache
  const nodeMs = medianMs(runs, ['-e', '0']);
  const versionMs = medianMs(runs, [bin, '--version']);
  const helpMs = medianMs(runs, [bin, '--help']);
  const diagnoseHelpMs = medianMs(runs, [bin, 'diagnose', '--help']);
  return { nodeMs, versionMs, helpMs, diagnoseHelpMs, budgetMs: nodeMs + overNodeMs, ok: versionMs < nodeMs + overNodeMs };
}

if (process.argv[1] && /bench-startup\.ts$/.test(process.argv[1])) {
  const b = benchStartup();
  console.log(`${b.ok ? 'PASS' : 'FAIL'}  sftp-doctor --version ${b.versionMs.toFixed(0)} ms, --help ${b.helpMs.toFixed(0)} ms, diagnose --help ${b.diagnoseHelpMs.toFixed(0)} ms, node -e 0 ${b.nodeMs.toFixed(0)} ms (budget --version < node -e 0 + 60 ms = ${b.budgetMs.toFixed(0)} ms)`);
  process.exitCode = b.ok ? 0 : 1;
}
