/**
 * Each claim of keyToolIssues held to the programs themselves: OpenSSH's `ssh-keygen -y` (it
 * loads a private key exactly as ssh does, mode check included) and `puttygen` (PuTTY's key
 * loader). For every variant: an OpenSSH issue is reported exactly when ssh-keygen refuses the
 * file, a PuTTY issue exactly when puttygen does; and the cleaned text is read by that program.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanKeyText, inspectKey, keyToolIssues } from './index';

const run = promisify(execFile);
const PASS = 'portable pass 1';

async function ok(cmd: string, args: string[]): Promise<boolean> {
  return run(cmd, args, { timeout: 20_000 }).then(
    () => true,
    () => false,
  );
}

let dir: string;
let passFile: string;
const base: Record<string, Buffer> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'key-portability-'));
  passFile = path.join(dir, 'pass');
  await writeFile(passFile, PASS);
  const gen = async (name: string, args: string[]) => {
    await run('ssh-keygen', ['-q', ...args, '-C', '', '-f', path.join(dir, name)]);
    base[name] = await readFile(path.join(dir, name));
  };
  await Promise.all([gen('ed', ['-t', 'ed25519', '-N', '']), gen('ed-enc', ['-t', 'ed25519', '-N', PASS, '-a', '4']), gen('rsa-pem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '']), gen('rsa-p8enc', ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8', '-N', PASS])]);
  await run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path.join(dir, 'ed-p8')]);
  base['ed-p8'] = await readFile(path.join(dir, 'ed-p8'));
  await run('puttygen', [path.join(dir, 'ed'), '-O', 'private', '-o', path.join(dir, 'ed.ppk'), '--new-passphrase', passFile, '--ppk-param', 'passes=1']);
  base['ed.ppk'] = await readFile(path.join(dir, 'ed.ppk'));
  await run('puttygen', [path.join(dir, 'rsa-pem'), '-O', 'private-sshcom', '-o', path.join(dir, 'rsa.sshcom'), '--new-passphrase', '/dev/null']);
  base['rsa.sshcom'] = await readFile(path.join(dir, 'rsa.sshcom'));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
const bom = (b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
const indent = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/^/gm, '    ').replace(/ +$/, ''), 'latin1');
const trailing = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\n/g, '  \n'), 'latin1');

interface Variant {
  name: string;
  from: string;
  change?: (b: Buffer) => Buffer;
  mode?: number;
  /** What keyToolIssues must say ("problem/tool"). */
  expected: string[];
}

const VARIANTS: Variant[] = [
  { name: 'OpenSSH, as ssh-keygen wrote it', from: 'ed', expected: [] },
  { name: 'OpenSSH with CRLF line ends', from: 'ed', change: crlf, expected: ['text/openssh'] },
  { name: 'OpenSSH with a BOM', from: 'ed', change: bom, expected: ['text/openssh'] },
  { name: 'OpenSSH with spaces at line ends', from: 'ed', change: trailing, expected: ['text/openssh'] },
  { name: 'OpenSSH, encrypted, with CRLF', from: 'ed-enc', change: crlf, expected: ['text/openssh'] },
  { name: 'OpenSSH, mode 644', from: 'ed', mode: 0o644, expected: ['mode/openssh'] },
  { name: 'OpenSSH, mode 640, CRLF', from: 'ed', mode: 0o640, change: crlf, expected: ['text/openssh', 'mode/openssh'] },
  { name: 'OpenSSH, mode 400', from: 'ed', mode: 0o400, expected: [] },
  { name: 'PEM with CRLF and a BOM (OpenSSL reads them)', from: 'rsa-pem', change: (b) => bom(crlf(b)), expected: [] },
  { name: 'PEM with spaces at line ends', from: 'rsa-pem', change: trailing, expected: [] },
  { name: 'PEM, indented', from: 'rsa-pem', change: indent, expected: ['text/openssh'] },
  { name: 'encrypted PKCS#8 RSA', from: 'rsa-p8enc', expected: [] },
  { name: 'PKCS#8 Ed25519', from: 'ed-p8', expected: ['format/openssh'] },
  { name: 'PPK v3, encrypted', from: 'ed.ppk', expected: ['format/openssh'] },
  { name: 'PPK v3 with CRLF (PuTTY reads it)', from: 'ed.ppk', change: crlf, expected: ['format/openssh'] },
  { name: 'PPK v3 with a BOM', from: 'ed.ppk', change: bom, expected: ['format/openssh', 'text/putty'] },
  { name: 'PPK v3 with spaces at line ends', from: 'ed.ppk', change: trailing, expected: ['format/openssh', 'text/putty'] },
  { name: 'ssh.com', from: 'rsa.sshcom', expected: ['format/openssh'] },
  { name: 'ssh.com, mode 644 (OpenSSH cannot read it anyway)', from: 'rsa.sshcom', mode: 0o644, expected: ['format/openssh'] },
];

