/**
 * An encrypted key whose bytes were changed after it was saved is named as damaged
 * (KEY_CORRUPT) when the format can tell, not as a wrong passphrase or a good key: OpenSSH's
 * counter-mode cipher (check numbers a few bits apart), PuTTY's Private-MAC over a private part
 * that still reads as the key, PKCS#8 whose decrypted DER header still fits, a PEM IV of the
 * wrong length, an RSA key whose stored helper numbers do not follow from its primes. A wrong
 * passphrase on the untouched file is still called a wrong passphrase; where the format cannot
 * tell (a changed salt), the message names both causes.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectKey } from './index';
import { bcryptPbkdf } from './bcrypt-pbkdf';

let dir: string;
const PASS = 'tamper test';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sftp-doctor-tamper-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', PASS, '-f', path.join(dir, 'ossh')]);
  writeFileSync(path.join(dir, 'pass'), PASS);
  execFileSync('puttygen', ['-t', 'ed25519', '-o', path.join(dir, 'k.ppk'), '--new-passphrase', path.join(dir, 'pass')]);
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(dir, 'plain.pem')]);
  execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', path.join(dir, 'plain.pem'), '-out', path.join(dir, 'p8.pem'), '-passout', `pass:${PASS}`]);
  execFileSync('openssl', ['rsa', '-traditional', '-aes128', '-in', path.join(dir, 'plain.pem'), '-out', path.join(dir, 'legacy.pem'), '-passout', `pass:${PASS}`], { stdio: 'ignore' });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Changes one character of a line (a base64 or hex digit to another of the same alphabet). */
function flip(text: string, lineIndex: number, at: (line: string) => number): string {
  const lines = text.split('\n');
  const l = lines[lineIndex]!;
  const i = at(l);
  const ch = l[i]!;
  lines[lineIndex] = l.slice(0, i) + (ch === 'a' ? 'b' : 'a') + l.slice(i + 1);
  return lines.join('\n');
}

async function errorCode(text: string, passphrase: string): Promise<string | undefined> {
  const i = await inspectKey(text, { passphrase });
  return i.problems.find((p) => p.severity === 'error')?.code;
}

describe('tampered encrypted keys are named as damaged', () => {
  it('OpenSSH (bcrypt, aes256-ctr): a changed byte in the encrypted part', async () => {
    const text = readFileSync(path.join(dir, 'ossh'), 'utf8');
    expect(await errorCode(text, 'wrong one')).toBe('KEY_WRONG_PASSPHRASE');
    // Line 4 holds the start of the encrypted part, where the two check numbers are.
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > 0 && Buffer.from(lines.slice(1, i + 1).join(''), 'base64').length > 140);
    expect(await errorCode(flip(text, line, (l) => l.length - 10), PASS)).toBe('KEY_CORRUPT');
  });

  it('OpenSSH: a wrong passphrase whose check numbers come out a bit apart by chance is still a wrong passphrase', async () => {
    // The 1-in-3,000 chance made certain: the encrypted part is rewritten so that this wrong
    // passphrase decrypts it to check numbers one bit apart, followed by random bytes.
    const text = readFileSync(path.join(dir, 'ossh'), 'utf8');
    const body = text.split('\n').filter((l) => l && !l.startsWith('-----'));
    const blob = Buffer.from(body.join(''), 'base64');
    let at = 'openssh-key-v1\0'.length;
    const str = () => {
      const n = blob.readUInt32BE(at);
      const v = blob.subarray(at + 4, at + 4 + n);
      at += 4 + n;
      return v;
    };
    expect(str().toString()).toBe('aes256-ctr');
    str(); // kdf name
    const opts = str();
    const salt = opts.subarray(4, 4 + opts.readUInt32BE(0));
    const rounds = opts.readUInt32BE(4 + salt.length);
    at += 4; // number of keys
    str(); // public key
    const sectionAt = at + 4;
    const section = str();
    const wrong = 'not the passphrase';
    const km = bcryptPbkdf(Buffer.from(wrong), salt, rounds, 48);
    const stream = createCipheriv('aes-256-ctr', km.subarray(0, 32), km.subarray(32)).update(Buffer.alloc(section.length));
    const plain = randomBytes(section.length);
    plain.writeUInt32BE(0x12345678, 0);
    plain.writeUInt32BE(0x12345679, 4);
    const forged = Buffer.from(blob);
    for (let i = 0; i < section.length; i++) forged[sectionAt + i] = plain[i]! ^ stream[i]!;
    const lines = forged.toString('base64').match(/.{1,70}/g)!;
    const file = ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n');
    expect(await errorCode(file, wrong)).toBe('KEY_WRONG_PASSPHRASE');
  });

  it('PPK v3 (Argon2id): a changed Private-MAC, public line or private line', async () => {
    const text = readFileSync(path.join(dir, 'k.ppk'), 'utf8');
    expect(await errorCode(text, 'wrong one')).toBe('KEY_WRONG_PASSPHRASE');
    const lines = text.split('\n');
    const mac = lines.findIndex((l) => l.startsWith('Private-MAC:'));
    const pub = lines.findIndex((l) => l.startsWith('Public-Lines:')) + 1;
    expect(await errorCode(flip(text, mac, (l) => l.length - 1), PASS)).toBe('KEY_CORRUPT');
    expect(await errorCode(flip(text, pub, (l) => l.length - 8), PASS)).toBe('KEY_CORRUPT');
    const priv = lines.findIndex((l) => l.startsWith('Private-Lines:')) + 1;
    expect(await errorCode(flip(text, priv, (l) => l.length - 3), PASS)).toBe('KEY_CORRUPT');
  });

  it('PKCS#8 (PBES2, aes-256-cbc): a changed byte in the last blocks', async () => {
    const text = readFileSync(path.join(dir, 'p8.pem'), 'utf8');
    expect(await errorCode(text, 'wrong one')).toBe('KEY_WRONG_PASSPHRASE');
    const lines = text.split('\n');
    const last = lines.findIndex((l) => l.startsWith('-----END')) - 1;
    expect(await errorCode(flip(text, last, (l) => Math.max(0, l.length - 12)), PASS)).toBe('KEY_CORRUPT');
  });

  it('PEM (DEK-Info): an IV of the wrong length is damage, not a wrong passphrase', async () => {
    const text = readFileSync(path.join(dir, 'legacy.pem'), 'utf8');
    expect(await errorCode(text, 'wrong one')).toBe('KEY_WRONG_PASSPHRASE');
    const cut = text.replace(/(DEK-Info: AES-128-CBC,)([0-9A-F]+)/, (_m, head: string, iv: string) => head + iv.slice(0, 24));
    expect(cut).not.toBe(text);
    expect(await errorCode(cut, PASS)).toBe('KEY_CORRUPT');
  });
});

