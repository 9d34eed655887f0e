import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyEncryption } from '../../shared/keys';
import { rawDecrypt, rawEncrypt, sha1 } from './ciphers';
import { type ParsedKeyFile, parseOrCorrupt } from './codec';
import { type PrivateKeyData, type PrivateKeyWithComment, checkConsistency, isEcdsaCurve, publicBlobOf, rsaFromParts } from './model';
import { KeyError, corrupt, needsPassphrase, problem, truncated, unsupported, wrongPassphrase } from './problems';
import { decodeBase64, REPAIRS } from './text';
import { SshReader, SshWriter, tryRead } from '../common/ssh-wire';

/** PuTTY's .ppk format, versions 2 and 3 (PuTTY manual, appendix C). */

const AES = { node: 'aes-256-cbc', keyLen: 32, ivLen: 16, blockSize: 16, tagLen: 0 };

/** Highest Argon2 cost we agree to compute: PuTTYgen's defaults are 8 MiB and ~20 passes. */
export const PPK_ARGON2_LIMITS = { maxMemoryKiB: 256 * 1024, maxPasses: 1000, maxParallelism: 16, maxWork: 256 * 1024 * 64 };

const FIELD_NAMES = [
  'PuTTY-User-Key-File-1',
  'PuTTY-User-Key-File-2',
  'PuTTY-User-Key-File-3',
  'Encryption',
  'Comment',
  'Public-Lines',
  'Key-Derivation',
  'Argon2-Memory',
  'Argon2-Passes',
  'Argon2-Parallelism',
  'Argon2-Salt',
  'Private-Lines',
  'Private-MAC',
  'Private-Hash',
];

interface PpkFields {
  version: 2 | 3;
  algorithm: string;
  encryption: string;
  comment: string;
  publicBlob: Buffer;
  privateBlob: Buffer;
  mac: Buffer;
  kdf: { variant: 'Argon2id' | 'Argon2i' | 'Argon2d'; memoryKiB: number; passes: number; parallelism: number; salt: Buffer } | null;
}

/**
 * Splits a PPK into its fields. Works line by line, and falls back to splitting on the known
 * field names when the line breaks were lost (pasted into one line).
 */
function splitFields(text: string, repairs: string[]): Map<string, string> {
  const start = text.indexOf('PuTTY-User-Key-File-');
  const body = text.slice(start);
  const re = new RegExp(`(${FIELD_NAMES.join('|')}):[ \\t]*`, 'g');
  const marks: { name: string; at: number; valueAt: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null && marks.length < 32) marks.push({ name: m[1]!, at: m.index, valueAt: m.index + m[0].length });
  const fields = new Map<string, string>();
  let joined = false;
  for (let i = 0; i < marks.length; i++) {
    const mk = marks[i]!;
    const end = i + 1 < marks.length ? marks[i + 1]!.at : body.length;
    const value = body.slice(mk.valueAt, end);
    if (i > 0 && body[mk.at - 1] !== '\n') joined = true;
    if (!fields.has(mk.name)) fields.set(mk.name, value);
  }
  if (joined) repairs.push(REPAIRS.joinedPpk);
  return fields;
}

function firstLine(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v.split('\n')[0]!.trim();
}

/** A "*-Lines: N" field: the count, then N lines of base64 (or, joined, the base64 after it). */
function linesField(fields: Map<string, string>, name: string): Buffer {
  const v = fields.get(name);
  if (v === undefined) throw truncated(`PuTTY key (the "${name}" section is missing)`);
  const m = /^\s*(\d+)(\s*)([\s\S]*)$/.exec(v);
  if (!m) throw corrupt(`The "${name}" line of the PuTTY key is damaged.`, 'malformed');
  let digits = m[1]!;
  let rest = m[3]!.trim();
  if (m[2] === '' && digits.length > 1) {
    // Line breaks lost and nothing in their place ("Private-Lines: 13xyz..."): the base64 may
    // begin with digits. Take the split whose line count fits the amount of base64 (64 per line).
    const restLen = rest.replace(/\s+/g, '').length;
    // A real count has a few digits: trying more splits than that only costs time.
    for (let cut = 1; cut <= Math.min(digits.length, 6); cut++) {
      const n = Number(digits.slice(0, cut));
      const len = digits.length - cut + restLen;
      if (len > (n - 1) * 64 && len <= n * 64) {
        rest = digits.slice(cut) + rest;
        digits = digits.slice(0, cut);
        break;
      }
    }
  }
  const count = Number(digits);
  const lines = rest.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length > 1 && lines.length < count) throw truncated(`PuTTY key ("${name}" says ${count} lines, only ${lines.length} are there)`);
  return decodeBase64(rest.replace(/\s+/g, ''), 'PuTTY key');
}

