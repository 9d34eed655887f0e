import { readFile } from 'node:fs/promises';
import { utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../common/secret';
import { KeyError, loadPrivateKeyForSsh } from './index';
import { type Corpus, PASS, WRONG, buildCorpus, run } from './test-corpus';

let corpus: Corpus;

beforeAll(async () => {
  corpus = await buildCorpus('small');
}, 120_000);

afterAll(async () => {
  await corpus?.cleanup();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof KeyError ? e.code : `not a KeyError: ${String(e)}`;
  }
}

describe('loadPrivateKeyForSsh', () => {
  it('gives ssh2 a key it reads and signs with, for every private format (converted in memory)', async () => {
    for (const k of corpus.keys) {
      const ready = await loadPrivateKeyForSsh(await readFile(k.file), k.encrypted ? new Secret(PASS) : undefined);
      const parsed = utils.parseKey(ready.privateKey);
      expect(parsed instanceof Error ? parsed.message : 'ok', k.name).toBe('ok');
      const key = Array.isArray(parsed) ? parsed[0]! : (parsed as Exclude<typeof parsed, Error | unknown[]>);
      expect(key.type, k.name).toBe(k.type);
      expect(Buffer.compare(key.getPublicSSH(), ready.publicBlob), k.name).toBe(0);
      expect(ready.fingerprint_sha256, k.name).toBe(k.sha256);
      const data = Buffer.from('sign me');
      const sig = key.sign(data);
      expect(sig instanceof Error ? sig.message : key.verify(data, sig), k.name).toBe(true);
      // Nothing secret leaks into the text form of the result's inspection.
      expect(JSON.stringify(ready.inspection)).not.toContain(PASS);
    }
  });

  it('the converted key is a valid OpenSSH key for ssh-keygen too', async () => {
    const { writeFile } = await import('node:fs/promises');
    const k = corpus.byName('ppk3-ecdsa256-enc');
    const ready = await loadPrivateKeyForSsh(await readFile(k.file), PASS);
    const out = `${corpus.dir}/loaded.key`;
    await writeFile(out, ready.privateKey, { mode: 0o600 });
    const r = await run('ssh-keygen', ['-l', '-f', out]);
    expect(r.stdout.split(' ')[1]).toBe(k.sha256);
  });

  it('throws typed errors naming the KEY_* code', async () => {
    const enc = corpus.byName('ossh-ed25519-enc');
    expect(await codeOf(loadPrivateKeyForSsh(await readFile(enc.file)))).toBe('KEY_NEEDS_PASSPHRASE');
    expect(await codeOf(loadPrivateKeyForSsh(await readFile(enc.file), WRONG))).toBe('KEY_WRONG_PASSPHRASE');
    expect(await codeOf(loadPrivateKeyForSsh(await readFile(`${enc.file}.pub`)))).toBe('KEY_IS_PUBLIC');
    expect(await codeOf(loadPrivateKeyForSsh('hello world, not a key'))).toBe('KEY_UNSUPPORTED_FORMAT');
    const text = await readFile(corpus.byName('ossh-ed25519').file, 'utf8');
    expect(await codeOf(loadPrivateKeyForSsh(text.slice(0, 200)))).toBe('KEY_CORRUPT');
  });

  it('a wrong passphrase on encrypted PEM/PKCS#8 gives KEY_WRONG_PASSPHRASE and the process survives', async () => {
    // sshpk throws "Incorrect passphrase" from a stream listener on this input, which kills the
    // process: show that this hazard is real (in a child), then that our path is safe.
    const pem = corpus.byName('pem-rsa2048-enc').file;
    const child = await run(process.execPath, [
      '-e',
      `try { require('sshpk').parsePrivateKey(require('fs').readFileSync(${JSON.stringify(pem)}), 'auto', { passphrase: 'wrong' }); } catch {} setTimeout(() => console.log('survived'), 300);`,
    ]);
    expect(child.stdout).not.toContain('survived');
    expect(child.stderr).toContain('Incorrect passphrase');

    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      for (const name of ['pem-rsa2048-enc', 'p8-rsa2048-enc']) {
        expect(await codeOf(loadPrivateKeyForSsh(await readFile(corpus.byName(name).file), WRONG)), name).toBe('KEY_WRONG_PASSPHRASE');
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
