import { createHash } from 'node:crypto';
import { BLOWFISH_PI_WORDS_B64 } from './blowfish-pi';

/**
 * bcrypt_pbkdf as OpenSSH uses it for "openssh-key-v1" private keys (PROTOCOL.key; OpenBSD
 * bcrypt_pbkdf.c). Written for speed: one Int32Array holds P (0..17) and the S-boxes
 * (18..1041), the Blowfish rounds are unrolled and the 64-byte keys are pre-split into words.
 */

const WORDS = 18 + 1024;
let initialState: Int32Array | undefined;

function piState(): Int32Array {
  if (!initialState) {
    const raw = Buffer.from(BLOWFISH_PI_WORDS_B64, 'base64');
    initialState = new Int32Array(WORDS);
    for (let i = 0; i < WORDS; i++) initialState[i] = raw.readInt32LE(i * 4);
  }
  return initialState;
}

/** 64 bytes as 16 big-endian words (what Blowfish_stream2word yields for a 64-byte key). */
function words16(buf: Uint8Array): Int32Array {
  const w = new Int32Array(16);
  for (let i = 0; i < 16; i++) w[i] = (buf[i * 4]! << 24) | (buf[i * 4 + 1]! << 16) | (buf[i * 4 + 2]! << 8) | buf[i * 4 + 3]!;
  return w;
}

/**
 * Blowfish_expandstate (data given) or Blowfish_expand0state (data null): XOR the key into P,
 * then re-encrypt the whole state, chaining, optionally XOR-ing the data stream in.
 * P changes only during the first 9 blocks; the 512 S-box blocks after that run with P held in
 * local variables and the 16 rounds unrolled (most of bcrypt's time is spent here).
 */
function expand(s: Int32Array, key: Int32Array, data: Int32Array | null): void {
  for (let i = 0; i < 18; i++) s[i] = s[i]! ^ key[i & 15]!;
  let l = 0;
  let r = 0;
  let j = 0;
  for (let i = 0; i < 18; i += 2) {
    if (data !== null) {
      l ^= data[j]!;
      r ^= data[j + 1]!;
      j = (j + 2) & 15;
    }
    l ^= s[0]!;
    for (let n = 1; n <= 16; n += 2) {
      r ^= ((((s[18 + (l >>> 24)]! + s[274 + ((l >>> 16) & 0xff)]!) | 0) ^ s[530 + ((l >>> 8) & 0xff)]!) + s[786 + (l & 0xff)]!) ^ s[n]!;
      l ^= ((((s[18 + (r >>> 24)]! + s[274 + ((r >>> 16) & 0xff)]!) | 0) ^ s[530 + ((r >>> 8) & 0xff)]!) + s[786 + (r & 0xff)]!) ^ s[n + 1]!;
    }
    const t = l;
    l = r ^ s[17]!;
    r = t;
    s[i] = l;
    s[i + 1] = r;
  }
  const p0 = s[0]!;
  const p1 = s[1]!;
  const p2 = s[2]!;
  const p3 = s[3]!;
  const p4 = s[4]!;
  const p5 = s[5]!;
  const p6 = s[6]!;
  const p7 = s[7]!;
  const p8 = s[8]!;
  const p9 = s[9]!;
  const p10 = s[10]!;
  const p11 = s[11]!;
  const p12 = s[12]!;
  const p13 = s[13]!;
  const p14 = s[14]!;
  const p15 = s[15]!;
  const p16 = s[16]!;
  const p17 = s[17]!;
  const d = data ?? ZERO16;
  const s0 = s.subarray(18, 274);
  const s1 = s.subarray(274, 530);
  const s2 = s.subarray(530, 786);
  const s3 = s.subarray(786, 1042);
  for (let i = 18; i < WORDS; i += 2) {
    l ^= d[j]!;
    r ^= d[j + 1]!;
    j = (j + 2) & 15;
    l ^= p0;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p1;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p2;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p3;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p4;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p5;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p6;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p7;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p8;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p9;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p10;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p11;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p12;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p13;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p14;
      r ^= ((((s0[(l >>> 24)]! + s1[((l >>> 16) & 0xff)]!) | 0) ^ s2[((l >>> 8) & 0xff)]!) + s3[(l & 0xff)]!) ^ p15;
      l ^= ((((s0[(r >>> 24)]! + s1[((r >>> 16) & 0xff)]!) | 0) ^ s2[((r >>> 8) & 0xff)]!) + s3[(r & 0xff)]!) ^ p16;
    const t = l;
    l = r ^ p17;
    r = t;
    s[i] = l;
    s[i + 1] = r;
  }
}

