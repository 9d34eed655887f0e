/**
 * PKCS#8 keys encrypted with the old PBES1 / PKCS#12 schemes, written by OpenSSL itself
 * (`openssl pkcs8 -topk8 -v1 ...`, the legacy provider for DES, RC2 and RC4): each opens with
 * the passphrase to the key ssh-keygen reads from the unencrypted original, and a wrong
 * passphrase is named as such.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectKey } from './index';

const SCHEMES = ['PBE-MD5-DES', 'PBE-SHA1-DES', 'PBE-MD5-RC2-64', 'PBE-SHA1-RC2-64', 'PBE-SHA1-3DES', 'PBE-SHA1-2DES', 'PBE-SHA1-RC2-40', 'PBE-SHA1-RC2-128', 'PBE-SHA1-RC4-40', 'PBE-SHA1-RC4-128'];
let dir: string;
let plain: string;
let expected: string;

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
  } catch {
    // DES, RC2 and RC4 live in OpenSSL 3's legacy provider.
    execFileSync('openssl', [...args, '-provider', 'legacy', '-provider', 'default'], { stdio: 'pipe' });
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sftp-doctor-pbes1-'));
  plain = path.join(dir, 'plain.pem');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', plain]);
  const pub = execFileSync('ssh-keygen', ['-y', '-f', plain]).toString();
  writeFileSync(path.join(dir, 'plain.pub'), pub);
  expected = execFileSync('ssh-keygen', ['-l', '-f', path.join(dir, 'plain.pub')]).toString().split(' ')[1]!;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PKCS#8 keys with old (PBES1 / PKCS#12) encryption', () => {
  it.each(SCHEMES)('%s: opens with the passphrase, names a wrong one', async (scheme) => {
    const file = path.join(dir, `${scheme}.pem`);
    openssl(['pkcs8', '-topk8', '-v1', scheme, '-in', plain, '-out', file, '-passout', 'pass:old scheme']);
    const data = readFileSync(file);
    const good = await inspectKey(data, { passphrase: 'old scheme' });
    expect(good.fingerprint_sha256, JSON.stringify(good.problems)).toBe(expected);
    expect(good.passphraseChecked).toBe(true);
    expect(good.encryption?.cipher).toContain(scheme);
    const wrong = await inspectKey(data, { passphrase: 'not it' });
    expect(wrong.problems[0]?.code).toBe('KEY_WRONG_PASSPHRASE');
    const none = await inspectKey(data);
    expect(none.problems.map((p) => p.code)).toContain('KEY_NEEDS_PASSPHRASE');
  });
});
