import { randomBytes } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectKey, readKeyFile } from './index';
import { type Corpus, PASS, buildCorpus } from './test-corpus';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await buildCorpus('small');
}, 120_000);
afterAll(async () => {
  await corpus?.cleanup();
});

const text = (name: string) => readFile(corpus.byName(name).file, 'utf8');

describe('mangled but intact keys are repaired, reported and read', () => {
  const manglers: [string, (t: string) => string | Buffer, RegExp][] = [
    ['CRLF line endings', (t) => t.replace(/\n/g, '\r\n'), /CRLF/],
    ['a UTF-8 BOM', (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)]), /byte-order mark/],
    ['UTF-16 with BOM (Windows "Unicode")', (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]), /UTF-16/],
    ['trailing spaces', (t) => t.replace(/\n/g, '   \n'), /end of lines/],
    ['lines joined with spaces', (t) => t.trim().replace(/\n/g, ' '), /joined/],
    ['lines joined with nothing', (t) => t.trim().replace(/\n/g, ''), /joined/],
    ['quoted-printable', (t) => t.replace(/=/g, '=3D').replace(/^(.{40})(.+)$/gm, '$1=\n$2'), /quoted-printable/],
    ['e-mail indentation', (t) => t.replace(/^/gm, '    '), /indentation/],
    ['e-mail quoting', (t) => t.replace(/^(?=.)/gm, '> '), /quote marks/],
    // Pasted from JSON, an .env file or a CI variable: one line, line breaks written as \n.
    ['a JSON string (literal \\n)', (t) => JSON.stringify(t), /written as "\\n"/],
    ['an .env line (KEY="...\\n...")', (t) => `SSH_KEY="${t.replace(/\n/g, '\\n')}"\n`, /written as "\\n"/],
    ['a JSON field with CRLF escapes and \\/', (t) => `{"key": "${t.replace(/\n/g, '\\r\\n').replace(/\//g, '\\/')}"}`, /written as "\\n"/],
  ];
  for (const name of ['ossh-ed25519', 'ppk3-ed25519', 'pem-rsa2048-enc', 'sec1-ecdsa384']) {
    it(`${name}: every kind of damage`, async () => {
      const k = corpus.byName(name);
      const original = await text(name);
      for (const [what, mangle, repairText] of manglers) {
        const i = await inspectKey(mangle(original), { passphrase: k.encrypted ? PASS : undefined });
        const label = `${name} with ${what}: ${JSON.stringify(i.problems)} ${JSON.stringify(i.repairs)}`;
        expect(i.fingerprint_sha256, label).toBe(k.sha256);
        expect(i.format, label).toBe(k.format);
        expect(i.repairs.join(' '), label).toMatch(repairText);
        expect(i.problems.map((p) => p.code), label).toContain('KEY_MANGLED');
        expect(i.problems.filter((p) => p.severity === 'error'), label).toEqual([]);
      }
    });
  }
});

describe('padded keys', () => {
  // 100,000 blank lines took 15 s to read (text handling rescanned from every line break).
  it('100,000 blank lines after the first line or before the end: the key is still read', async () => {
    for (const name of ['ossh-ed25519', 'pem-rsa2048', 'ppk3-ed25519']) {
      const k = corpus.byName(name);
      const original = await text(name);
      const blank = '\n'.repeat(100_000);
      for (const padded of [original.replace('\n', `\n${blank}`), `${blank}${original}${blank}`]) {
        const i = await inspectKey(padded);
        expect(i.fingerprint_sha256, `${name}: ${JSON.stringify(i.problems)}`).toBe(k.sha256);
      }
    }
  });
});

