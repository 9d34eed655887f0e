import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { runCaptured } from './test-cli';

describe('sftp-doctor', () => {
  it('--version prints the package version', async () => {
    const r = await runCaptured(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every command with a summary', async () => {
    const r = await runCaptured(['--help']);
    expect(r.code).toBe(0);
    for (const name of ['diagnose', 'keys', 'sites', 'ui']) expect(r.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
  });

  it('no command: shows the help and exits 2 (a usage error)', async () => {
    const r = await runCaptured([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: sftp-doctor <command>');
  });

  it('an unknown command says what to do instead, exit 2', async () => {
    const r = await runCaptured(['conect']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "conect"[\s\S]*--help/);
  });

  it('an unknown option gets the command usage and exit 2, not a stack trace', async () => {
    const r = await runCaptured(['ui', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: sftp-doctor ui/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