function readFields(text: string, repairs: string[]): PpkFields {
  const fields = splitFields(text, repairs);
  if (fields.has('PuTTY-User-Key-File-1')) {
    throw unsupported('This is a PuTTY key in the very old version 1 format (PuTTY before 0.52).', 'Open it in a PuTTYgen from 2002-2020 (it still reads v1) and save it again, or create a new key.', 'ppk-v1');
  }
  const version = fields.has('PuTTY-User-Key-File-3') ? 3 : 2;
  const algorithm = firstLine(fields.get(`PuTTY-User-Key-File-${version}`)) ?? '';
  const encryption = firstLine(fields.get('Encryption'));
  if (!encryption) throw truncated('PuTTY key (the "Encryption" line is missing)');
  const comment = (fields.get('Comment') ?? '').replace(/\n[\s\S]*$/, '').trim();
  const publicBlob = linesField(fields, 'Public-Lines');
  let kdf: PpkFields['kdf'] = null;
  if (version === 3 && encryption !== 'none') {
    const variant = firstLine(fields.get('Key-Derivation'));
    if (variant !== 'Argon2id' && variant !== 'Argon2i' && variant !== 'Argon2d') {
      throw corrupt(`The PuTTY key names an unknown key derivation "${variant ?? '(missing)'}".`, 'malformed');
    }
    const num = (n: string): number => {
      const s = firstLine(fields.get(n));
      if (!s || !/^\d{1,10}$/.test(s)) throw corrupt(`The "${n}" line of the PuTTY key is missing or damaged.`, 'malformed');
      return Number(s);
    };
    const saltHex = firstLine(fields.get('Argon2-Salt')) ?? '';
    if (!/^([0-9a-fA-F]{2})+$/.test(saltHex)) throw corrupt('The "Argon2-Salt" line of the PuTTY key is missing or damaged.', 'malformed');
    kdf = { variant, memoryKiB: num('Argon2-Memory'), passes: num('Argon2-Passes'), parallelism: num('Argon2-Parallelism'), salt: Buffer.from(saltHex, 'hex') };
  }
  const privateBlob = linesField(fields, 'Private-Lines');
  const macHex = firstLine(fields.get('Private-MAC'));
  if (fields.has('Private-Hash') && !macHex) throw unsupported('This PuTTY key uses the old "Private-Hash" check of PuTTY 0.52 and earlier.', 'Load it in PuTTYgen and save it again.', 'ppk-old-hash');
  if (macHex === undefined) throw truncated('PuTTY key (the "Private-MAC" line is missing)');
  if (!/^[0-9a-fA-F]+$/.test(macHex) || macHex.length !== (version === 3 ? 64 : 40)) throw corrupt('The "Private-MAC" line of the PuTTY key is damaged.', 'bad-mac');
  return { version, algorithm, encryption, comment, publicBlob, privateBlob, mac: Buffer.from(macHex, 'hex'), kdf };
}

function macData(f: { algorithm: string; encryption: string; comment: string; publicBlob: Buffer }, privatePlain: Buffer): Buffer {
  return new SshWriter().string(f.algorithm).string(f.encryption).string(f.comment).string(f.publicBlob).string(privatePlain).toBuffer();
}