describe('damaged keys give a precise message, never a crash', () => {
  async function problemOf(input: Buffer | string, passphrase?: string) {
    const i = await inspectKey(input, { passphrase });
    expect(i.problems[0], JSON.stringify(i)).toBeDefined();
    return i.problems[0]!;
  }

  it('truncated files (text and binary formats)', async () => {
    for (const name of ['ossh-ed25519', 'ppk3-ed25519', 'pem-rsa2048', 'sshcom-rsa2048-enc']) {
      const t = await text(name);
      for (const cut of [0.3, 0.6, 0.95]) {
        const p = await problemOf(t.slice(0, Math.floor(t.length * cut)), PASS);
        expect(p.code, `${name} cut at ${cut}`).toBe('KEY_CORRUPT');
        expect(p.message, `${name} cut at ${cut}`).toMatch(/missing|ends too early|cut|damaged/);
      }
    }
    for (const name of ['ssh1-rsa1024-enc', 'dropbear-ed25519']) {
      const b = await readFile(corpus.byName(name).file);
      const p = await problemOf(b.subarray(0, Math.floor(b.length / 2)), PASS);
      expect(p.code, name).toBe('KEY_CORRUPT');
    }
  });

  it('broken base64 names the bad character', async () => {
    const t = await text('ossh-ed25519');
    const lines = t.split('\n');
    lines[2] = `${lines[2]!.slice(0, 10)}*${lines[2]!.slice(11)}`;
    const p = await problemOf(lines.join('\n'));
    expect(p).toMatchObject({ code: 'KEY_CORRUPT', reason: 'bad-base64' });
    expect(p.message).toContain('"*"');
  });

  it('a bad PPK MAC: corrupt without a passphrase; with the right one too (the key inside still opens), wrong passphrase with a wrong one', async () => {
    const t = await text('ppk3-ed25519');
    const tampered = t.replace(/Private-MAC: (.)/, (_m, c: string) => `Private-MAC: ${c === 'a' ? 'b' : 'a'}`);
    expect(await problemOf(tampered)).toMatchObject({ code: 'KEY_CORRUPT', reason: 'bad-mac' });
    const enc = await text('ppk3-ecdsa256-enc');
    const tamperedEnc = enc.replace(/Private-MAC: (.)/, (_m, c: string) => `Private-MAC: ${c === 'a' ? 'b' : 'a'}`);
    expect(await problemOf(tamperedEnc, PASS)).toMatchObject({ code: 'KEY_CORRUPT', reason: 'bad-mac' });
    expect((await problemOf(tamperedEnc, 'not the passphrase')).code).toBe('KEY_WRONG_PASSPHRASE');
  });

  it('a PPK whose comment was edited fails the MAC (the MAC covers it)', async () => {
    const t = await text('ppk3-ed25519');
    expect(await problemOf(t.replace(/Comment: .*/, 'Comment: edited'))).toMatchObject({ code: 'KEY_CORRUPT', reason: 'bad-mac' });
  });

  it('empty, blank, binary junk, unknown text, an X.509 certificate', async () => {
    expect(await problemOf('')).toMatchObject({ code: 'KEY_CORRUPT', reason: 'empty' });
    expect(await problemOf('  \n\n ')).toMatchObject({ code: 'KEY_CORRUPT', reason: 'empty' });
    expect(await problemOf(randomBytes(2000))).toMatchObject({ code: 'KEY_UNSUPPORTED_FORMAT', reason: 'binary' });
    expect(await problemOf('Dear admin, here is my key.')).toMatchObject({ code: 'KEY_UNSUPPORTED_FORMAT', reason: 'unknown' });
    expect(await problemOf('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')).toMatchObject({ code: 'KEY_UNSUPPORTED_FORMAT', reason: 'x509' });
  });

  it('a 5 MB input is refused by size, before any parsing', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 0x41);
    const t0 = performance.now();
    const p = await problemOf(big);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(p).toMatchObject({ code: 'KEY_UNSUPPORTED_FORMAT', reason: 'too-large' });
    expect(p.message).toContain('5.0 MB');
  });

  it('readKeyFile refuses a huge file from its size alone (a sparse 5 GB file is not read)', async () => {
    const file = path.join(corpus.dir, 'huge.bin');
    const h = await open(file, 'w');
    await h.truncate(5 * 1024 * 1024 * 1024);
    await h.close();
    const t0 = performance.now();
    await expect(readKeyFile(file)).rejects.toMatchObject({ code: 'KEY_UNSUPPORTED_FORMAT', reason: 'too-large' });
    expect(performance.now() - t0).toBeLessThan(200);
    await rm(file);
    await expect(readKeyFile(path.join(corpus.dir, 'missing'))).rejects.toMatchObject({ reason: 'not-found' });
    await expect(readKeyFile(corpus.dir)).rejects.toMatchObject({ reason: 'directory' });
  });

  it('a private key whose public half was swapped for another key\'s', async () => {
    const a = await text('ppk3-ed25519');
    const other = (await readFile(`${corpus.byName('ossh-ed25519').file}.pub`, 'utf8')).split(' ')[1]!;
    const lines = a.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Public-Lines'));
    const swapped = [...lines.slice(0, at), 'Public-Lines: 2', other.slice(0, 64), other.slice(64), ...lines.slice(at + 3)].join('\n');
    expect((await problemOf(swapped)).code).toBe('KEY_CORRUPT');
    // Same in an OpenSSH file: the private half is checked against the public half.
    const o = Buffer.from((await text('ossh-ecdsa256')).split('\n').slice(1, -2).join(''), 'base64');
    const pub = Buffer.from(other, 'base64');
    const { SshReader } = await import('../common/ssh-wire');
    const r = new SshReader(o);
    r.bytes(15);
    r.string();
    r.string();
    r.string();
    r.uint32();
    const pubStart = r.pos;
    const oldPub = r.string();
    const rebuilt = Buffer.concat([o.subarray(0, pubStart), Buffer.from([0, 0, 0, pub.length]), pub, o.subarray(pubStart + 4 + oldPub.length)]);
    const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${rebuilt.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    expect(await problemOf(pem)).toMatchObject({ code: 'KEY_CORRUPT', reason: 'mismatch' });
  });
});
