import { createDecipheriv, createHash } from 'node:crypto';

/**
 * The old password-based encryptions of PKCS#8 keys (`openssl pkcs8 -topk8 -v1 ...`): PKCS#5
 * v1.5 "PBES1" (PBKDF1 with MD5 or SHA-1, then DES or RC2) and PKCS#12's PBE (its own SHA-1
 * key derivation, then 3DES, 2-key 3DES, RC2 or RC4). OpenSSL 3 moved single DES, RC2 and RC4
 * to its "legacy" provider, which Node does not load: single DES is run as 3DES with one key
 * three times, and RC2 and RC4 are written out here (RFC 2268; RC4 is a dozen lines).
 */

export interface Pbes1Scheme {
  name: string;
  /** PKCS#5 v1.5 (PBKDF1) or PKCS#12 key derivation. */
  kdf: 'pbkdf1-md5' | 'pbkdf1-sha1' | 'pkcs12-sha1';
  cipher: 'des-cbc' | 'des-ede3-cbc' | 'des-ede-cbc' | 'rc2-cbc' | 'rc4';
  keyLen: number;
  /** RC2's effective key bits. */
  rc2Bits?: number;
}

export const PBES1_SCHEMES: Record<string, Pbes1Scheme> = {
  '1.2.840.113549.1.5.3': { name: 'PBE-MD5-DES', kdf: 'pbkdf1-md5', cipher: 'des-cbc', keyLen: 8 },
  '1.2.840.113549.1.5.6': { name: 'PBE-MD5-RC2-64', kdf: 'pbkdf1-md5', cipher: 'rc2-cbc', keyLen: 8, rc2Bits: 64 },
  '1.2.840.113549.1.5.10': { name: 'PBE-SHA1-DES', kdf: 'pbkdf1-sha1', cipher: 'des-cbc', keyLen: 8 },
  '1.2.840.113549.1.5.11': { name: 'PBE-SHA1-RC2-64', kdf: 'pbkdf1-sha1', cipher: 'rc2-cbc', keyLen: 8, rc2Bits: 64 },
  '1.2.840.113549.1.12.1.1': { name: 'PBE-SHA1-RC4-128', kdf: 'pkcs12-sha1', cipher: 'rc4', keyLen: 16 },
  '1.2.840.113549.1.12.1.2': { name: 'PBE-SHA1-RC4-40', kdf: 'pkcs12-sha1', cipher: 'rc4', keyLen: 5 },
  '1.2.840.113549.1.12.1.3': { name: 'PBE-SHA1-3DES', kdf: 'pkcs12-sha1', cipher: 'des-ede3-cbc', keyLen: 24 },
  '1.2.840.113549.1.12.1.4': { name: 'PBE-SHA1-2DES', kdf: 'pkcs12-sha1', cipher: 'des-ede-cbc', keyLen: 16 },
  '1.2.840.113549.1.12.1.5': { name: 'PBE-SHA1-RC2-128', kdf: 'pkcs12-sha1', cipher: 'rc2-cbc', keyLen: 16, rc2Bits: 128 },
  '1.2.840.113549.1.12.1.6': { name: 'PBE-SHA1-RC2-40', kdf: 'pkcs12-sha1', cipher: 'rc2-cbc', keyLen: 5, rc2Bits: 40 },
};

/** MD2 based PBES1 (PKCS#5 OIDs .1 and .4): named so the message can say which, never run. */
export const PBES1_MD2 = new Set(['1.2.840.113549.1.5.1', '1.2.840.113549.1.5.4']);

/** PBKDF1 (PKCS#5 v1.5): hash(password || salt), hashed again count-1 times; 8 bytes key, 8 bytes IV. */
function pbkdf1(hash: 'md5' | 'sha1', pass: Buffer, salt: Buffer, count: number): { key: Buffer; iv: Buffer } {
  let t = createHash(hash).update(pass).update(salt).digest();
  for (let i = 1; i < count; i++) t = createHash(hash).update(t).digest();
  return { key: t.subarray(0, 8), iv: t.subarray(8, 16) };
}