async function argon2(kdf: NonNullable<PpkFields['kdf']>, pass: Buffer): Promise<Buffer> {
  const L = PPK_ARGON2_LIMITS;
  if (kdf.memoryKiB > L.maxMemoryKiB || kdf.passes > L.maxPasses || kdf.parallelism > L.maxParallelism || kdf.memoryKiB * kdf.passes > L.maxWork) {
    throw unsupported(
      `This PuTTY key asks for an extreme amount of work to open (Argon2 with ${kdf.memoryKiB} KiB of memory and ${kdf.passes} passes), more than this app allows.`,
      'Open it in PuTTYgen and save it again with the normal settings (Key > Parameters for saving key files).',
      'kdf-cost',
    );
  }
  if (kdf.memoryKiB < 8 * kdf.parallelism || kdf.passes < 1 || kdf.parallelism < 1 || kdf.salt.length < 8) throw corrupt('The Argon2 settings in this PuTTY key are invalid.', 'malformed');
  // Loaded here, not at the top: only a PPK v3 with a passphrase needs Argon2.
  const { argon2Raw } = await import('./argon2');
  return argon2Raw(kdf, pass, 80);
}

/** Does the decrypted private part read as a key that belongs to the public part? */
function opensToMatchingKey(algorithm: string, pub: Buffer, priv: Buffer): boolean {
  try {
    const key = readPrivateBlob(algorithm, pub, priv);
    return checkConsistency(key) === null && publicBlobOf(key).equals(pub);
  } catch {
    return false;
  }
}

/** The private part starts with a length that fits in it (noise does so about once in 10^7). */
function looksLikePrivateBlob(priv: Buffer): boolean {
  const first = tryRead(priv, (r) => r.string());
  return priv.length >= 8 && first !== null && first.length > 0;
}

function readPrivateBlob(algorithm: string, pub: Buffer, priv: Buffer): PrivateKeyData {
  const pr = new SshReader(pub);
  const type = pr.text();
  if (type !== algorithm) throw corrupt('The PuTTY key names one key type in its first line and another in its public part.', 'mismatch');
  const r = new SshReader(priv);
  switch (type) {
    case 'ssh-rsa': {
      const e = pr.mpint();
      const n = pr.mpint();
      const d = r.mpint();
      const p = r.mpint();
      const q = r.mpint();
      const iqmp = r.mpint();
      return { ...rsaFromParts(n, e, d, p, q), iqmp: iqmp === 0n ? rsaFromParts(n, e, d, p, q).iqmp : iqmp };
    }
    case 'ssh-dss': {
      const [p, q, g, y] = [pr.mpint(), pr.mpint(), pr.mpint(), pr.mpint()];
      return { type, p, q, g, y, x: r.mpint() };
    }
    case 'ssh-ed25519': {
      const pubKey = Buffer.from(pr.string());
      const seed = r.string();
      if (seed.length !== 32 || pubKey.length !== 32) throw new Error('Ed25519 key has the wrong length');
      return { type, pub: pubKey, seed: Buffer.from(seed) };
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      const curve = pr.text();
      if (!isEcdsaCurve(curve) || `ecdsa-sha2-${curve}` !== type) throw new Error('ECDSA curve does not match the key type');
      return { type, curve, Q: Buffer.from(pr.string()), d: r.mpint() };
    }
    default:
      throw new KeyError('KEY_UNSUPPORTED_FORMAT', `PuTTY keys of type "${type}" are not supported here.`, 'Use an Ed25519, ECDSA or RSA key instead.', 'key-type');
  }
}

