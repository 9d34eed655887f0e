/**
 * An encrypted key whose bytes were changed after it was saved is named as damaged
 * (KEY_CORRUPT) when the format can tell, not as a wrong passphrase or a good key: OpenSSH's
 * counter-mode cipher (check numbers a few bits apart), PuTTY's Private-MAC over a private part
 * that still reads as the key, PKCS#8 whose decrypted DER header still fits. A wrong passphrase
 * on the untouched file is still called a wrong passphrase.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectKey } from './index';

let dir: string;
const PASS = 'tamper test';

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sftp-doctor-tamper-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', PASS, '-f', path.join(dir, 'ossh')]);
  writeFileSync(path.join(dir, 'pass'), PASS);
  execFileSync('puttygen', ['-t', 'ed25519', '-o', path.join(dir, 'k.ppk'), '--new-passphrase', path.join(dir, 'pass')]);
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', path.join(dir, 'plain.pem')]);
  execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', path.join(dir, 'plain.pem'), '-out', path.join(dir, 'p8.pem'), '-passout', `pass:${PASS}`]);
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
});
