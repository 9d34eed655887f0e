import { createDecipheriv, createPrivateKey, createPublicKey, pbkdf2Sync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import type { KeyEncryption, KeyFormat } from '../../shared/keys';
import { bitString, children, der, derInt, derOid, expectSeq, intOf, octets, oidOf, readTlv, seq, toPem, type Tlv } from './asn1';
import { evpBytesToKey, rawEncrypt } from './ciphers';
import { type ParsedKeyFile, parseOrCorrupt } from './codec';
import { CURVES, type EcdsaCurve, type PrivateKeyData, rsaFromParts } from './model';
import { PBES1_MD2, PBES1_SCHEMES, type Pbes1Scheme, pbes1BlockSize, pbes1Decrypt } from './pbes1';
import { KeyError, corrupt, needsPassphrase, wrongPassphrase } from './problems';
import { type Armor, readArmor } from './text';
import { SshWriter, bufToBig } from '../common/ssh-wire';
import { modPow } from './modmath';

/** PEM private keys (PKCS#1, SEC1, DSA, PKCS#8 plain and encrypted) and PEM public keys. */

const OID = {
  rsa: '1.2.840.113549.1.1.1',
  dsa: '1.2.840.10040.4.1',
  ec: '1.2.840.10045.2.1',
  ed25519: '1.3.101.112',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
};
const PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const ENC: Record<string, { node: string; keyLen: number; name: string }> = {
  '2.16.840.1.101.3.4.1.2': { node: 'aes-128-cbc', keyLen: 16, name: 'aes-128-cbc' },
  '2.16.840.1.101.3.4.1.22': { node: 'aes-192-cbc', keyLen: 24, name: 'aes-192-cbc' },
  '2.16.840.1.101.3.4.1.42': { node: 'aes-256-cbc', keyLen: 32, name: 'aes-256-cbc' },
  '1.2.840.113549.3.7': { node: 'des-ede3-cbc', keyLen: 24, name: 'des-ede3-cbc' },
};
const LEGACY: Record<string, { node: string; keyLen: number }> = {
  'AES-128-CBC': { node: 'aes-128-cbc', keyLen: 16 },
  'AES-192-CBC': { node: 'aes-192-cbc', keyLen: 24 },
  'AES-256-CBC': { node: 'aes-256-cbc', keyLen: 32 },
  'DES-EDE3-CBC': { node: 'des-ede3-cbc', keyLen: 24 },
};
const CURVE_BY_OID = new Map(Object.entries(CURVES).map(([name, c]) => [c.oid, name as EcdsaCurve]));

/** Upper bound on PBKDF2 iterations we run (OpenSSL writes 2048; a hostile file could ask for 2^31). */
export const PBKDF2_MAX_ITERATIONS = 10_000_000;

const LABEL_FORMAT: Record<string, KeyFormat> = {
  'RSA PRIVATE KEY': 'pem-pkcs1',
  'EC PRIVATE KEY': 'pem-sec1',
  'DSA PRIVATE KEY': 'pem-dsa',
  'PRIVATE KEY': 'pem-pkcs8',
  'ENCRYPTED PRIVATE KEY': 'pem-pkcs8-encrypted',
};
const LABEL_TYPE: Record<string, string> = { 'RSA PRIVATE KEY': 'ssh-rsa', 'DSA PRIVATE KEY': 'ssh-dss', 'EC PRIVATE KEY': 'ecdsa' };

function pkcs1Rsa(body: Buffer): PrivateKeyData {
  const f = expectSeq(readTlv(body));
  if (f.length < 9) throw new Error('RSA key has too few numbers');
  const [n, e, d, p, q, dp, dq, qinv] = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => intOf(f[i])) as bigint[];
  // The three helper numbers are stored, not recomputed, by OpenSSL and OpenSSH: a changed one
  // makes wrong signatures, so a key whose helpers do not follow from its primes is damaged.
  if (p! > 1n && q! > 1n && (dp !== d! % (p! - 1n) || dq !== d! % (q! - 1n) || (qinv! * q!) % p! !== 1n)) {
    throw corrupt('The private key is damaged: its RSA helper numbers (exponent1, exponent2, coefficient) do not follow from its primes.', 'mismatch');
  }
  return rsaFromParts(n!, e!, d!, p!, q!);
}