export function parsePpk(text: string, repairs: string[]): ParsedKeyFile {
  const what = 'PuTTY key';
  const f = readFields(text, repairs);
  if (f.encryption !== 'none' && f.encryption !== 'aes256-cbc') {
    throw unsupported(`This PuTTY key is encrypted with "${f.encryption}", which PuTTY itself never writes.`, 'Open it in PuTTYgen and save it again.', 'cipher');
  }
  const encrypted = f.encryption !== 'none';
  let encryption: KeyEncryption | null = null;
  if (encrypted) {
    encryption = f.kdf
      ? { cipher: 'aes256-cbc', kdf: f.kdf.variant.toLowerCase(), memoryKiB: f.kdf.memoryKiB, passes: f.kdf.passes, parallelism: f.kdf.parallelism }
      : { cipher: 'aes256-cbc', kdf: 'sha1' };
  }
  const problems = [];
  if (f.version === 3) {
    problems.push(
      problem(
        'KEY_PPK3_OLD_TOOLS',
        'This is a version 3 PuTTY key. PuTTY before 0.75 (2021) and WinSCP/FileZilla releases from before then cannot read it.',
        'If an older program refuses the key, convert it to PPK version 2 (sftp-doctor keys convert FILE --to ppk-v2) or update that program.',
      ),
    );
  }
  return {
    format: f.version === 3 ? 'ppk-v3' : 'ppk-v2',
    kind: 'private',
    publicBlob: f.publicBlob,
    typeHint: f.algorithm,
    comment: f.comment,
    encrypted,
    encryption,
    problems,
    async open(passphrase: Buffer | null): Promise<PrivateKeyWithComment> {
      let plain = f.privateBlob;
      let macKey: Buffer;
      const pass = passphrase ?? Buffer.alloc(0);
      if (encrypted && pass.length === 0) throw needsPassphrase('PuTTY key');
      if (f.version === 3) {
        if (encrypted) {
          const km = await argon2(f.kdf!, pass);
          if (plain.length % 16 !== 0) throw corrupt('The private part of the PuTTY key has a wrong length: the file is damaged or cut short.', 'truncated');
          plain = rawDecrypt(AES, km.subarray(0, 32), km.subarray(32, 48), plain);
          macKey = km.subarray(48, 80);
        } else {
          macKey = Buffer.alloc(0);
        }
      } else {
        if (encrypted) {
          if (plain.length % 16 !== 0) throw corrupt('The private part of the PuTTY key has a wrong length: the file is damaged or cut short.', 'truncated');
          const key = Buffer.concat([sha1(Buffer.from([0, 0, 0, 0]), pass), sha1(Buffer.from([0, 0, 0, 1]), pass)]).subarray(0, 32);
          plain = rawDecrypt(AES, key, Buffer.alloc(16), plain);
        }
        macKey = sha1(Buffer.from('putty-private-key-file-mac-key'), encrypted ? pass : Buffer.alloc(0));
      }
      const mac = createHmac(f.version === 3 ? 'sha256' : 'sha1', macKey).update(macData(f, plain)).digest();
      if (mac.length !== f.mac.length || !timingSafeEqual(mac, f.mac)) {
        if (encrypted && (opensToMatchingKey(f.algorithm, f.publicBlob, plain) || looksLikePrivateBlob(plain))) {
          // A wrong passphrase decrypts to noise; a private part that still reads as a key (or
          // starts like one) means the passphrase is right and the file was changed.
          throw corrupt('The PuTTY key opens with this passphrase, but its integrity check (Private-MAC) fails: the file was changed or damaged after it was saved.', 'bad-mac');
        }
        if (encrypted) throw wrongPassphrase('PuTTY key', 'its Private-MAC check fails');
        throw corrupt('The PuTTY key fails its own integrity check (Private-MAC): the file was changed or damaged after it was saved.', 'bad-mac');
      }
      return parseOrCorrupt(what, () => ({ key: readPrivateBlob(f.algorithm, f.publicBlob, plain), comment: f.comment }));
    },
  };
}

export interface PpkWriteOptions {
  version: 2 | 3;
  passphrase?: Buffer | null;
  /** Argon2id parameters for v3 (defaults: PuTTYgen's 8192 KiB, parallelism 1, passes for ~100 ms). */
  argon2?: { memoryKiB?: number; passes?: number; parallelism?: number };
}

function privateBlobOf(key: PrivateKeyData): Buffer {
  const w = new SshWriter();
  switch (key.type) {
    case 'ssh-rsa':
      return w.mpint(key.d).mpint(key.p).mpint(key.q).mpint(key.iqmp).toBuffer();
    case 'ssh-dss':
      return w.mpint(key.x).toBuffer();
    case 'ssh-ed25519':
      return w.string(key.seed).toBuffer();
    default:
      return w.mpint(key.d).toBuffer();
  }
}