/** PKCS#12 key derivation (RFC 7292 appendix B.2) with SHA-1; id 1 = key, 2 = IV. */
function pkcs12Kdf(pass: Buffer, salt: Buffer, count: number, id: number, n: number): Buffer {
  const v = 64;
  const u = 20;
  // The password as a BMPString (UTF-16 big-endian) with a two-byte zero terminator.
  const utf16 = Buffer.from(pass.toString('utf8'), 'utf16le');
  utf16.swap16();
  const bmp = Buffer.concat([utf16, Buffer.alloc(2)]);
  const repeat = (b: Buffer): Buffer => {
    if (b.length === 0) return b;
    const out = Buffer.alloc(v * Math.ceil(b.length / v));
    for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]!;
    return out;
  };
  const I = Buffer.concat([repeat(salt), repeat(bmp)]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  let got = 0;
  while (got < n) {
    let a = createHash('sha1').update(D).update(I).digest();
    for (let i = 1; i < count; i++) a = createHash('sha1').update(a).digest();
    out.push(a);
    got += u;
    if (got >= n) break;
    const B = Buffer.alloc(v);
    for (let i = 0; i < v; i++) B[i] = a[i % u]!;
    for (let j = 0; j < I.length; j += v) {
      // I_j = (I_j + B + 1) mod 2^(8v), big-endian.
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const s = I[j + k]! + B[k]! + carry;
        I[j + k] = s & 0xff;
        carry = s >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

// RFC 2268's PITABLE: a permutation of 0..255 derived from the digits of pi.
const PITABLE = Uint8Array.from([
  0xd9, 0x78, 0xf9, 0xc4, 0x19, 0xdd, 0xb5, 0xed, 0x28, 0xe9, 0xfd, 0x79, 0x4a, 0xa0, 0xd8, 0x9d, 0xc6, 0x7e, 0x37, 0x83, 0x2b, 0x76, 0x53, 0x8e, 0x62, 0x4c, 0x64, 0x88, 0x44, 0x8b, 0xfb, 0xa2,
  0x17, 0x9a, 0x59, 0xf5, 0x87, 0xb3, 0x4f, 0x13, 0x61, 0x45, 0x6d, 0x8d, 0x09, 0x81, 0x7d, 0x32, 0xbd, 0x8f, 0x40, 0xeb, 0x86, 0xb7, 0x7b, 0x0b, 0xf0, 0x95, 0x21, 0x22, 0x5c, 0x6b, 0x4e, 0x82,
  0x54, 0xd6, 0x65, 0x93, 0xce, 0x60, 0xb2, 0x1c, 0x73, 0x56, 0xc0, 0x14, 0xa7, 0x8c, 0xf1, 0xdc, 0x12, 0x75, 0xca, 0x1f, 0x3b, 0xbe, 0xe4, 0xd1, 0x42, 0x3d, 0xd4, 0x30, 0xa3, 0x3c, 0xb6, 0x26,
  0x6f, 0xbf, 0x0e, 0xda, 0x46, 0x69, 0x07, 0x57, 0x27, 0xf2, 0x1d, 0x9b, 0xbc, 0x94, 0x43, 0x03, 0xf8, 0x11, 0xc7, 0xf6, 0x90, 0xef, 0x3e, 0xe7, 0x06, 0xc3, 0xd5, 0x2f, 0xc8, 0x66, 0x1e, 0xd7,
  0x08, 0xe8, 0xea, 0xde, 0x80, 0x52, 0xee, 0xf7, 0x84, 0xaa, 0x72, 0xac, 0x35, 0x4d, 0x6a, 0x2a, 0x96, 0x1a, 0xd2, 0x71, 0x5a, 0x15, 0x49, 0x74, 0x4b, 0x9f, 0xd0, 0x5e, 0x04, 0x18, 0xa4, 0xec,
  0xc2, 0xe0, 0x41, 0x6e, 0x0f, 0x51, 0xcb, 0xcc, 0x24, 0x91, 0xaf, 0x50, 0xa1, 0xf4, 0x70, 0x39, 0x99, 0x7c, 0x3a, 0x85, 0x23, 0xb8, 0xb4, 0x7a, 0xfc, 0x02, 0x36, 0x5b, 0x25, 0x55, 0x97, 0x31,
  0x2d, 0x5d, 0xfa, 0x98, 0xe3, 0x8a, 0x92, 0xae, 0x05, 0xdf, 0x29, 0x10, 0x67, 0x6c, 0xba, 0xc9, 0xd3, 0x00, 0xe6, 0xcf, 0xe1, 0x9e, 0xa8, 0x2c, 0x63, 0x16, 0x01, 0x3f, 0x58, 0xe2, 0x89, 0xa9,
  0x0d, 0x38, 0x34, 0x1b, 0xab, 0x33, 0xff, 0xb0, 0xbb, 0x48, 0x0c, 0x5f, 0xb9, 0xb1, 0xcd, 0x2e, 0xc5, 0xf3, 0xdb, 0x47, 0xe5, 0xa5, 0x9c, 0x77, 0x0a, 0xa6, 0x20, 0x68, 0xfe, 0x7f, 0xc1, 0xad,
]);

/** RC2 key schedule: 64 sixteen-bit words from the key and the effective key length in bits. */
function rc2Schedule(key: Buffer, bits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key.subarray(0, 128));
  const t = Math.min(key.length, 128);
  for (let i = t; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - t]!) & 0xff]!;
  const t8 = (bits + 7) >> 3;
  const tm = 0xff >> (8 * t8 - bits);
  L[128 - t8] = PITABLE[L[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + t8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

function rc2DecryptBlock(K: Uint16Array, block: Buffer, out: Buffer, at: number): void {
  const R = [block.readUInt16LE(0), block.readUInt16LE(2), block.readUInt16LE(4), block.readUInt16LE(6)];
  const S = [1, 2, 3, 5];
  let j = 63;
  const mixRound = () => {
    for (let i = 3; i >= 0; i--) {
      const r = R[i]!;
      R[i] = ((r >>> S[i]!) | (r << (16 - S[i]!))) & 0xffff;
      R[i] = (R[i]! - K[j--]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & 0xffff;
    }
  };
  const mashRound = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) & 3]! & 63]!) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mixRound();
  mashRound();
  for (let n = 0; n < 6; n++) mixRound();
  mashRound();
  for (let n = 0; n < 5; n++) mixRound();
  for (let i = 0; i < 4; i++) out.writeUInt16LE(R[i]!, at + 2 * i);
}

