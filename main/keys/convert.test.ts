import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyTargetFormat } from '../../shared/keys';
import { KeyError, KeyFileExistsError, convertKey, inspectKey, writeKeyFile } from './index';
import { type Corpus, type CorpusKey, PASS, buildCorpus, must, opensslPublicDer } from './test-corpus';

let corpus: Corpus;
const NEW_PASS = 'new pass 42';

beforeAll(async () => {
  corpus = await buildCorpus('small');
  await writeFile(path.join(corpus.dir, 'newpass.txt'), NEW_PASS);
}, 120_000);

afterAll(async () => {
  await corpus?.cleanup();
});

let counter = 0;
async function convertToFile(k: CorpusKey, to: KeyTargetFormat, newPassphrase?: string, opensshRounds = 4): Promise<string> {
  // Cheaper KDF settings keep the suite fast; the defaults are tested once each below.
  const res = await convertKey(await readFile(k.file), { to, passphrase: k.encrypted ? PASS : undefined, newPassphrase, noPassphrase: newPassphrase === undefined, ppkArgon2: { passes: 2 }, opensshRounds });
  expect(res.inspection.fingerprint_sha256, `${k.name} -> ${to}`).toBe(k.sha256);
  const out = path.join(corpus.dir, `out-${counter++}-${k.name}.${to}`);
  await writeKeyFile(out, res.bytes);
  return out;
}

/** The public blob ssh-keygen derives from a private key file (decrypting it with -P). */
async function sshKeygenPublicBlob(file: string, pass?: string): Promise<string> {
  const out = await must('ssh-keygen', ['-y', '-P', pass ?? '', '-f', file]);
  return out.trim().split(' ')[1]!;
}

function blobOf(k: CorpusKey): Promise<string> {
  return readFile(`${k.file}.ref.pub`, 'utf8').catch(() => readFile(`${k.file}.pub`, 'utf8')).then((l) => l.split(' ')[1]!);
}

/** puttygen must decrypt (MAC check included) to write the OpenSSH copy; ssh-keygen then reads it. */
async function puttygenDecryptsTo(file: string, pass?: string): Promise<string> {
  const passFile = pass === PASS ? corpus.passFile : path.join(corpus.dir, pass ? 'newpass.txt' : 'empty.txt');
  const out = `${file}.via-puttygen`;
  await must('puttygen', [file, '--old-passphrase', passFile, '--new-passphrase', path.join(corpus.dir, 'empty.txt'), '-O', 'private-openssh', '-o', out]);
  return sshKeygenPublicBlob(out);
}

const SOURCES = ['ossh-ed25519', 'ossh-ecdsa256', 'pem-rsa2048-enc', 'ppk3-ecdsa256-enc', 'ssh1-rsa1024-enc', 'sshcom-rsa2048-enc', 'dropbear-ed25519', 'ossh-dsa', 'sec1-ecdsa384'];

