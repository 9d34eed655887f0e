import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { runCli } from './index';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, out: () => out, err: () => err };
}

describe('sftp-doctor', () => {
  it('--version prints the package version', async () => {
    const t = io();
    expect(await runCli(['--version'], t.io)).toBe(0);
    expect(t.out().trim()).toBe(pkg.version);
  });

  it('--help lists every command with a summary', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    for (const name of ['diagnose', 'keys', 'sites', 'ui']) expect(t.out()).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
  });

  it('no command: shows the help and exits 2 (a usage error)', async () => {
    const t = io();
    expect(await runCli([], t.io)).toBe(2);
    expect(t.out()).toContain('Usage: sftp-doctor <command>');
  });

  it('an unknown command says what to do instead, exit 2', async () => {
    const t = io();
    expect(await runCli(['conect'], t.io)).toBe(2);
    expect(t.err()).toMatch(/unknown command "conect"[\s\S]*--help/);
  });

  it('an unknown option gets the command usage and exit 2, not a stack trace', async () => {
    const t = io();
    expect(await runCli(['ui', '--bogus'], t.io)).toBe(2);
    expect(t.err()).toMatch(/Usage: sftp-doctor ui/);
    expect(t.err()).not.toMatch(/\n\s+at /);
  });
});