let calibratedPasses: number | undefined;

/**
 * PuTTYgen picks the number of Argon2 passes so that deriving takes about 100 ms on the machine
 * that saves the key; we do the same (measured once per process), within 1..64. Measured with the
 * WebAssembly Argon2, which runs at about PuTTY's own speed: the native one is several times
 * faster and would give a key that takes PuTTY, WinSCP or FileZilla half a second to open.
 */
async function defaultPasses(memoryKiB: number): Promise<number> {
  if (calibratedPasses !== undefined) return calibratedPasses;
  const { argon2Raw } = await import('./argon2');
  const t0 = performance.now();
  await argon2Raw({ variant: 'Argon2id', memoryKiB, passes: 2, parallelism: 1, salt: randomBytes(16) }, Buffer.from('calibrate'), 80, 'wasm');
  const perPass = Math.max(0.5, (performance.now() - t0) / 2);
  calibratedPasses = Math.min(64, Math.max(1, Math.round(100 / perPass)));
  return calibratedPasses;
}

function wrap64(b: Buffer): string[] {
  return b.toString('base64').match(/.{1,64}/g) ?? [];
}

export async function writePpk(key: PrivateKeyData, comment: string, opts: PpkWriteOptions): Promise<string> {
  const pass = opts.passphrase && opts.passphrase.length > 0 ? opts.passphrase : null;
  const encryption = pass ? 'aes256-cbc' : 'none';
  const publicBlob = publicBlobOf(key);
  let priv = privateBlobOf(key);
  if (pass) {
    // PuTTY pads with the start of SHA-1 of the unpadded blob; any bytes are accepted.
    const padLen = (16 - (priv.length % 16)) % 16;
    priv = Buffer.concat([priv, sha1(priv).subarray(0, padLen)]);
  }
  const fields = { algorithm: key.type, encryption, comment, publicBlob };
  const lines = [`PuTTY-User-Key-File-${opts.version}: ${key.type}`, `Encryption: ${encryption}`, `Comment: ${comment}`];
  const pubLines = wrap64(publicBlob);
  lines.push(`Public-Lines: ${pubLines.length}`, ...pubLines);
  let macKey: Buffer;
  let cipherText = priv;
  if (opts.version === 3) {
    if (pass) {
      const memoryKiB = opts.argon2?.memoryKiB ?? 8192;
      const parallelism = opts.argon2?.parallelism ?? 1;
      const passes = opts.argon2?.passes ?? (await defaultPasses(memoryKiB));
      const salt = randomBytes(16);
      const km = await argon2({ variant: 'Argon2id', memoryKiB, passes, parallelism, salt }, pass);
      cipherText = rawEncrypt(AES, km.subarray(0, 32), km.subarray(32, 48), priv).data;
      macKey = km.subarray(48, 80);
      lines.push('Key-Derivation: Argon2id', `Argon2-Memory: ${memoryKiB}`, `Argon2-Passes: ${passes}`, `Argon2-Parallelism: ${parallelism}`, `Argon2-Salt: ${salt.toString('hex')}`);
    } else {
      macKey = Buffer.alloc(0);
    }
  } else {
    if (pass) {
      const key32 = Buffer.concat([sha1(Buffer.from([0, 0, 0, 0]), pass), sha1(Buffer.from([0, 0, 0, 1]), pass)]).subarray(0, 32);
      cipherText = rawEncrypt(AES, key32, Buffer.alloc(16), priv).data;
    }
    macKey = sha1(Buffer.from('putty-private-key-file-mac-key'), pass ?? Buffer.alloc(0));
  }
  const privLines = wrap64(cipherText);
  lines.push(`Private-Lines: ${privLines.length}`, ...privLines);
  const mac = createHmac(opts.version === 3 ? 'sha256' : 'sha1', macKey).update(macData(fields, priv)).digest('hex');
  lines.push(`Private-MAC: ${mac}`);
  return `${lines.join('\n')}\n`;
}

