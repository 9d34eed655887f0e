import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, PASS, buildCorpus, must } from '../../keys/test-corpus';
import { runCaptured, type CliRun } from '../test-cli';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await buildCorpus('small');
}, 120_000);
afterAll(async () => {
  await corpus?.cleanup();
});

/** The CLI with only the given environment; on a terminal, `typed` answers the passphrase question. */
async function cli(argv: string[], opts: { env?: Record<string, string>; tty?: boolean; typed?: string } = {}): Promise<CliRun> {
  const typed = opts.typed;
  const r = await runCaptured(argv, {
    env: { ...opts.env },
    ...(opts.tty ? { tty: true } : {}),
    // Answer the passphrase prompt like a user typing (no echo is the prompt's job).
    ...(typed !== undefined ? { answer: (err: string, type: (t: string) => void) => (/Passphrase for/.test(err) ? (type(typed), true) : false) } : {}),
  });
  if (opts.tty && typed !== undefined) expect(r.rawModes).toEqual([true, false]);
  return r;
}

describe('sftp-doctor keys inspect', () => {
  it('--json prints the contract fields and exits 0 for a usable key', async () => {
    const k = corpus.byName('ossh-ed25519');
    const r = await cli(['keys', 'inspect', '--json', k.file]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const f of ['kind', 'format', 'type', 'bits', 'curve', 'comment', 'encrypted', 'encryption', 'fingerprint_sha256', 'fingerprint_md5', 'problems']) expect(j).toHaveProperty(f);
    expect(j).toMatchObject({ kind: 'private', format: 'openssh', type: 'ssh-ed25519', bits: 256, curve: null, comment: 'ossh-ed25519@corpus', encrypted: false, encryption: null, fingerprint_sha256: k.sha256, fingerprint_md5: k.md5 });
    expect((j.problems as { code: string }[]).map((p) => p.code)).toEqual(['KEY_UNENCRYPTED']);
  });

  it('human output shows the fingerprints and findings with next steps', async () => {
    const k = corpus.byName('ppk2-rsa2048-enc');
    const r = await cli(['keys', 'inspect', '--passphrase-env', 'KP', k.file], { env: { KP: PASS } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PuTTY private key, version 2');
    expect(r.stdout).toContain(k.sha256);
    expect(r.stdout).toContain(k.md5);
    expect(r.stdout).toContain('the passphrase you gave is correct');
    expect(r.stdout).toContain('Result: this key can be used to log in.');
    expect(r.stdout + r.stderr).not.toContain(PASS);
  });

  it('exits 1 with KEY_NEEDS_PASSPHRASE when encrypted and there is no terminal to ask on', async () => {
    const r = await cli(['keys', 'inspect', '--json', corpus.byName('ossh-ed25519-enc').file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems[0].code).toBe('KEY_NEEDS_PASSPHRASE');
  });

  it('asks for the passphrase on a terminal, without echo, and uses it', async () => {
    const k = corpus.byName('ossh-ed25519-enc');
    const r = await cli(['keys', 'inspect', '--json', k.file], { tty: true, typed: `${PASS}\r` });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Passphrase for ossh-ed25519-enc: ');
    expect(r.stderr).not.toContain(PASS);
    expect(JSON.parse(r.stdout)).toMatchObject({ fingerprint_sha256: k.sha256, passphraseChecked: true });
  });

  it('exits 1 for a public key, a wrong passphrase, a missing file, junk', async () => {
    const k = corpus.byName('ossh-ed25519');
    const pub = await cli(['keys', 'inspect', `${k.file}.pub`]);
    expect(pub.code).toBe(1);
    expect(pub.stdout).toContain('Choose ossh-ed25519 instead');
    const wrong = await cli(['keys', 'inspect', '--json', '--passphrase-env', 'KP', corpus.byName('pem-rsa2048-enc').file], { env: { KP: 'nope' } });
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout).problems[0].code).toBe('KEY_WRONG_PASSPHRASE');
    const missing = await cli(['keys', 'inspect', path.join(corpus.dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('There is no file');
    const junk = path.join(corpus.dir, 'junk.bin');
    await writeFile(junk, Buffer.from([0, 1, 2, 3, 250, 251, 252, 0, 0, 9]));
    const j = await cli(['keys', 'inspect', '--json', junk]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).problems[0]).toMatchObject({ code: 'KEY_UNSUPPORTED_FORMAT', reason: 'binary' });
  });

  it('exits 2 for usage errors', async () => {
    expect((await cli(['keys'])).code).toBe(2);
    expect((await cli(['keys', 'inspect'])).code).toBe(2);
    expect((await cli(['keys', 'inspect', '--bogus', 'x'])).code).toBe(2);
    const unset = await cli(['keys', 'inspect', '--passphrase-env', 'NOT_SET', corpus.byName('ossh-ed25519').file]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOT_SET is not set');
    const literal = await cli(['keys', 'inspect', '--passphrase-env', 'my secret!', corpus.byName('ossh-ed25519').file]);
    expect(literal.code).toBe(2);
    expect(literal.stderr).not.toContain('my secret!');
  });
});

describe('sftp-doctor keys convert', () => {
  it('converts a PPK to OpenSSH with a new passphrase; ssh-keygen reads it; mode 0600', async () => {
    const k = corpus.byName('ppk3-ecdsa256-enc');
    const out = path.join(corpus.dir, 'cli-out-openssh');
    const r = await cli(['keys', 'convert', k.file, '--to', 'openssh', '-o', out, '--passphrase-env', 'OLD', '--new-passphrase-env', 'NEW'], { env: { OLD: PASS, NEW: 'fresh one' } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(k.sha256);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const line = await must('ssh-keygen', ['-y', '-P', 'fresh one', '-f', out]);
    const ref = await readFile(`${k.file}.ref.pub`, 'utf8');
    expect(line.split(' ')[1]).toBe(ref.split(' ')[1]);
  });

  it('keeps the passphrase by default (typed at the prompt, as PuTTYgen); --no-passphrase drops it only when asked', async () => {
    const k = corpus.byName('ppk3-ecdsa256-enc');
    const ref = (await readFile(`${k.file}.ref.pub`, 'utf8')).split(' ')[1];
    const kept = path.join(corpus.dir, 'cli-kept-openssh');
    const r = await cli(['keys', 'convert', k.file, '--to', 'openssh', '-o', kept], { tty: true, typed: `${PASS}\r` });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain('protected by the same passphrase as');
    expect(r.stdout).not.toContain('no passphrase');
    // The oracle needs the old passphrase: without it, ssh-keygen cannot read the new file.
    expect((await must('ssh-keygen', ['-y', '-P', PASS, '-f', kept])).split(' ')[1]).toBe(ref);
    await expect(must('ssh-keygen', ['-y', '-P', '', '-f', kept])).rejects.toThrow();
    // The same for a PuTTY target: puttygen asks for the same passphrase.
    const keptPpk = path.join(corpus.dir, 'cli-kept.ppk');
    expect((await cli(['keys', 'convert', kept, '--to', 'ppk-v2', '-o', keptPpk, '--passphrase-env', 'OLD'], { env: { OLD: PASS } })).code).toBe(0);
    expect(await readFile(keptPpk, 'utf8')).toContain('Encryption: aes256-cbc');
    const viaPuttygen = path.join(corpus.dir, 'cli-kept.via-puttygen');
    const empty = path.join(corpus.dir, 'empty.txt');
    await expect(must('puttygen', [keptPpk, '--old-passphrase', empty, '--new-passphrase', empty, '-O', 'private-openssh', '-o', viaPuttygen])).rejects.toThrow();
    await must('puttygen', [keptPpk, '--old-passphrase', corpus.passFile, '--new-passphrase', empty, '-O', 'private-openssh', '-o', viaPuttygen]);
    expect((await must('ssh-keygen', ['-y', '-P', '', '-f', viaPuttygen])).trim().split(' ')[1]).toBe(ref);

    const bare = path.join(corpus.dir, 'cli-bare-openssh');
    const b = await cli(['keys', 'convert', k.file, '--to', 'openssh', '-o', bare, '--passphrase-env', 'OLD', '--no-passphrase'], { env: { OLD: PASS } });
    expect(b.code, b.stderr + b.stdout).toBe(0);
    expect(b.stdout).toContain('with no passphrase');
    expect((await must('ssh-keygen', ['-y', '-P', '', '-f', bare])).split(' ')[1]).toBe(ref);
    const both = await cli(['keys', 'convert', k.file, '--to', 'openssh', '-o', path.join(corpus.dir, 'never2'), '--no-passphrase', '--new-passphrase-env', 'OLD'], { env: { OLD: PASS } });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exclude each other');
  });

  it('writes the authorized_keys line from a Dropbear key and refuses to overwrite without --force', async () => {
    const k = corpus.byName('dropbear-ed25519');
    const out = path.join(corpus.dir, 'cli-out.pub');
    expect((await cli(['keys', 'convert', k.file, '--to', 'openssh-public', '-o', out])).code).toBe(0);
    expect((await must('ssh-keygen', ['-l', '-f', out])).split(' ')[1]).toBe(k.sha256);
    const again = await cli(['keys', 'convert', k.file, '--to', 'openssh-public', '-o', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect((await cli(['keys', 'convert', k.file, '--to', 'rfc4716-public', '-o', out, '--force'])).code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('BEGIN SSH2 PUBLIC KEY');
  });

  it('usage errors exit 2; a key it cannot open exits 1', async () => {
    const f = corpus.byName('ossh-ed25519').file;
    expect((await cli(['keys', 'convert', f, '-o', 'x'])).code).toBe(2);
    expect((await cli(['keys', 'convert', f, '--to', 'pkcs12', '-o', 'x'])).code).toBe(2);
    expect((await cli(['keys', 'convert', f, '--to', 'pem'])).code).toBe(2);
    expect((await cli(['keys', 'convert', f, '--to', 'pem', '-o', f])).code).toBe(2);
    const locked = await cli(['keys', 'convert', corpus.byName('ossh-ed25519-enc').file, '--to', 'pem', '-o', path.join(corpus.dir, 'never')]);
    expect(locked.code).toBe(1);
    expect(locked.stdout).toContain('KEY_NEEDS_PASSPHRASE');
  });
});