function sec1(body: Buffer, outerCurve?: EcdsaCurve): PrivateKeyData {
  const f = expectSeq(readTlv(body));
  if (intOf(f[0]) !== 1n || f[1]?.tag !== 0x04) throw new Error('not an EC private key');
  const d = bufToBig(f[1].value);
  let curve = outerCurve;
  let Q: Buffer | null = null;
  for (const t of f.slice(2)) {
    if (t.tag === 0xa0) curve = CURVE_BY_OID.get(oidOf(children(t.value)[0]));
    if (t.tag === 0xa1) {
      const bs = children(t.value)[0];
      if (bs?.tag === 0x03) Q = Buffer.from(bs.value.subarray(1));
    }
  }
  if (!curve) throw new KeyError('KEY_UNSUPPORTED_FORMAT', 'This EC key uses a curve SSH does not support (only NIST P-256, P-384 and P-521 work).', 'Create a new Ed25519 key instead.', 'curve');
  if (!Q) {
    const priv = createPrivateKey({ key: seq(derInt(1n), octets(f[1].value), der(0xa0, derOid(CURVES[curve].oid))), format: 'der', type: 'sec1' });
    Q = ecPointFromKeyObject(createPublicKey(priv));
  }
  return { type: `ecdsa-sha2-${curve}`, curve, Q, d };
}