function rc2CbcDecrypt(key: Buffer, bits: number, iv: Buffer, data: Buffer): Buffer {
  const K = rc2Schedule(key, bits);
  const out = Buffer.alloc(data.length);
  let prev = iv;
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const block = data.subarray(i, i + 8);
    rc2DecryptBlock(K, block, out, i);
    for (let k = 0; k < 8; k++) out[i + k] = out[i + k]! ^ prev[k]!;
    prev = block;
  }
  return out;
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const S = new Uint8Array(256);
  for (let i = 0; i < 256; i++) S[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + S[i]! + key[i % key.length]!) & 0xff;
    [S[i], S[j]] = [S[j]!, S[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + S[i]!) & 0xff;
    [S[i], S[j]] = [S[j]!, S[i]!];
    out[n] = data[n]! ^ S[(S[i]! + S[j]!) & 0xff]!;
  }
  return out;
}

function cbc(node: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const d = createDecipheriv(node, key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}

/** Block size of the scheme's cipher (0 for the stream cipher RC4, which has no padding). */
export function pbes1BlockSize(s: Pbes1Scheme): number {
  return s.cipher === 'rc4' ? 0 : 8;
}

/** Decrypts (without removing the padding). */
export function pbes1Decrypt(s: Pbes1Scheme, pass: Buffer, salt: Buffer, count: number, data: Buffer): Buffer {
  let key: Buffer;
  let iv: Buffer;
  if (s.kdf === 'pkcs12-sha1') {
    key = pkcs12Kdf(pass, salt, count, 1, s.keyLen);
    iv = s.cipher === 'rc4' ? Buffer.alloc(0) : pkcs12Kdf(pass, salt, count, 2, 8);
  } else {
    ({ key, iv } = pbkdf1(s.kdf === 'pbkdf1-md5' ? 'md5' : 'sha1', pass, salt, count));
  }
  switch (s.cipher) {
    case 'rc4':
      return rc4(key, data);
    case 'rc2-cbc':
      return rc2CbcDecrypt(key, s.rc2Bits ?? key.length * 8, iv, data);
    case 'des-cbc':
      // Single DES = 3DES with the same key three times (OpenSSL 3 keeps "des-cbc" in its legacy provider).
      return cbc('des-ede3-cbc', Buffer.concat([key, key, key]), iv, data);
    default:
      return cbc(s.cipher, key, iv, data);
  }
}
