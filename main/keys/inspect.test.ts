import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../common/secret';
import { inspectKey, isUsable } from './index';
import { type Corpus, PASS, WRONG, buildCorpus, must, run } from './test-corpus';

let corpus: Corpus;

beforeAll(async () => {
  corpus = await buildCorpus('full');
}, 120_000);

afterAll(async () => {
  await corpus?.cleanup();
});

describe('inspectKey on keys made by ssh-keygen, puttygen and dropbearkey', () => {
  it('names every file exactly and matches ssh-keygen -l fingerprints (with the passphrase)', async () => {
    const formats = new Set<string>();
    for (const k of corpus.keys) {
      const i = await inspectKey(await readFile(k.file), { passphrase: k.encrypted ? new Secret(PASS) : undefined, fileName: k.file });
      const label = `${k.name}: ${JSON.stringify(i.problems)}`;
      expect(i.kind, label).toBe('private');
      expect(i.format, label).toBe(k.format);
      expect(i.type, label).toBe(k.type);
      expect(i.bits, label).toBe(k.bits);
      expect(i.curve, label).toBe(k.curve);
      expect(i.fingerprint_sha256, label).toBe(k.sha256);
      expect(i.fingerprint_md5, label).toBe(k.md5);
      expect(i.encrypted, label).toBe(k.encrypted);
      expect(i.passphraseChecked, label).toBe(k.encrypted);
      expect(i.problems.filter((p) => p.severity === 'error'), label).toEqual([]);
      expect(i.publicKeyLine?.split(' ')[0], label).toBe(k.type);
      formats.add(i.format);
    }
    expect([...formats].sort()).toEqual(['dropbear', 'openssh', 'pem-dsa', 'pem-pkcs1', 'pem-pkcs8', 'pem-pkcs8-encrypted', 'pem-sec1', 'ppk-v2', 'ppk-v3', 'ssh1', 'sshcom']);
  });

  it('reports the encryption with its cost as the files state it', async () => {
    const enc = async (name: string) => (await inspectKey(await readFile(corpus.byName(name).file))).encryption;
    expect(await enc('ossh-rsa2048-enc')).toEqual({ cipher: 'aes256-ctr', kdf: 'bcrypt', rounds: 16 });
    expect(await enc('ossh-ecdsa384-enc')).toEqual({ cipher: 'aes256-ctr', kdf: 'bcrypt', rounds: 4 });
    const ppk = await enc('ppk3-ed25519-enc');
    expect(ppk).toMatchObject({ cipher: 'aes256-cbc', kdf: 'argon2id', memoryKiB: 8192, parallelism: 1 });
    const text = await readFile(corpus.byName('ppk3-ed25519-enc').file, 'utf8');
    expect(ppk?.passes).toBe(Number(/Argon2-Passes: (\d+)/.exec(text)![1]));
    expect(await enc('ppk2-rsa2048-enc')).toEqual({ cipher: 'aes256-cbc', kdf: 'sha1' });
    expect(await enc('pem-rsa2048-enc')).toEqual({ cipher: 'aes-128-cbc', kdf: 'md5' });
    expect(await enc('p8-rsa2048-enc')).toMatchObject({ kdf: expect.stringMatching(/^pbkdf2-sha/), rounds: expect.any(Number) });
    expect(await enc('ssh1-rsa1024-enc')).toMatchObject({ kdf: 'md5' });
    expect(await enc('sshcom-rsa2048-enc')).toEqual({ cipher: '3des-cbc', kdf: 'md5' });
  });

  it('without a passphrase says KEY_NEEDS_PASSPHRASE, still showing what the file reveals', async () => {
    for (const k of corpus.keys.filter((x) => x.encrypted)) {
      const i = await inspectKey(await readFile(k.file));
      expect(i.problems[0]?.code, k.name).toBe('KEY_NEEDS_PASSPHRASE');
      expect(i.kind, k.name).toBe('private');
      expect(i.format, k.name).toBe(k.format);
      expect(isUsable(i)).toBe(false);
      // Formats with a clear public part still give the fingerprint before decryption.
      if (['openssh', 'ppk-v2', 'ppk-v3', 'ssh1'].includes(k.format)) expect(i.fingerprint_sha256, k.name).toBe(k.sha256);
    }
  });

  it('tells a wrong passphrase apart by the format\'s own check, for every encrypted format', async () => {
    for (const k of corpus.keys.filter((x) => x.encrypted)) {
      const i = await inspectKey(await readFile(k.file), { passphrase: WRONG });
      expect(i.problems[0]?.code, k.name).toBe('KEY_WRONG_PASSPHRASE');
      expect(i.problems[0]?.fix, k.name).toMatch(/passphrase/i);
      expect(i.passphraseChecked).toBe(false);
    }
  });

  it('opens OpenSSH keys made with every cipher ssh-keygen -Z offers for keys', async () => {
    for (const cipher of ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-cbc', 'aes192-ctr']) {
      const file = path.join(corpus.dir, `cipher-${cipher}`);
      await must('ssh-keygen', ['-q', '-t', 'ed25519', '-Z', cipher, '-a', '2', '-N', PASS, '-f', file]);
      const sha = (await must('ssh-keygen', ['-l', '-f', `${file}.pub`])).split(' ')[1];
      const ok = await inspectKey(await readFile(file), { passphrase: PASS });
      expect(ok.encryption, cipher).toEqual({ cipher, kdf: 'bcrypt', rounds: 2 });
      expect(ok.passphraseChecked, cipher).toBe(true);
      expect(ok.fingerprint_sha256, cipher).toBe(sha);
      const bad = await inspectKey(await readFile(file), { passphrase: WRONG });
      expect(bad.problems[0]?.code, cipher).toBe('KEY_WRONG_PASSPHRASE');
    }
  });

  it('accepts a pasted passphrase with a trailing newline and says so', async () => {
    const k = corpus.byName('ppk2-rsa2048-enc');
    const i = await inspectKey(await readFile(k.file), { passphrase: `${PASS}\n` });
    expect(i.fingerprint_sha256).toBe(k.sha256);
    expect(i.repairs.join(' ')).toMatch(/passphrase had spaces/);
  });

  it('warns about weak, SSH-1, unencrypted and PPK v3 keys, each with a next step', async () => {
    const codes = async (name: string, pass?: string) => (await inspectKey(await readFile(corpus.byName(name).file), { passphrase: pass })).problems.map((p) => p.code);
    expect(await codes('ossh-dsa')).toContain('KEY_WEAK');
    expect(await codes('ossh-rsa1024')).toContain('KEY_WEAK');
    expect(await codes('ossh-rsa4096')).not.toContain('KEY_WEAK');
    expect(await codes('ssh1-rsa1024')).toContain('KEY_SSH1');
    expect(await codes('ossh-ed25519')).toEqual(['KEY_UNENCRYPTED']);
    expect(await codes('ossh-ed25519-enc', PASS)).toEqual([]);
    expect(await codes('ppk3-ed25519')).toEqual(['KEY_PPK3_OLD_TOOLS', 'KEY_UNENCRYPTED']);
    const i = await inspectKey(await readFile(corpus.byName('ossh-ed25519').file));
    expect(isUsable(i)).toBe(true);
    expect(isUsable(await inspectKey(await readFile(corpus.byName('ossh-dsa').file)))).toBe(false);
    for (const p of i.problems) expect(p.fix.length).toBeGreaterThan(20);
  });
});