function ecPointFromKeyObject(k: KeyObject): Buffer {
  const jwk = k.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

function dsaTraditional(body: Buffer): PrivateKeyData {
  const f = expectSeq(readTlv(body));
  const [p, q, g, y, x] = [1, 2, 3, 4, 5].map((i) => intOf(f[i]));
  return { type: 'ssh-dss', p: p!, q: q!, g: g!, y: y!, x: x! };
}

/** Reads an unencrypted PKCS#8 PrivateKeyInfo with our own DER reader (no OpenSSL parsing needed). */
function pkcs8(body: Buffer): PrivateKeyData {
  const f = expectSeq(readTlv(body));
  const alg = expectSeq(f[1]);
  const oid = oidOf(alg[0]);
  const inner = f[2];
  if (!inner || inner.tag !== 0x04) throw new Error('PKCS#8 key has no private key data');
  switch (oid) {
    case OID.rsa:
      return pkcs1Rsa(inner.value);
    case OID.ec:
      return sec1(inner.value, CURVE_BY_OID.get(oidOf(alg[1])));
    case OID.ed25519: {
      const seedTlv = readTlv(inner.value);
      if (seedTlv.tag !== 0x04 || seedTlv.value.length !== 32) throw new Error('Ed25519 key has the wrong length');
      const seed = Buffer.from(seedTlv.value);
      const k = createPrivateKey({ key: body, format: 'der', type: 'pkcs8' });
      const pub = Buffer.from(createPublicKey(k).export({ format: 'jwk' }).x!, 'base64url');
      return { type: 'ssh-ed25519', seed, pub };
    }
    case OID.dsa: {
      const params = expectSeq(alg[1]);
      const [p, q, g] = params.map((t) => intOf(t));
      const x = intOf(readTlv(inner.value));
      return { type: 'ssh-dss', p: p!, q: q!, g: g!, y: modPow(g!, x, p!), x };
    }
    default:
      throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This PKCS#8 key is of a kind SSH cannot use (algorithm ${oid}).`, 'Use an Ed25519, ECDSA or RSA key.', 'key-type');
  }
}

function decodeTraditional(label: string, body: Buffer): PrivateKeyData {
  if (label === 'RSA PRIVATE KEY') return pkcs1Rsa(body);
  if (label === 'EC PRIVATE KEY') return sec1(body);
  if (label === 'DSA PRIVATE KEY') return dsaTraditional(body);
  return pkcs8(body);
}

/** Removes PKCS#7 padding; null when the padding is not valid (the usual sign of a wrong passphrase). */
function unpad(b: Buffer, block: number): Buffer | null {
  const n = b[b.length - 1];
  if (n === undefined || n < 1 || n > block || n > b.length) return null;
  for (let i = b.length - n; i < b.length; i++) if (b[i] !== n) return null;
  return b.subarray(0, b.length - n);
}

function cbcDecrypt(node: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const d = createDecipheriv(node, key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}

/**
 * Does the decrypted data start with a DER SEQUENCE header whose length ends in the last block?
 * Then the passphrase was right (noise does that about once in 50,000 tries) and only the end
 * of the data was damaged.
 */
function derHeaderFits(dec: Buffer, block: number): boolean {
  if (dec.length < 4 || dec[0] !== 0x30) return false;
  let len: number;
  let hdr: number;
  if (dec[1]! < 0x80) [len, hdr] = [dec[1]!, 2];
  else if (dec[1] === 0x81) [len, hdr] = [dec[2]!, 3];
  else if (dec[1] === 0x82) [len, hdr] = [(dec[2]! << 8) | dec[3]!, 4];
  else return false;
  const total = hdr + len;
  return total >= dec.length - Math.max(block, 1) && total < dec.length;
}

function damagedAfterDecrypt(): KeyError {
  return corrupt('The passphrase is right, but the encrypted part of this PEM key was changed or damaged after it was saved.', 'malformed');
}

/** Is this the start of a DER SEQUENCE that spans exactly `len` bytes (sign of a correct decryption)? */
function looksLikeDer(b: Buffer): boolean {
  try {
    return readTlv(b).end === b.length && b[0] === 0x30;
  } catch {
    return false;
  }
}

/**
 * The DER inside a decrypted PEM body, or the error that says why there is none: damage after a
 * right passphrase (the DER header still fits), a wrong passphrase, or damage inside.
 */
function decryptedDer(dec: Buffer, block: number, what: string): Buffer {
  const unpadded = block > 0 ? unpad(dec, block) : dec;
  if (!unpadded && derHeaderFits(dec, block)) throw damagedAfterDecrypt();
  if (!unpadded) throw wrongPassphrase(what, 'the decrypted data does not end the way it must');
  if (!looksLikeDer(unpadded)) {
    // Correct padding by chance (about 1 in 256) or real damage: the first block tells.
    if (dec[0] !== 0x30) throw wrongPassphrase(what, 'the decrypted data is not a key');
    throw corrupt('The PEM key decrypts, but what is inside is damaged.', 'malformed');
  }
  return unpadded;
}

interface Pbes2 {
  kdf: 'pbkdf2' | 'scrypt';
  salt: Buffer;
  iterations: number;
  prf: string;
  scrypt?: { N: number; r: number; p: number };
  keyLen?: number;
  cipher: { node: string; keyLen: number; name: string };
  iv: Buffer;
  data: Buffer;
}

/** An old PKCS#5 v1.5 / PKCS#12 password-based encryption (`openssl pkcs8 -topk8 -v1 ...`). */
interface Pbes1 {
  scheme: Pbes1Scheme;
  salt: Buffer;
  iterations: number;
  data: Buffer;
}

function readPbes2(body: Buffer): Pbes2 | Pbes1 {
  const top = expectSeq(readTlv(body));
  const alg = expectSeq(top[0]);
  const algOid = oidOf(alg[0]);
  if (algOid !== OID.pbes2) {
    const scheme = PBES1_SCHEMES[algOid];
    if (scheme) {
      const params = expectSeq(alg[1]);
      return { scheme, salt: params[0]?.value ?? Buffer.alloc(0), iterations: Number(intOf(params[1])), data: top[1]?.value ?? Buffer.alloc(0) };
    }
    const what = PBES1_MD2.has(algOid) ? 'an MD2-based scheme (PBES1) that no current tool writes' : `an encryption scheme that is not supported (${algOid})`;
    throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This encrypted PKCS#8 key uses ${what}.`, 'Re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in FILE -out new.pem', 'cipher');
  }
  const params = expectSeq(alg[1]);
  const kdfSeq = expectSeq(params[0]);
  const encSeq = expectSeq(params[1]);
  const kdfOid = oidOf(kdfSeq[0]);
  const kp = expectSeq(kdfSeq[1]);
  const encOid = oidOf(encSeq[0]);
  const cipher = ENC[encOid];
  if (!cipher) throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This PKCS#8 key is encrypted with a cipher that is not supported (${encOid}).`, 'Re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in FILE -out new.pem', 'cipher');
  const iv = encSeq[1]?.value ?? Buffer.alloc(0);
  const data = top[1]?.value ?? Buffer.alloc(0);
  const salt = kp[0]?.value ?? Buffer.alloc(0);
  if (kdfOid === OID.pbkdf2) {
    let prf = 'sha1';
    let keyLen: number | undefined;
    for (const t of kp.slice(2)) {
      if (t.tag === 0x02) keyLen = Number(intOf(t));
      if (t.tag === 0x30) prf = PRF[oidOf(children(t.value)[0])] ?? 'unknown';
    }
    return { kdf: 'pbkdf2', salt, iterations: Number(intOf(kp[1])), prf, keyLen, cipher, iv, data };
  }
  if (kdfOid === OID.scrypt) {
    const [N, r, p] = [kp[1], kp[2], kp[3]].map((t: Tlv | undefined) => Number(intOf(t)));
    return { kdf: 'scrypt', salt, iterations: N!, prf: '', scrypt: { N: N!, r: r!, p: p! }, cipher, iv, data };
  }
  throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This PKCS#8 key uses an unknown key derivation (${kdfOid}).`, 'Re-encrypt it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in FILE -out new.pem', 'kdf');
}

export function parsePemPrivate(text: string, repairs: string[]): ParsedKeyFile {

  const armor: Armor = readArmor(text, 5, 'PEM private key', repairs);
  const label = armor.label;
  const format = LABEL_FORMAT[label]!;
  const what = 'key';
  return parseOrCorrupt('PEM private key', () => {
    let encryption: KeyEncryption | null = null;
    let legacy: { node: string; keyLen: number; iv: Buffer } | null = null;
    let pbes2: Pbes2 | null = null;
    let pbes1: Pbes1 | null = null;
    if (format === 'pem-pkcs8-encrypted') {
      const read = readPbes2(armor.body);
      if ('scheme' in read) {
        pbes1 = read;
        encryption = { cipher: `${read.scheme.cipher} (${read.scheme.name}, old PBES1)`, kdf: read.scheme.kdf, rounds: read.iterations };
      } else {
        pbes2 = read;
        encryption = pbes2.kdf === 'pbkdf2'
          ? { cipher: pbes2.cipher.name, kdf: `pbkdf2-${pbes2.prf}`, rounds: pbes2.iterations }
          : { cipher: pbes2.cipher.name, kdf: 'scrypt', rounds: pbes2.scrypt!.N };
      }
    } else if ((armor.headers.get('proc-type') ?? '').includes('ENCRYPTED')) {
      const dek = armor.headers.get('dek-info') ?? '';
      const [name, ivHex] = dek.split(',');
      const spec = LEGACY[(name ?? '').toUpperCase()];
      if (!spec) throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This PEM key is encrypted with "${name || 'an unnamed cipher'}", which is not supported.`, 'Re-encrypt it with: ssh-keygen -p -f FILE (this also moves it to the OpenSSH format).', 'cipher');
      if (!ivHex || !/^[0-9A-Fa-f]+$/.test(ivHex)) throw corrupt('The "DEK-Info" line of this PEM key is damaged.', 'malformed');
      legacy = { ...spec, iv: Buffer.from(ivHex, 'hex') };
      encryption = { cipher: (name ?? '').toLowerCase(), kdf: 'md5' };
    }
    const encrypted = encryption !== null;
    const body = armor.body;
    return {
      format,
      kind: 'private' as const,
      publicBlob: null,
      typeHint: LABEL_TYPE[label] ?? null,
      comment: null,
      encrypted,
      encryption,
      problems: [],
      async open(passphrase: Buffer | null) {
        let plain = body;
        if (encrypted && pbes1) {
          if (!passphrase || passphrase.length === 0) throw needsPassphrase(what);
          const p = pbes1;
          if (p.iterations < 1 || p.iterations > PBKDF2_MAX_ITERATIONS) throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This key asks for ${p.iterations} key-derivation iterations, far more than any tool uses.`, 'Re-encrypt it with normal settings: openssl pkcs8 -topk8 -v2 aes-256-cbc -in FILE -out new.pem', 'kdf-cost');
          const block = pbes1BlockSize(p.scheme);
          if (p.data.length === 0 || (block > 0 && p.data.length % block !== 0)) throw corrupt('The encrypted part of this PEM key has a wrong length: it is damaged or cut short.', 'truncated');
          const dec = pbes1Decrypt(p.scheme, passphrase, p.salt, p.iterations, p.data);
          plain = decryptedDer(dec, block, what);
        } else if (encrypted) {
          if (!passphrase || passphrase.length === 0) throw needsPassphrase(what);
          let ciphertext: Buffer;
          let key: Buffer;
          let iv: Buffer;
          let node: string;
          if (legacy) {
            if (legacy.iv.length < 8) throw corrupt('The "DEK-Info" line of this PEM key is damaged.', 'malformed');
            key = evpBytesToKey(passphrase, legacy.iv.subarray(0, 8), legacy.keyLen);
            iv = legacy.iv;
            node = legacy.node;
            ciphertext = body;
          } else {
            const p = pbes2!;
            if (p.kdf === 'pbkdf2') {
              if (p.iterations < 1 || p.iterations > PBKDF2_MAX_ITERATIONS) throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This key asks for ${p.iterations} PBKDF2 iterations, far more than any tool uses.`, 'Re-encrypt it with normal settings: openssl pkcs8 -topk8 -v2 aes-256-cbc -in FILE -out new.pem', 'kdf-cost');
              if (p.prf === 'unknown') throw new KeyError('KEY_UNSUPPORTED_FORMAT', 'This key uses an unknown PBKDF2 hash.', 'Re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in FILE -out new.pem', 'kdf');
              key = pbkdf2Sync(passphrase, p.salt, p.iterations, p.keyLen ?? p.cipher.keyLen, p.prf);
            } else {
              const s = p.scrypt!;
              if (s.N > 1 << 20 || s.r > 32 || s.p > 16 || 128 * s.N * s.r > 256 * 1024 * 1024) throw new KeyError('KEY_UNSUPPORTED_FORMAT', 'This key asks for an extreme amount of memory to open (scrypt).', 'Re-encrypt it with normal settings.', 'kdf-cost');
              key = scryptSync(passphrase, p.salt, p.cipher.keyLen, { N: s.N, r: s.r, p: s.p, maxmem: 300 * 1024 * 1024 });
            }
            iv = p.iv;
            node = p.cipher.node;
            ciphertext = p.data;
          }
          const block = node.startsWith('des') ? 8 : 16;
          if (ciphertext.length === 0 || ciphertext.length % block !== 0) throw corrupt('The encrypted part of this PEM key has a wrong length: it is damaged or cut short.', 'truncated');
          let dec: Buffer;
          try {
            dec = cbcDecrypt(node, key, iv, ciphertext);
          } catch {
            throw corrupt('The encryption settings of this PEM key are damaged.', 'malformed');
          }
          plain = decryptedDer(dec, block, what);
        }
        const innerLabel = format === 'pem-pkcs8-encrypted' ? 'PRIVATE KEY' : label;
        return { key: parseOrCorrupt('PEM private key', () => decodeTraditional(innerLabel, plain)), comment: '' };
      },
    };
  });
}

export function parsePemPublic(text: string, repairs: string[]): ParsedKeyFile {
  const armor = readArmor(text, 5, 'PEM public key', repairs);
  const blob = parseOrCorrupt('PEM public key', () => {
    const w = new SshWriter();
    if (armor.label === 'RSA PUBLIC KEY') {
      const f = expectSeq(readTlv(armor.body));
      return w.string('ssh-rsa').mpint(intOf(f[1])).mpint(intOf(f[0])).toBuffer();
    }
    const f = expectSeq(readTlv(armor.body));
    const alg = expectSeq(f[0]);
    const oid = oidOf(alg[0]);
    const bits = f[1];
    if (!bits || bits.tag !== 0x03) throw new Error('no key in the public key structure');
    const keyBytes = bits.value.subarray(1);
    if (oid === OID.rsa) {
      const k = expectSeq(readTlv(keyBytes));
      return w.string('ssh-rsa').mpint(intOf(k[1])).mpint(intOf(k[0])).toBuffer();
    }
    if (oid === OID.dsa) {
      const [p, q, g] = expectSeq(alg[1]).map((t) => intOf(t));
      return w.string('ssh-dss').mpint(p!).mpint(q!).mpint(g!).mpint(intOf(readTlv(keyBytes))).toBuffer();
    }
    if (oid === OID.ec) {
      const curve = CURVE_BY_OID.get(oidOf(alg[1]));
      if (!curve) throw new KeyError('KEY_UNSUPPORTED_FORMAT', 'This EC key uses a curve SSH does not support.', 'Use an Ed25519 key instead.', 'curve');
      let Q: Buffer = Buffer.from(keyBytes);
      if (Q[0] !== 4) Q = ecPointFromKeyObject(createPublicKey({ key: armor.body, format: 'der', type: 'spki' }));
      return w.string(`ecdsa-sha2-${curve}`).string(curve).string(Q).toBuffer();
    }
    if (oid === OID.ed25519) return w.string('ssh-ed25519').string(keyBytes).toBuffer();
    throw new KeyError('KEY_UNSUPPORTED_FORMAT', `This public key is of a kind SSH cannot use (algorithm ${oid}).`, 'Use an Ed25519, ECDSA or RSA key.', 'key-type');
  });
  return { format: 'pem-public', kind: 'public', publicBlob: blob, typeHint: null, comment: null, encrypted: false, encryption: null, problems: [] };
}

// --- writing ---------------------------------------------------------------------------------

function rsaDer(k: Extract<PrivateKeyData, { type: 'ssh-rsa' }>): Buffer {
  return seq(derInt(0n), derInt(k.n), derInt(k.e), derInt(k.d), derInt(k.p), derInt(k.q), derInt(k.d % (k.p - 1n)), derInt(k.d % (k.q - 1n)), derInt(k.iqmp));
}

function ed25519Pkcs8(seed: Buffer): Buffer {
  return seq(derInt(0n), seq(derOid(OID.ed25519)), octets(octets(seed)));
}

/**
 * PEM the way OpenSSH and OpenSSL write it: PKCS#1 for RSA, SEC1 for ECDSA, the traditional
 * "DSA PRIVATE KEY" for DSA (legacy AES-128-CBC encryption, as `ssh-keygen -m PEM` does), and
 * PKCS#8 for Ed25519 (PBES2 AES-256-CBC when encrypted).
 */
export function writePem(key: PrivateKeyData, passphrase?: Buffer | null): string {
  if (key.type === 'ssh-ed25519') {
    const der8 = ed25519Pkcs8(key.seed);
    if (!passphrase || passphrase.length === 0) return toPem('PRIVATE KEY', der8);
    const k = createPrivateKey({ key: der8, format: 'der', type: 'pkcs8' });
    return k.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  }
  let label: string;
  let body: Buffer;
  if (key.type === 'ssh-rsa') {
    label = 'RSA PRIVATE KEY';
    body = rsaDer(key);
  } else if (key.type === 'ssh-dss') {
    label = 'DSA PRIVATE KEY';
    body = seq(derInt(0n), derInt(key.p), derInt(key.q), derInt(key.g), derInt(key.y), derInt(key.x));
  } else {
    label = 'EC PRIVATE KEY';
    const c = CURVES[key.curve];
    const d = Buffer.alloc(c.size);
    const db = Buffer.from(key.d.toString(16).padStart(c.size * 2, '0'), 'hex');
    db.copy(d, c.size - db.length);
    body = seq(derInt(1n), octets(d), der(0xa0, derOid(c.oid)), der(0xa1, bitString(key.Q)));
  }
  if (!passphrase || passphrase.length === 0) return toPem(label, body);
  const iv = randomBytes(16);
  const spec = { node: 'aes-128-cbc', keyLen: 16, ivLen: 16, blockSize: 16, tagLen: 0 };
  const padLen = 16 - (body.length % 16);
  const padded = Buffer.concat([body, Buffer.alloc(padLen, padLen)]);
  const enc = rawEncrypt(spec, evpBytesToKey(passphrase, iv.subarray(0, 8), 16), iv, padded).data;
  return toPem(label, enc, ['Proc-Type: 4,ENCRYPTED', `DEK-Info: AES-128-CBC,${iv.toString('hex').toUpperCase()}`]);
}

