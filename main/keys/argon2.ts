/**
 * Argon2 (RFC 9106) for PuTTY's PPK v3 keys, loaded only when such a key is opened or written.
 *
 * The work is done by @node-rs/argon2 (RustCrypto's argon2, prebuilt per platform and bound with
 * Node-API, so the same binary loads in Node and in Electron's main process without a rebuild):
 * with PuTTYgen's defaults (Argon2id, 8 MiB, ~13 passes) it takes ~20 ms where hash-wasm's
 * WebAssembly took ~110-150 ms and the `argon2` package (libargon2) ~60 ms (`npm run bench`).
 * Where no binary exists for the platform (or it fails to load), hash-wasm computes the same bytes.
 */

import { loadPackage } from '../common/load-package';

export type Argon2Variant = 'Argon2id' | 'Argon2i' | 'Argon2d';

export interface Argon2Params {
  variant: Argon2Variant;
  memoryKiB: number;
  passes: number;
  parallelism: number;
  salt: Buffer;
}

type Derive = (params: Argon2Params, password: Buffer, length: number) => Promise<Buffer>;

export type Argon2Engine = 'native' | 'wasm';

const deriveWasm: Derive = async (p, password, length) => {
  const { argon2d, argon2i, argon2id } = await loadPackage<typeof import('hash-wasm')>('hash-wasm');
  const fn = p.variant === 'Argon2id' ? argon2id : p.variant === 'Argon2i' ? argon2i : argon2d;
  const out = await fn({ password, salt: p.salt, iterations: p.passes, memorySize: p.memoryKiB, parallelism: p.parallelism, hashLength: length, outputType: 'binary' });
  return Buffer.from(out);
};

/** @node-rs/argon2's Algorithm (a const enum in its typings): Argon2d 0, Argon2i 1, Argon2id 2. */
const ALGORITHM = { Argon2d: 0, Argon2i: 1, Argon2id: 2 } as const;

async function loadNative(): Promise<Derive | null> {
  try {
    const native = await loadPackage<typeof import('@node-rs/argon2')>('@node-rs/argon2');
    return (p, password, length) =>
      native.hashRaw(password, {
        algorithm: ALGORITHM[p.variant],
        memoryCost: p.memoryKiB,
        timeCost: p.passes,
        parallelism: p.parallelism,
        outputLen: length,
        salt: p.salt,
      });
  } catch {
    return null; // no prebuilt binary for this platform: WebAssembly below
  }
}

let engine: Promise<{ name: Argon2Engine; derive: Derive }> | undefined;

function pickEngine(): Promise<{ name: Argon2Engine; derive: Derive }> {
  engine ??= (async () => {
    const native = process.env.SFTP_DOCTOR_ARGON2 === 'wasm' ? null : await loadNative();
    return native ? { name: 'native' as const, derive: native } : { name: 'wasm' as const, derive: deriveWasm };
  })();
  return engine;
}

/** Which implementation derives keys in this process ('native' unless the binary is missing). */
export async function argon2Engine(): Promise<Argon2Engine> {
  return (await pickEngine()).name;
}

/**
 * Argon2 version 1.3 raw output of `length` bytes. The caller has already bounded and validated
 * the parameters (the native library refuses what the RFC does, e.g. a salt under 8 bytes).
 */
export async function argon2Raw(params: Argon2Params, password: Buffer, length: number, only?: Argon2Engine): Promise<Buffer> {
  if (only === 'wasm') return deriveWasm(params, password, length);
  const picked = await pickEngine();
  if (only === 'native' && picked.name !== 'native') throw new Error('The native Argon2 library is not available on this platform.');
  if (picked.name === 'wasm') return deriveWasm(params, password, length);
  try {
    return await picked.derive(params, password, length);
  } catch (err) {
    if (only === 'native') throw err;
    // Parameters the native binding refuses but the reference accepts: same answer, slower.
    return deriveWasm(params, password, length);
  }
}
