import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { der, derInt, derOid, octets, seq } from './asn1';
import { SshReader, SshWriter, bigToBuf, bitLength, bufToBig } from '../common/ssh-wire';
import { modPow } from './modmath';

/** The key material every codec reads into and writes from. */

export type EcdsaCurve = 'nistp256' | 'nistp384' | 'nistp521';
export type EcdsaType = `ecdsa-sha2-${EcdsaCurve}`;

export interface RsaKey {
  type: 'ssh-rsa';
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  /** q^-1 mod p */
  iqmp: bigint;
}
export interface DsaKey {
  type: 'ssh-dss';
  p: bigint;
  q: bigint;
  g: bigint;
  y: bigint;
  x: bigint;
}
export interface EcdsaKey {
  type: EcdsaType;
  curve: EcdsaCurve;
  /** Uncompressed point 04|X|Y. */
  Q: Buffer;
  d: bigint;
}
export interface Ed25519Key {
  type: 'ssh-ed25519';
  pub: Buffer;
  seed: Buffer;
}
export type PrivateKeyData = RsaKey | DsaKey | EcdsaKey | Ed25519Key;

export interface PrivateKeyWithComment {
  key: PrivateKeyData;
  comment: string;
}

export const CURVES: Record<EcdsaCurve, { bits: number; size: number; nodeName: string; jwk: string; oid: string }> = {
  nistp256: { bits: 256, size: 32, nodeName: 'prime256v1', jwk: 'P-256', oid: '1.2.840.10045.3.1.7' },
  nistp384: { bits: 384, size: 48, nodeName: 'secp384r1', jwk: 'P-384', oid: '1.3.132.0.34' },
  nistp521: { bits: 521, size: 66, nodeName: 'secp521r1', jwk: 'P-521', oid: '1.3.132.0.35' },
};

export function isEcdsaCurve(s: string): s is EcdsaCurve {
  return s === 'nistp256' || s === 'nistp384' || s === 'nistp521';
}

export const SUPPORTED_TYPES = ['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'] as const;

export function publicBlobOf(key: PrivateKeyData): Buffer {
  const w = new SshWriter().string(key.type);
  switch (key.type) {
    case 'ssh-rsa':
      return w.mpint(key.e).mpint(key.n).toBuffer();
    case 'ssh-dss':
      return w.mpint(key.p).mpint(key.q).mpint(key.g).mpint(key.y).toBuffer();
    case 'ssh-ed25519':
      return w.string(key.pub).toBuffer();
    default:
      return w.string(key.curve).string(key.Q).toBuffer();
  }
}

export interface PublicInfo {
  type: string;
  bits: number | null;
  curve: string | null;
  /** For certificates: the blob of the key the certificate is for. */
  certifiedBlob?: Buffer;
}

/** Reads a public key blob (or certificate blob) far enough to name it; throws on garbage. */
export function describePublicBlob(blob: Buffer): PublicInfo {
  const r = new SshReader(blob);
  const type = r.text();
  const certMatch = /^(.+)-cert-v0[01]@openssh\.com$/.exec(type);
  if (certMatch) {
    r.string(); // nonce
    const base = certMatch[1]!;
    const inner = describeKeyFields(base, r);
    return { ...inner, certifiedBlob: inner.blob };
  }
  const info = describeKeyFields(type, r);
  return { type: info.type, bits: info.bits, curve: info.curve };
}

function describeKeyFields(type: string, r: SshReader): PublicInfo & { blob?: Buffer } {
  const w = new SshWriter().string(type);
  switch (type) {
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      return { type, bits: bitLength(n), curve: null, blob: w.mpint(e).mpint(n).toBuffer() };
    }
    case 'ssh-dss': {
      const [p, q, g, y] = [r.mpint(), r.mpint(), r.mpint(), r.mpint()];
      return { type, bits: bitLength(p), curve: null, blob: w.mpint(p).mpint(q).mpint(g).mpint(y).toBuffer() };
    }
    case 'ssh-ed25519': {
      const pub = r.string();
      if (pub.length !== 32) throw new Error('Ed25519 public key is not 32 bytes');
      return { type, bits: 256, curve: null, blob: w.string(pub).toBuffer() };
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      const curve = r.text();
      if (`ecdsa-sha2-${curve}` !== type) throw new Error('ECDSA curve name does not match key type');
      const Q = r.string();
      return { type, bits: CURVES[curve as EcdsaCurve].bits, curve, blob: w.string(curve).string(Q).toBuffer() };
    }
    case 'sk-ssh-ed25519@openssh.com':
      r.string();
      r.text();
      return { type, bits: 256, curve: null };
    case 'sk-ecdsa-sha2-nistp256@openssh.com':
      r.text();
      r.string();
      r.text();
      return { type, bits: 256, curve: 'nistp256' };
    default:
      return { type, bits: null, curve: null };
  }
}