describe('public keys and certificates', () => {
  it('recognises every public format, with ssh-keygen\'s fingerprint, and points to the private key', async () => {
    const ed = corpus.byName('ossh-ed25519');
    const ec = corpus.byName('ossh-ecdsa256');
    const rsa = corpus.byName('pem-rsa2048');
    const dir = corpus.dir;
    await writeFile(path.join(dir, 'ed.rfc4716'), await must('ssh-keygen', ['-e', '-f', `${ed.file}.pub`]));
    await writeFile(path.join(dir, 'ec.spki.pem'), await must('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${ec.file}.pub`]));
    await writeFile(path.join(dir, 'rsa.pkcs1pub.pem'), await must('ssh-keygen', ['-e', '-m', 'PEM', '-f', `${rsa.file}.pub`]));
    await writeFile(path.join(dir, 'ssh1.pub'), await must('puttygen', [corpus.byName('ssh1-rsa1024').file, '-O', 'public', '--old-passphrase', corpus.emptyFile]));
    await must('ssh-keygen', ['-q', '-s', ed.file, '-I', 'test', '-n', 'bob', `${ec.file}.pub`]);
    const cases: [string, string, string, string][] = [
      [`${ed.file}.pub`, 'openssh-public', 'public', ed.sha256],
      [path.join(dir, 'ed.rfc4716'), 'rfc4716-public', 'public', ed.sha256],
      [path.join(dir, 'ec.spki.pem'), 'pem-public', 'public', ec.sha256],
      [path.join(dir, 'rsa.pkcs1pub.pem'), 'pem-public', 'public', rsa.sha256],
      [path.join(dir, 'ssh1.pub'), 'ssh1-public', 'public', corpus.byName('ssh1-rsa1024').sha256],
      [`${ec.file}-cert.pub`, 'openssh-cert', 'certificate', ec.sha256],
    ];
    for (const [file, format, kind, sha] of cases) {
      const i = await inspectKey(await readFile(file), { fileName: file });
      expect(i.format, file).toBe(format);
      expect(i.kind, file).toBe(kind);
      expect(i.fingerprint_sha256, file).toBe(sha);
      expect(i.problems[0]?.code, file).toBe('KEY_IS_PUBLIC');
    }
    // The certificate's fingerprint is the certified key's, as ssh-keygen -l shows it.
    const certLine = await must('ssh-keygen', ['-l', '-f', `${ec.file}-cert.pub`]);
    expect(certLine.split(' ')[1]).toBe(ec.sha256);
    // A .pub next to its private key: the fix names the private key file.
    const pubInspection = await inspectKey(await readFile(`${ed.file}.pub`), { fileName: `${ed.file}.pub` });
    expect(pubInspection.problems[0]?.fix).toContain(`Choose ${path.basename(ed.file)} instead`);
    expect(pubInspection.comment).toBe('ossh-ed25519@corpus');
  });
});

describe('the corpus itself is what the tools say it is', () => {
  it('puttygen reads the PPK files and agrees on the fingerprint', async () => {
    for (const k of corpus.keys.filter((x) => x.format === 'ppk-v3' || x.format === 'ppk-v2')) {
      const r = await run('puttygen', [k.file, '-O', 'fingerprint']);
      expect(r.stdout, k.name).toContain(k.sha256);
    }
  });
});
