/**
 * Test-only helper: builds a corpus of real key files with the real tools (ssh-keygen, puttygen,
 * dropbearkey) in a temp folder, with the fingerprints ssh-keygen -l reports for each.
 * Not part of the product; imported by the *.test.ts files beside it.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyFormat } from '../../shared/keys';

export const PASS = 'correct horse';
export const WRONG = 'wrong horse';

export interface CorpusKey {
  name: string;
  file: string;
  format: KeyFormat;
  type: string;
  bits: number;
  curve: string | null;
  encrypted: boolean;
  /** From ssh-keygen -l (-E md5) of the matching public key. */
  sha256: string;
  md5: string;
  tool: 'ssh-keygen' | 'puttygen' | 'dropbearkey' | 'node';
}

export function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ stdout, stderr, code });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export async function must(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** "256 SHA256:abc comment (ED25519)" -> "SHA256:abc" */
export async function sshKeygenFingerprints(pubFile: string): Promise<{ sha256: string; md5: string }> {
  const sha = (await must('ssh-keygen', ['-l', '-f', pubFile])).split(' ')[1]!;
  const md5 = (await must('ssh-keygen', ['-l', '-E', 'md5', '-f', pubFile])).split(' ')[1]!;
  return { sha256: sha, md5 };
}

async function pool<T>(tasks: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

export interface Corpus {
  dir: string;
  keys: CorpusKey[];
  passFile: string;
  wrongFile: string;
  emptyFile: string;
  byName(name: string): CorpusKey;
  cleanup(): Promise<void>;
}

type Spec = Omit<CorpusKey, 'file' | 'sha256' | 'md5'> & { make: (file: string) => Promise<void> };

const TYPE_OF: Record<string, string> = { ed25519: 'ssh-ed25519', rsa: 'ssh-rsa', dsa: 'ssh-dss', ecdsa: 'ecdsa' };

/**
 * `set`: "full" = every format and size (incl. RSA 4096 once); "small" = one key per format,
 * quick to make (for the mangling and property tests).
 */
export async function buildCorpus(set: 'full' | 'small' = 'full'): Promise<Corpus> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sftp-doctor-keys-'));
  const passFile = path.join(dir, 'pass.txt');
  const wrongFile = path.join(dir, 'wrong.txt');
  const emptyFile = path.join(dir, 'empty.txt');
  await writeFile(passFile, PASS);
  await writeFile(wrongFile, WRONG);
  await writeFile(emptyFile, '');

  const sk = (name: string, t: 'ed25519' | 'rsa' | 'dsa' | 'ecdsa', bits: number, format: KeyFormat, encrypted: boolean, extra: string[] = []): Spec => ({
    name,
    format,
    type: t === 'ecdsa' ? `ecdsa-sha2-nistp${bits}` : TYPE_OF[t]!,
    bits: t === 'ed25519' ? 256 : bits,
    curve: t === 'ecdsa' ? `nistp${bits}` : null,
    encrypted,
    tool: 'ssh-keygen',
    make: async (file) => {
      await must('ssh-keygen', ['-q', '-t', t, ...(t === 'ed25519' ? [] : ['-b', String(bits)]), '-N', encrypted ? PASS : '', '-C', `${name}@corpus`, '-f', file, ...extra]);
    },
  });
  const pg = (name: string, t: 'ed25519' | 'rsa' | 'dsa' | 'ecdsa' | 'rsa1', bits: number, format: KeyFormat, encrypted: boolean, extra: string[] = []): Spec => ({
    name,
    format,
    type: t === 'ecdsa' ? `ecdsa-sha2-nistp${bits}` : t === 'rsa1' ? 'ssh-rsa' : TYPE_OF[t]!,
    bits: t === 'ed25519' ? 256 : bits,
    curve: t === 'ecdsa' ? `nistp${bits}` : null,
    encrypted,
    tool: 'puttygen',
    make: async (file) => {
      const pf = encrypted ? passFile : emptyFile;
      if (format === 'sshcom') {
        await must('puttygen', ['-t', t, '-b', String(bits), '-C', `${name}@corpus`, '-o', `${file}.src.ppk`, '--new-passphrase', emptyFile]);
        await must('puttygen', [`${file}.src.ppk`, '-O', 'private-sshcom', '-o', file, '--new-passphrase', pf]);
        return;
      }
      await must('puttygen', ['-t', t, ...(t === 'ed25519' ? [] : ['-b', String(bits)]), '-C', `${name}@corpus`, '-o', file, '--new-passphrase', pf, ...extra]);
    },
  });
  const db = (name: string, t: 'ed25519' | 'rsa' | 'ecdsa', bits: number): Spec => ({
    name,
    format: 'dropbear',
    type: t === 'ecdsa' ? `ecdsa-sha2-nistp${bits}` : TYPE_OF[t]!,
    bits: t === 'ed25519' ? 256 : bits,
    curve: t === 'ecdsa' ? `nistp${bits}` : null,
    encrypted: false,
    tool: 'dropbearkey',
    make: async (file) => {
      await must('dropbearkey', ['-t', t, ...(t === 'ed25519' ? [] : ['-s', String(bits)]), '-f', file]);
    },
  });
  const nodeEd25519Pkcs8: Spec = {
    name: 'node-ed25519-pkcs8',
    format: 'pem-pkcs8',
    type: 'ssh-ed25519',
    bits: 256,
    curve: null,
    encrypted: false,
    tool: 'node',
    make: async (file) => {
      const { privateKey } = generateKeyPairSync('ed25519');
      await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    },
  };

  const small: Spec[] = [
    sk('ossh-ed25519', 'ed25519', 256, 'openssh', false),
    sk('ossh-ed25519-enc', 'ed25519', 256, 'openssh', true, ['-a', '2']),
    sk('ossh-ecdsa256', 'ecdsa', 256, 'openssh', false),
    sk('pem-rsa2048', 'rsa', 2048, 'pem-pkcs1', false, ['-m', 'PEM']),
    sk('pem-rsa2048-enc', 'rsa', 2048, 'pem-pkcs1', true, ['-m', 'PEM']),
    sk('p8-rsa2048-enc', 'rsa', 2048, 'pem-pkcs8-encrypted', true, ['-m', 'PKCS8']),
    sk('sec1-ecdsa384', 'ecdsa', 384, 'pem-sec1', false, ['-m', 'PEM']),
    pg('ppk3-ed25519', 'ed25519', 256, 'ppk-v3', false),
    pg('ppk3-ecdsa256-enc', 'ecdsa', 256, 'ppk-v3', true, ['--ppk-param', 'passes=2']),
    pg('ppk2-rsa2048-enc', 'rsa', 2048, 'ppk-v2', true, ['--ppk-param', 'version=2']),
    pg('ssh1-rsa1024-enc', 'rsa1', 1024, 'ssh1', true),
    pg('sshcom-rsa2048-enc', 'rsa', 2048, 'sshcom', true),
    db('dropbear-ed25519', 'ed25519', 256),
    sk('ossh-dsa', 'dsa', 1024, 'openssh', false),
  ];
  const full: Spec[] = [
    ...small,
    sk('ossh-rsa1024', 'rsa', 1024, 'openssh', false),
    sk('ossh-rsa2048-enc', 'rsa', 2048, 'openssh', true),
    sk('ossh-rsa4096', 'rsa', 4096, 'openssh', false),
    sk('ossh-ecdsa384-enc', 'ecdsa', 384, 'openssh', true, ['-a', '4']),
    sk('ossh-ecdsa521', 'ecdsa', 521, 'openssh', false),
    sk('p8-rsa2048', 'rsa', 2048, 'pem-pkcs8', false, ['-m', 'PKCS8']),
    sk('p8-ecdsa256-enc', 'ecdsa', 256, 'pem-pkcs8-encrypted', true, ['-m', 'PKCS8']),
    sk('sec1-ecdsa521-enc', 'ecdsa', 521, 'pem-sec1', true, ['-m', 'PEM']),
    sk('pem-dsa', 'dsa', 1024, 'pem-dsa', false, ['-m', 'PEM']),
    nodeEd25519Pkcs8,
    pg('ppk3-ed25519-enc', 'ed25519', 256, 'ppk-v3', true),
    pg('ppk3-rsa2048', 'rsa', 2048, 'ppk-v3', false),
    pg('ppk3-dsa', 'dsa', 1024, 'ppk-v3', false),
    pg('ppk3-ecdsa521', 'ecdsa', 521, 'ppk-v3', false),
    pg('ppk2-ed25519', 'ed25519', 256, 'ppk-v2', false, ['--ppk-param', 'version=2']),
    pg('ppk2-ecdsa384-enc', 'ecdsa', 384, 'ppk-v2', true, ['--ppk-param', 'version=2']),
    pg('ppk2-dsa-enc', 'dsa', 1024, 'ppk-v2', true, ['--ppk-param', 'version=2']),
    pg('ssh1-rsa1024', 'rsa1', 1024, 'ssh1', false),
    pg('sshcom-rsa1024', 'rsa', 1024, 'sshcom', false),
    pg('sshcom-dsa-enc', 'dsa', 1024, 'sshcom', true),
    db('dropbear-rsa1024', 'rsa', 1024),
    db('dropbear-rsa2048', 'rsa', 2048),
    db('dropbear-ecdsa256', 'ecdsa', 256),
    db('dropbear-ecdsa521', 'ecdsa', 521),
  ];
  const specs = set === 'full' ? full : small;

  let keys: CorpusKey[];
  try {
    keys = await pool(
      specs.map((s) => async (): Promise<CorpusKey> => {
        const file = path.join(dir, s.name);
        await s.make(file);
        const pub = await referencePublicKey(s, file, { passFile, emptyFile, dir });
        const fp = await sshKeygenFingerprints(pub);
        const { make: _make, ...rest } = s;
        return { ...rest, file, ...fp };
      }),
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    keys,
    passFile,
    wrongFile,
    emptyFile,
    byName(name) {
      const k = keys.find((x) => x.name === name);
      if (!k) throw new Error(`no corpus key ${name}`);
      return k;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The public key of a corpus file, as an OpenSSH .pub file made by the tools themselves. */
async function referencePublicKey(s: Spec, file: string, f: { passFile: string; emptyFile: string; dir: string }): Promise<string> {
  const out = `${file}.ref.pub`;
  if (s.tool === 'ssh-keygen') return `${file}.pub`;
  if (s.tool === 'puttygen') {
    if (s.format === 'ssh1') {
      // Neither tool exports an SSH-1 key as SSH-2: build the ssh-rsa line from PuTTYgen's
      // "bits e n comment" output (same numbers), then let ssh-keygen fingerprint it.
      const line = (await must('puttygen', [file, '-O', 'public', '--old-passphrase', s.encrypted ? f.passFile : f.emptyFile])).trim();
      const [, e, n] = line.split(/\s+/);
      const { SshWriter } = await import('../common/ssh-wire');
      const blob = new SshWriter().string('ssh-rsa').mpint(BigInt(e!)).mpint(BigInt(n!)).toBuffer();
      await writeFile(out, `ssh-rsa ${blob.toString('base64')} ssh1\n`);
      return out;
    }
    const src = s.format === 'sshcom' ? `${file}.src.ppk` : file;
    await must('puttygen', [src, '-O', 'public-openssh', '-o', out, '--old-passphrase', s.encrypted && s.format !== 'sshcom' ? f.passFile : f.emptyFile]);
    return out;
  }
  if (s.tool === 'dropbearkey') {
    const line = (await must('dropbearkey', ['-y', '-f', file])).split('\n').find((l) => /^(ssh-|ecdsa-)/.test(l))!;
    await writeFile(out, `${line}\n`);
    return out;
  }
  // node (PKCS#8 Ed25519, which ssh-keygen 9.2 and puttygen 0.78 cannot read): take the raw
  // public key from openssl, wrap it as an ssh-ed25519 line, let ssh-keygen fingerprint it.
  const der = await opensslPublicDer(file);
  const { SshWriter } = await import('../common/ssh-wire');
  const blob = new SshWriter().string('ssh-ed25519').string(der.subarray(der.length - 32)).toBuffer();
  await writeFile(out, `ssh-ed25519 ${blob.toString('base64')} node\n`);
  return out;
}

export async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8');
}

/** The SubjectPublicKeyInfo DER of a PEM private key, by the openssl command-line tool. */
export function opensslPublicDer(file: string, passphrase?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const args = ['pkey', '-in', file, '-pubout', '-outform', 'DER'];
    if (passphrase !== undefined) args.push('-passin', `pass:${passphrase}`);
    execFile('openssl', args, { encoding: 'buffer', timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`openssl pkey failed: ${stderr.toString()}`));
      else resolve(stdout);
    });
  });
}