const ZERO16 = new Int32Array(16);

function encipherBlocks(s: Int32Array, c: Int32Array): void {
  for (let b = 0; b < c.length; b += 2) {
    let l = c[b]!;
    let r = c[b + 1]!;
    l ^= s[0]!;
    for (let n = 1; n <= 16; n += 2) {
      r ^= ((((s[18 + (l >>> 24)]! + s[274 + ((l >>> 16) & 0xff)]!) | 0) ^ s[530 + ((l >>> 8) & 0xff)]!) + s[786 + (l & 0xff)]!) ^ s[n]!;
      l ^= ((((s[18 + (r >>> 24)]! + s[274 + ((r >>> 16) & 0xff)]!) | 0) ^ s[530 + ((r >>> 8) & 0xff)]!) + s[786 + (r & 0xff)]!) ^ s[n + 1]!;
    }
    c[b] = r ^ s[17]!;
    c[b + 1] = l;
  }
}

const MAGIC = words16(Buffer.concat([Buffer.from('OxychromaticBlowfishSwatDynamite'), Buffer.from('OxychromaticBlowfishSwatDynamite')])).subarray(0, 8);

function bcryptHash(state: Int32Array, pass: Int32Array, salt: Int32Array, out: Uint8Array): void {
  state.set(piState());
  expand(state, pass, salt);
  for (let i = 0; i < 64; i++) {
    expand(state, salt, null);
    expand(state, pass, null);
  }
  const c = Int32Array.from(MAGIC);
  for (let i = 0; i < 64; i++) encipherBlocks(state, c);
  for (let i = 0; i < 8; i++) {
    const w = c[i]!;
    out[i * 4] = w & 0xff;
    out[i * 4 + 1] = (w >>> 8) & 0xff;
    out[i * 4 + 2] = (w >>> 16) & 0xff;
    out[i * 4 + 3] = (w >>> 24) & 0xff;
  }
}

function sha512(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Largest rounds value we agree to run (OpenSSH writes 16; each round costs ~7 ms). */
export const BCRYPT_MAX_ROUNDS = 1000;

export function bcryptPbkdf(pass: Uint8Array, salt: Uint8Array, rounds: number, keyLen: number): Buffer {
  if (rounds < 1 || rounds > BCRYPT_MAX_ROUNDS) throw new RangeError(`bcrypt rounds ${rounds} out of range`);
  if (keyLen < 1 || keyLen > 1024 || salt.length === 0 || salt.length > 1 << 20) throw new RangeError('bad bcrypt_pbkdf parameters');
  const key = Buffer.alloc(keyLen);
  const stride = Math.ceil(keyLen / 32);
  let amt = Math.ceil(keyLen / stride);
  const passWords = words16(sha512(pass));
  const state = new Int32Array(WORDS);
  const tmp = new Uint8Array(32);
  const out = new Uint8Array(32);
  let remaining = keyLen;
  for (let count = 1; remaining > 0; count++) {
    const countSalt = Buffer.alloc(4);
    countSalt.writeUInt32BE(count);
    bcryptHash(state, passWords, words16(sha512(salt, countSalt)), tmp);
    out.set(tmp);
    for (let i = 1; i < rounds; i++) {
      bcryptHash(state, passWords, words16(sha512(tmp)), tmp);
      for (let j = 0; j < 32; j++) out[j]! ^= tmp[j]!;
    }
    amt = Math.min(amt, remaining);
    let i = 0;
    for (; i < amt; i++) {
      const dest = i * stride + (count - 1);
      if (dest >= keyLen) break;
      key[dest] = out[i]!;
    }
    remaining -= i;
  }
  return key;
}