let n = 0;
async function place(bytes: Buffer | string, mode: number): Promise<string> {
  const file = path.join(dir, `v${n++}`);
  await writeFile(file, bytes, { mode });
  await chmod(file, mode);
  return file;
}

const opensshReads = (file: string) => ok('ssh-keygen', ['-y', '-P', PASS, '-f', file]);
const puttyReads = (file: string) => ok('puttygen', [file, '--old-passphrase', passFile, '-O', 'public-openssh']);

describe('keyToolIssues agrees with ssh-keygen and puttygen', () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const bytes = v.change ? v.change(base[v.from]!) : base[v.from]!;
    const mode = v.mode ?? 0o600;
    const file = await place(bytes, mode);
    const info = await inspectKey(bytes, { passphrase: PASS });
    expect(info.kind).toBe('private');
    const issues = keyToolIssues({ format: info.format, type: info.type, repairs: info.repairs, mode, ownedByMe: true });
    expect(issues.map((i) => `${i.problem}/${i.tool}`)).toEqual(v.expected);

    // The oracles: each program refuses the file exactly when an issue names it.
    const putty = v.from.endsWith('.ppk');
    expect(await opensshReads(file), 'ssh-keygen -y').toBe(!issues.some((i) => i.tool === 'openssh'));
    if (putty) expect(await puttyReads(file), 'puttygen').toBe(!issues.some((i) => i.tool === 'putty'));

    // The cleaned text (what the fix writes in place) is read by the program that refused it.
    if (issues.some((i) => i.problem === 'text')) {
      const clean = cleanKeyText(bytes)!;
      const cleanFile = await place(clean, 0o600);
      if (putty) expect(await puttyReads(cleanFile), 'puttygen on the cleaned file').toBe(true);
      else expect(await opensshReads(cleanFile), 'ssh-keygen -y on the cleaned file').toBe(true);
      const again = await inspectKey(clean, { passphrase: PASS });
      expect(again.fingerprint_sha256).toBe(info.fingerprint_sha256);
      expect(again.encrypted).toBe(info.encrypted);
      expect(again.repairs).toEqual([]);
    }
  });

  it('an encrypted key stays encrypted once its text is cleaned: ssh-keygen needs the passphrase', async () => {
    const file = await place(cleanKeyText(crlf(base['ed-enc']!))!, 0o600);
    expect(await ok('ssh-keygen', ['-y', '-P', '', '-f', file])).toBe(false);
    expect(await opensshReads(file)).toBe(true);
  });

  it('a file of another account is not held to its mode (OpenSSH checks only its own user\'s keys)', () => {
    expect(keyToolIssues({ format: 'openssh', type: 'ssh-ed25519', repairs: [], mode: 0o644, ownedByMe: false })).toEqual([]);
  });

  it('a passphrase trimmed of its spaces is not a change of the file', async () => {
    const info = await inspectKey(base['ed-enc']!, { passphrase: ` ${PASS}\n` });
    expect(info.repairs.length).toBe(1);
    expect(keyToolIssues({ format: info.format, type: info.type, repairs: info.repairs })).toEqual([]);
  });

});