describe('where the format cannot tell, both causes are named', () => {
  it('OpenSSH with a changed bcrypt salt: "wrong passphrase, or the file was changed"', async () => {
    const text = readFileSync(path.join(dir, 'ossh'), 'utf8');
    const lines = text.split('\n');
    const blob = Buffer.from(lines.slice(1, -2).join(''), 'base64');
    // The salt sits right after "bcrypt" and the kdfoptions lengths.
    const at = blob.indexOf(Buffer.from('bcrypt')) + 'bcrypt'.length + 8;
    blob[at] = blob[at]! ^ 0xff;
    const b64 = blob.toString('base64').replace(/(.{70})/g, '$1\n').trim();
    const tampered = `${lines[0]}\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const i = await inspectKey(tampered, { passphrase: PASS });
    const p = i.problems.find((x) => x.severity === 'error');
    expect(p?.code).toBe('KEY_WRONG_PASSPHRASE');
    expect(p?.message).toMatch(/either the passphrase is wrong, or the file was changed/);
  });

  it('PKCS#8 with a changed PBKDF2 salt: both causes named', async () => {
    const text = readFileSync(path.join(dir, 'p8.pem'), 'utf8');
    const der = Buffer.from(text.split('\n').filter((l) => !l.startsWith('-----')).join(''), 'base64');
    // The first OCTET STRING of 8 or 16 bytes inside the PBKDF2 parameters is the salt.
    const at = der.findIndex((b, i) => b === 0x04 && (der[i + 1] === 8 || der[i + 1] === 16) && i > 20);
    der[at + 2] = der[at + 2]! ^ 0x55;
    const tampered = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
    const i = await inspectKey(tampered, { passphrase: PASS });
    const p = i.problems.find((x) => x.severity === 'error');
    expect(['KEY_WRONG_PASSPHRASE', 'KEY_CORRUPT']).toContain(p?.code);
    if (p?.code === 'KEY_WRONG_PASSPHRASE') expect(p.message).toMatch(/either the passphrase is wrong, or the file was changed/);
  });
});

describe('an unencrypted key with a changed byte is not a good key', () => {
  it('PKCS#8 RSA from openssl: a changed byte in the middle of the private part', async () => {
    const text = readFileSync(path.join(dir, 'plain.pem'), 'utf8');
    const lines = text.split('\n');
    let caught = 0;
    // Every line of the body in turn (the modulus, the exponents, the primes, the CRT numbers).
    for (let line = 1; line < lines.length - 2; line++) {
      const tampered = flip(text, line, (l) => Math.floor(l.length / 2));
      if (tampered === text) continue;
      const i = await inspectKey(tampered, {});
      const err = i.problems.find((x) => x.severity === 'error');
      expect(err?.code, `line ${line}`).toBe('KEY_CORRUPT');
      caught++;
    }
    expect(caught).toBeGreaterThan(20);
  });
});
