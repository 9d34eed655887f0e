import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_FORMATS } from '../../shared/keys';
import { inspectKey, loadPrivateKeyForSsh, KeyError } from './index';
import { type Corpus, PASS, buildCorpus } from './test-corpus';

let corpus: Corpus;
beforeAll(async () => {
  corpus = await buildCorpus('small');
}, 120_000);
afterAll(async () => {
  await corpus?.cleanup();
});

const KNOWN_CODES = ['KEY_IS_PUBLIC', 'KEY_NEEDS_PASSPHRASE', 'KEY_WRONG_PASSPHRASE', 'KEY_UNSUPPORTED_FORMAT', 'KEY_CORRUPT', 'KEY_WEAK', 'KEY_SSH1', 'KEY_UNENCRYPTED', 'KEY_PPK3_OLD_TOOLS', 'KEY_MANGLED'];

/** A mutation of the bytes: truncate, flip a bit, delete, insert or overwrite a byte. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), value: fc.integer({ min: 0, max: 255 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(buf: Buffer, muts: Mutation[]): Buffer {
  let b = Buffer.from(buf);
  for (const m of muts) {
    const at = Math.min(b.length, Math.floor(m.at * b.length));
    if (m.kind === 'truncate') b = b.subarray(0, at);
    else if (m.kind === 'flip' && at < b.length) b[at] = b[at]! ^ (1 << m.bit);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    else if (m.kind === 'set' && at < b.length) b[at] = m.value;
  }
  return b;
}

describe('mutated and truncated keys: no crash, no hang, only clear answers', () => {
  // Cheap-to-open keys (the expensive KDFs would make each run slow; their parsing is shared).
  const names = ['ossh-ed25519', 'ossh-ecdsa256', 'pem-rsa2048', 'ppk3-ed25519', 'sec1-ecdsa384', 'dropbear-ed25519', 'ossh-dsa', 'ssh1-rsa1024-enc', 'sshcom-rsa2048-enc'];
  for (const name of names) {
    it(name, async () => {
      const k = corpus.byName(name);
      const original = await readFile(k.file);
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (muts) => {
          const input = apply(original, muts);
          const t0 = performance.now();
          const i = await inspectKey(input, { passphrase: k.encrypted ? PASS : undefined });
          expect(performance.now() - t0).toBeLessThan(2000);
          expect(KEY_FORMATS).toContain(i.format);
          for (const p of i.problems) {
            expect(KNOWN_CODES).toContain(p.code);
            expect(p.message.length).toBeGreaterThan(10);
            expect(p.fix.length).toBeGreaterThan(10);
            expect(`${p.message} ${p.fix}`).not.toMatch(/undefined|\[object|NaN|TypeError|RangeError/);
          }
          const hasError = i.problems.some((p) => p.severity === 'error');
          // Whatever still reads as a usable private key must be the same key, never another one.
          if (i.kind === 'private' && !hasError) expect(i.fingerprint_sha256).toBe(k.sha256);
          // The loader agrees with the inspector, and fails only with a typed KeyError.
          try {
            const ready = await loadPrivateKeyForSsh(input, k.encrypted ? PASS : undefined);
            expect(ready.fingerprint_sha256).toBe(k.sha256);
          } catch (e) {
            expect(e).toBeInstanceOf(KeyError);
          }
        }),
        { numRuns: 60, seed: 20260521 + name.length },
      );
    }, 60_000);
  }
});
