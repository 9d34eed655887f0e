import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

/** Symmetric pieces shared by the codecs. */

export interface CipherSpec {
  /** Node/OpenSSL name. */
  node: string;
  keyLen: number;
  ivLen: number;
  blockSize: number;
  /** AEAD tag length (GCM), 0 otherwise. */
  tagLen: number;
}

/** The OpenSSH private-key ciphers we can open (names as in the file). */
export const OPENSSH_CIPHERS: Record<string, CipherSpec> = {
  'aes128-ctr': { node: 'aes-128-ctr', keyLen: 16, ivLen: 16, blockSize: 16, tagLen: 0 },
  'aes192-ctr': { node: 'aes-192-ctr', keyLen: 24, ivLen: 16, blockSize: 16, tagLen: 0 },
  'aes256-ctr': { node: 'aes-256-ctr', keyLen: 32, ivLen: 16, blockSize: 16, tagLen: 0 },
  'aes128-cbc': { node: 'aes-128-cbc', keyLen: 16, ivLen: 16, blockSize: 16, tagLen: 0 },
  'aes192-cbc': { node: 'aes-192-cbc', keyLen: 24, ivLen: 16, blockSize: 16, tagLen: 0 },
  'aes256-cbc': { node: 'aes-256-cbc', keyLen: 32, ivLen: 16, blockSize: 16, tagLen: 0 },
  'aes128-gcm@openssh.com': { node: 'aes-128-gcm', keyLen: 16, ivLen: 12, blockSize: 16, tagLen: 16 },
  'aes256-gcm@openssh.com': { node: 'aes-256-gcm', keyLen: 32, ivLen: 12, blockSize: 16, tagLen: 16 },
  '3des-cbc': { node: 'des-ede3-cbc', keyLen: 24, ivLen: 8, blockSize: 8, tagLen: 0 },
};

/** Decrypts without padding; throws (a Node error) only on a GCM tag mismatch. */
export function rawDecrypt(spec: CipherSpec, key: Buffer, iv: Buffer, data: Buffer, tag?: Buffer): Buffer {
  const d = createDecipheriv(spec.node, key, iv);
  d.setAutoPadding(false);
  if (spec.tagLen && tag) (d as unknown as { setAuthTag(t: Buffer): void }).setAuthTag(tag);
  return Buffer.concat([d.update(data), d.final()]);
}

export function rawEncrypt(spec: CipherSpec, key: Buffer, iv: Buffer, data: Buffer): { data: Buffer; tag: Buffer | null } {
  const c = createCipheriv(spec.node, key, iv);
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(data), c.final()]);
  const tag = spec.tagLen ? (c as unknown as { getAuthTag(): Buffer }).getAuthTag() : null;
  return { data: out, tag };
}

export function md5(...parts: Uint8Array[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha1(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration (legacy PEM "DEK-Info" encryption). */
export function evpBytesToKey(pass: Buffer, salt: Buffer, keyLen: number): Buffer {
  const out: Buffer[] = [];
  let prev: Buffer = Buffer.alloc(0);
  let total = 0;
  while (total < keyLen) {
    prev = md5(prev, pass, salt);
    out.push(prev);
    total += prev.length;
  }
  return Buffer.concat(out).subarray(0, keyLen);
}

// --- single DES, for SSH-1's "inner CBC" triple DES --------------------------------------------

let desCipherName: string | null | undefined;

/**
 * Single DES is gone from OpenSSL 3's default provider ("des-cbc", "des-ecb"), but triple DES in
 * ECB mode with K1 = K2 = K3 is exactly single DES (E·D·E with one key = E). Checked once against
 * the classic test vector (key 133457799BBCDFF1, 0123456789ABCDEF -> 85E813540F0AB405).
 */
function desEcbName(): string | null {
  if (desCipherName !== undefined) return desCipherName;
  desCipherName = null;
  const k = Buffer.from('133457799BBCDFF1', 'hex');
  for (const [name, key] of [
    ['des-ede3-ecb', Buffer.concat([k, k, k])],
    ['des-ede-ecb', Buffer.concat([k, k])],
    ['des-ecb', k],
  ] as const) {
    try {
      const c = createCipheriv(name, key, null);
      c.setAutoPadding(false);
      if (c.update(Buffer.from('0123456789ABCDEF', 'hex')).toString('hex') === '85e813540f0ab405') {
        desCipherName = name;
        break;
      }
    } catch {
      // not available in this build: try the next one
    }
  }
  return desCipherName;
}

export function singleDesAvailable(): boolean {
  return desEcbName() !== null;
}

function desEcb(key8: Buffer, decrypt: boolean): (block: Buffer) => Buffer {
  const name = desEcbName();
  if (!name) throw new Error('DES is not available in this build of Node');
  const key = name === 'des-ede3-ecb' ? Buffer.concat([key8, key8, key8]) : name === 'des-ede-ecb' ? Buffer.concat([key8, key8]) : key8;
  const c = decrypt ? createDecipheriv(name, key, null) : createCipheriv(name, key, null);
  c.setAutoPadding(false);
  return (block) => c.update(block);
}

function desCbc(key8: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const f = desEcb(key8, decrypt);
  const out = Buffer.alloc(data.length);
  let prev: Buffer = Buffer.alloc(8);
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const block = data.subarray(i, i + 8);
    if (decrypt) {
      const plain = f(block);
      for (let j = 0; j < 8; j++) out[i + j] = plain[j]! ^ prev[j]!;
      prev = Buffer.from(block);
    } else {
      const x = Buffer.alloc(8);
      for (let j = 0; j < 8; j++) x[j] = block[j]! ^ prev[j]!;
      prev = f(x);
      prev.copy(out, i);
    }
  }
  return out;
}

/** SSH-1 private-key 3DES: three separate CBC passes, keys from MD5(passphrase), IV zero. */
export function ssh1TripleDes(pass: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const h = md5(pass);
  const k1 = h.subarray(0, 8);
  const k2 = h.subarray(8, 16);
  if (decrypt) return desCbc(k1, desCbc(k2, desCbc(k1, data, true), false), true);
  return desCbc(k1, desCbc(k2, desCbc(k1, data, false), true), false);
}

// --- chacha20-poly1305@openssh.com, as OpenSSH uses it for key files (sequence number 0) --------

function poly1305(key: Buffer, msg: Buffer): Buffer {
  const le = (b: Buffer): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const chunk = msg.subarray(i, i + 16);
    acc = ((acc + le(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(tag.toString(16).padStart(32, '0'), 'hex').reverse();
}

/** OpenSSL's 16-byte ChaCha20 IV = 32-bit LE block counter | 96-bit nonce; OpenSSH uses a 64-bit counter | 64-bit nonce. */
function chachaIv(counter: number, seq: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32LE(counter, 0);
  seq.copy(iv, 8);
  return iv;
}

/** Decrypts an OpenSSH "chacha20-poly1305@openssh.com" key section; null when the tag does not match. */
export function chachaPolyOpen(key64: Buffer, data: Buffer, tag: Buffer): Buffer | null {
  const seq = Buffer.alloc(8);
  const mainKey = key64.subarray(0, 32);
  const polyKey = createCipheriv('chacha20', mainKey, chachaIv(0, seq)).update(Buffer.alloc(32));
  const expected = poly1305(polyKey, data);
  if (expected.length !== tag.length || !expected.equals(tag)) return null;
  return createDecipheriv('chacha20', mainKey, chachaIv(1, seq)).update(data);
}
