/**
 * The native Argon2 (used when it loads) and the WebAssembly fallback derive the same bytes, and
 * both open PPK v3 keys that PuTTYgen saved with each Argon2 variant and odd parameters (memory
 * not a multiple of 4 lanes, several lanes); a wrong passphrase stays a wrong passphrase.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2Engine, argon2Raw, type Argon2Params } from './argon2';
import { inspectKey } from './index';

const PASS = 'argon2 engines';
let dir: string;
const made: { name: string; text: string }[] = [];

const KDF_PARAMS = [
  'kdf=argon2id,memory=8192,passes=3,parallelism=1',
  'kdf=argon2i,memory=1000,passes=2,parallelism=3',
  'kdf=argon2d,memory=257,passes=1,parallelism=2',
];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sftp-doctor-argon2-'));
  writeFileSync(path.join(dir, 'pass'), PASS);
  for (const [i, params] of KDF_PARAMS.entries()) {
    const file = path.join(dir, `k${i}.ppk`);
    execFileSync('puttygen', ['-t', 'ed25519', '-o', file, '--new-passphrase', path.join(dir, 'pass'), '--ppk-param', params]);
    made.push({ name: params, text: readFileSync(file, 'utf8') });
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Argon2 for PPK v3', () => {
  it('uses the native library on this platform', async () => {
    expect(await argon2Engine()).toBe('native');
  });

  it('native and WebAssembly derive the same bytes for every variant and odd parameters', async () => {
    const salt = Buffer.from('0123456789abcdef0123', 'utf8');
    const cases: Argon2Params[] = [
      { variant: 'Argon2id', memoryKiB: 8192, passes: 2, parallelism: 1, salt },
      { variant: 'Argon2i', memoryKiB: 1001, passes: 3, parallelism: 3, salt: salt.subarray(0, 8) },
      { variant: 'Argon2d', memoryKiB: 64, passes: 1, parallelism: 8, salt },
    ];
    for (const c of cases) {
      const pass = Buffer.from([0xff, 0x00, 0x41, 0xc3]); // bytes that are not valid UTF-8
      const native = await argon2Raw(c, pass, 80, 'native');
      expect(native.length).toBe(80);
      expect(native.equals(await argon2Raw(c, pass, 80, 'wasm')), `${c.variant} ${c.memoryKiB} KiB p=${c.parallelism}`).toBe(true);
    }
  });

  it('opens keys PuTTYgen saved with each variant, and tells a wrong passphrase', async () => {
    for (const k of made) {
      const good = await inspectKey(k.text, { passphrase: PASS });
      expect(good.passphraseChecked, k.name).toBe(true);
      expect(good.problems.filter((p) => p.severity === 'error'), k.name).toEqual([]);
      const bad = await inspectKey(k.text, { passphrase: 'not it' });
      expect(bad.problems.map((p) => p.code), k.name).toContain('KEY_WRONG_PASSPHRASE');
    }
  });
});