describe('convertKey: every output accepted by the real tools with the same key', () => {
  it('to openssh (bcrypt with a new passphrase, plain without), read by ssh-keygen -y', async () => {
    for (const [n, name] of SOURCES.entries()) {
      const k = corpus.byName(name);
      const rounds = n === 0 ? 16 : 4;
      const enc = await convertToFile(k, 'openssh', NEW_PASS, rounds);
      expect(await sshKeygenPublicBlob(enc, NEW_PASS), name).toBe(await blobOf(k));
      expect((await inspectKey(await readFile(enc))).encryption).toEqual({ cipher: 'aes256-ctr', kdf: 'bcrypt', rounds });
    }
    const plain = await convertToFile(corpus.byName('ppk3-ed25519'), 'openssh');
    expect(await sshKeygenPublicBlob(plain)).toBe(await blobOf(corpus.byName('ppk3-ed25519')));
  });

  it('to pem (PKCS#1 RSA, SEC1 EC, DSA, PKCS#8 Ed25519), read by ssh-keygen (openssl for Ed25519)', async () => {
    for (const name of SOURCES) {
      const k = corpus.byName(name);
      for (const pass of [undefined, NEW_PASS]) {
        const out = await convertToFile(k, 'pem', pass);
        const text = await readFile(out, 'utf8');
        if (k.type === 'ssh-ed25519') {
          expect(text).toContain(pass ? 'BEGIN ENCRYPTED PRIVATE KEY' : 'BEGIN PRIVATE KEY');
          const der = await opensslPublicDer(out, pass ?? '');
          const blob = Buffer.from(await blobOf(k), 'base64');
          expect(der.subarray(der.length - 32).equals(blob.subarray(blob.length - 32)), name).toBe(true);
        } else {
          expect(text, name).toMatch(k.type === 'ssh-rsa' ? /BEGIN RSA PRIVATE KEY/ : k.type === 'ssh-dss' ? /BEGIN DSA PRIVATE KEY/ : /BEGIN EC PRIVATE KEY/);
          expect(await sshKeygenPublicBlob(out, pass), name).toBe(await blobOf(k));
        }
      }
    }
  });

  it('to ppk-v3 and ppk-v2, encrypted and not, read and decrypted by puttygen', async () => {
    for (const name of SOURCES) {
      const k = corpus.byName(name);
      for (const [to, pass] of [['ppk-v3', NEW_PASS], ['ppk-v2', undefined], ['ppk-v2', NEW_PASS], ['ppk-v3', undefined]] as const) {
        if (name !== 'ossh-ed25519' && pass === undefined && to === 'ppk-v3') continue;
        const out = await convertToFile(k, to, pass);
        const fp = await must('puttygen', [out, '-O', 'fingerprint']);
        expect(fp, `${name} ${to}`).toContain(k.sha256);
        expect(await puttygenDecryptsTo(out, pass), `${name} ${to}`).toBe(await blobOf(k));
      }
    }
  });

  it('ppk-v3 with PuTTYgen\'s default Argon2id settings', async () => {
    const k = corpus.byName('ossh-ed25519');
    const res = await convertKey(await readFile(k.file), { to: 'ppk-v3', newPassphrase: NEW_PASS });
    expect(res.text).toMatch(/Key-Derivation: Argon2id\nArgon2-Memory: 8192\nArgon2-Passes: \d+\nArgon2-Parallelism: 1\nArgon2-Salt: [0-9a-f]{32}\n/);
    expect(res.inspection.passphraseChecked).toBe(true);
    const out = path.join(corpus.dir, 'default-argon.ppk');
    await writeKeyFile(out, res.bytes);
    expect(await puttygenDecryptsTo(out, NEW_PASS)).toBe(await blobOf(k));
  });

  it('to openssh-public and rfc4716-public, read by ssh-keygen and puttygen', async () => {
    for (const name of SOURCES) {
      const k = corpus.byName(name);
      const pub = await convertToFile(k, 'openssh-public');
      expect((await must('ssh-keygen', ['-l', '-f', pub])).split(' ')[1], name).toBe(k.sha256);
      const rfc = await convertToFile(k, 'rfc4716-public');
      expect((await must('ssh-keygen', ['-i', '-f', rfc])).trim().split(' ')[1], name).toBe(await blobOf(k));
      expect(await must('puttygen', [rfc, '-O', 'fingerprint']), name).toContain(k.sha256);
    }
    // A public key converts to the other public format, not to a private one.
    const ed = corpus.byName('ossh-ed25519');
    const fromPub = await convertKey(await readFile(`${ed.file}.pub`), { to: 'rfc4716-public' });
    expect(fromPub.text).toContain('Comment: "ossh-ed25519@corpus"');
    await expect(convertKey(await readFile(`${ed.file}.pub`), { to: 'openssh' })).rejects.toMatchObject({ code: 'KEY_IS_PUBLIC' });
  });

  it('turns an SSH-1 key into an SSH-2 RSA key with the same modulus', async () => {
    const k = corpus.byName('ssh1-rsa1024-enc');
    const out = await convertToFile(k, 'openssh');
    const line = await must('ssh-keygen', ['-y', '-f', out]);
    const numbers = (await must('puttygen', [k.file, '-O', 'public', '--old-passphrase', corpus.passFile])).trim().split(/\s+/);
    const { SshReader } = await import('../common/ssh-wire');
    const r = new SshReader(Buffer.from(line.split(' ')[1]!, 'base64'));
    expect(r.text()).toBe('ssh-rsa');
    expect(r.mpint().toString()).toBe(numbers[1]);
    expect(r.mpint().toString()).toBe(numbers[2]);
  });

  it('keeps the protection unless told otherwise: an encrypted key converts with the same passphrase (ssh-keygen and puttygen need it), a plain one stays plain', async () => {
    const enc = corpus.byName('ppk3-ecdsa256-enc');
    const kept = await convertKey(await readFile(enc.file), { to: 'openssh', passphrase: PASS, opensshRounds: 4 });
    expect(kept.protection).toBe('same-passphrase');
    expect(kept.inspection.encrypted).toBe(true);
    expect(kept.notes.join(' ')).not.toContain('no passphrase');
    const out = path.join(corpus.dir, 'kept-openssh');
    await writeKeyFile(out, kept.bytes);
    expect(await sshKeygenPublicBlob(out, PASS)).toBe(await blobOf(enc));
    // Without the passphrase ssh-keygen cannot read it: the protection really is there.
    await expect(must('ssh-keygen', ['-y', '-P', '', '-f', out])).rejects.toThrow();

    const keptPpk = await convertKey(await readFile(corpus.byName('ossh-ed25519-enc').file), { to: 'ppk-v2', passphrase: PASS });
    expect(keptPpk.protection).toBe('same-passphrase');
    const ppk = path.join(corpus.dir, 'kept.ppk');
    await writeKeyFile(ppk, keptPpk.bytes);
    expect(await readFile(ppk, 'utf8')).toContain('Encryption: aes256-cbc');
    expect(await puttygenDecryptsTo(ppk, PASS)).toBe(await blobOf(corpus.byName('ossh-ed25519-enc')));

    // Only an explicit choice removes it.
    const bare = await convertKey(await readFile(enc.file), { to: 'openssh', passphrase: PASS, noPassphrase: true });
    expect(bare.protection).toBe('none');
    expect(bare.inspection.encrypted).toBe(false);
    expect(bare.notes.join(' ')).toContain('no passphrase');
    const fresh = await convertKey(await readFile(enc.file), { to: 'pem', passphrase: PASS, newPassphrase: NEW_PASS });
    expect(fresh.protection).toBe('new-passphrase');
    await expect(convertKey(await readFile(enc.file), { to: 'pem', passphrase: PASS, newPassphrase: NEW_PASS, noPassphrase: true })).rejects.toThrow(TypeError);

    const plain = await convertKey(await readFile(corpus.byName('ossh-ed25519').file), { to: 'ppk-v3' });
    expect(plain.protection).toBe('none');
    expect(plain.inspection.encrypted).toBe(false);
    const pub = await convertKey(await readFile(enc.file), { to: 'openssh-public' });
    expect(pub.protection).toBeNull();
  });

  it('refuses to convert without the passphrase or with a wrong one', async () => {
    const k = corpus.byName('ppk2-rsa2048-enc');
    const err = await convertKey(await readFile(k.file), { to: 'openssh' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyError);
    expect((err as KeyError).code).toBe('KEY_NEEDS_PASSPHRASE');
    await expect(convertKey(await readFile(k.file), { to: 'openssh', passphrase: 'nope' })).rejects.toMatchObject({ code: 'KEY_WRONG_PASSPHRASE' });
  });
});

describe('writeKeyFile', () => {
  it('writes mode 0600 and never replaces a file unless told to (keeping a backup)', async () => {
    const file = path.join(corpus.dir, 'written.key');
    await writeKeyFile(file, 'one');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(writeKeyFile(file, 'two')).rejects.toBeInstanceOf(KeyFileExistsError);
    expect(await readFile(file, 'utf8')).toBe('one');
    await writeKeyFile(file, 'three', { overwrite: true });
    expect(await readFile(file, 'utf8')).toBe('three');
    expect(await readFile(`${file}.bak`, 'utf8')).toBe('one');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