export function bitsOf(key: PrivateKeyData): number {
  switch (key.type) {
    case 'ssh-rsa':
      return bitLength(key.n);
    case 'ssh-dss':
      return bitLength(key.p);
    case 'ssh-ed25519':
      return 256;
    default:
      return CURVES[key.curve].bits;
  }
}

export function curveOf(key: PrivateKeyData): string | null {
  return key.type.startsWith('ecdsa-') ? (key as EcdsaKey).curve : null;
}

export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function fingerprintMd5(blob: Buffer): string {
  const hex = createHash('md5').update(blob).digest('hex');
  return `MD5:${hex.match(/../g)!.join(':')}`;
}

export function publicKeyLine(blob: Buffer, comment: string | null): string {
  const type = new SshReader(blob).text();
  const c = comment ? ` ${comment.replace(/[\r\n]+/g, ' ')}` : '';
  return `${type} ${blob.toString('base64')}${c}`;
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PublicFromSeed(seed: Buffer): Buffer {
  const priv = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(priv).export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

/** Q = d*G, computed by OpenSSL from a SEC1 structure that leaves the public point out. */
export function ecdsaPublicFromPrivate(curve: EcdsaCurve, d: bigint): Buffer {
  const c = CURVES[curve];
  const sec1 = seq(derInt(1n), octets(bigToBuf(d, c.size)), der(0xa0, derOid(c.oid)));
  const priv = createPrivateKey({ key: sec1, format: 'der', type: 'sec1' });
  const jwk = createPublicKey(priv).export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/**
 * Checks that the private numbers belong together (the file's public half matches its private
 * half). Returns a sentence describing the mismatch, or null when consistent.
 */
export function checkConsistency(key: PrivateKeyData): string | null {
  switch (key.type) {
    case 'ssh-rsa': {
      if (key.p * key.q !== key.n) return 'the RSA modulus is not the product of the two primes';
      if ((key.e * key.d) % (key.p - 1n) !== 1n || (key.e * key.d) % (key.q - 1n) !== 1n) return 'the RSA private exponent does not match the public exponent';
      if ((key.iqmp * key.q) % key.p !== 1n) return 'the RSA helper number (iqmp) is wrong';
      return null;
    }
    case 'ssh-dss':
      if (key.x <= 0n || key.x >= key.q || key.p < 2n) return 'the DSA private number is out of range';
      return modPow(key.g, key.x, key.p) === key.y ? null : 'the DSA public number does not match the private number';
    case 'ssh-ed25519':
      return ed25519PublicFromSeed(key.seed).equals(key.pub) ? null : 'the Ed25519 public half does not match the private half';
    default:
      try {
        return ecdsaPublicFromPrivate(key.curve, key.d).equals(key.Q) ? null : 'the ECDSA public point does not match the private number';
      } catch {
        return 'the ECDSA private number is not valid for its curve';
      }
  }
}

/** Completes an RSA key from n, e, d, p, q (recomputing iqmp, which some formats store differently). */
export function rsaFromParts(n: bigint, e: bigint, d: bigint, p: bigint, q: bigint): RsaKey {
  return { type: 'ssh-rsa', n, e, d, p, q, iqmp: modInverseSafe(q, p) };
}

function modInverseSafe(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  let guard = 0;
  while (r !== 0n && guard++ < 100000) {
    const qq = oldR / r;
    [oldR, r] = [r, oldR - qq * r];
    [oldS, s] = [s, oldS - qq * s];
  }
  if (oldR !== 1n) return 0n;
  return ((oldS % m) + m) % m;
}

export { bufToBig, bigToBuf };
