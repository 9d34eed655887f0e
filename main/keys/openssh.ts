import { randomBytes } from 'node:crypto';
import type { KeyEncryption } from '../../shared/keys';
import { BCRYPT_MAX_ROUNDS, bcryptPbkdf } from './bcrypt-pbkdf';
import { OPENSSH_CIPHERS, chachaPolyOpen, rawDecrypt, rawEncrypt } from './ciphers';
import { type ParsedKeyFile, parseOrCorrupt, readOpenSshPrivateFields } from './codec';
import { type PrivateKeyData, publicBlobOf } from './model';
import { corrupt, needsPassphrase, unsupported, wrongPassphrase } from './problems';
import { readArmor } from './text';
import { SshReader, SshWriter } from '../common/ssh-wire';

/** OpenSSH's own private key format, "openssh-key-v1" (OpenSSH PROTOCOL.key). */

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const WHAT = 'OpenSSH private key';

export function parseOpenSsh(text: string, repairs: string[]): ParsedKeyFile {
  const armor = readArmor(text, 5, WHAT, repairs);
  const blob = armor.body;
  return parseOrCorrupt(WHAT, () => {
    if (!blob.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt('The OpenSSH private key does not start the way such keys always do: it is damaged.', 'bad-magic');
    const r = new SshReader(blob);
    r.bytes(MAGIC.length);
    const cipherName = r.text();
    const kdfName = r.text();
    const kdfOptions = new SshReader(r.string());
    const count = r.uint32();
    if (count !== 1) throw unsupported(`This OpenSSH file holds ${count} keys; only files with one key are supported.`, 'Split the keys into one file each (ssh-keygen writes one key per file).');
    const publicBlob = Buffer.from(r.string());
    const encryptedLen = r.uint32();
    const section = r.bytes(encryptedLen);
    const encrypted = cipherName !== 'none';
    let encryption: KeyEncryption | null = null;
    let salt = Buffer.alloc(0);
    let rounds = 0;
    const chacha = cipherName === 'chacha20-poly1305@openssh.com';
    // chacha20-poly1305: 64 key bytes, no IV (OpenSSH's cipher_ivlen is 0 for it), block 8, 16-byte tag after the section.
    const spec = chacha ? { node: 'chacha20', keyLen: 64, ivLen: 0, blockSize: 8, tagLen: 16 } : OPENSSH_CIPHERS[cipherName];
    let tag: Buffer | undefined;
    if (encrypted) {
      if (kdfName !== 'bcrypt') throw unsupported(`This OpenSSH key uses the key derivation "${kdfName}", which is not supported.`, 'Re-save the key with a current ssh-keygen: ssh-keygen -p -f FILE.');
      salt = Buffer.from(kdfOptions.string());
      rounds = kdfOptions.uint32();
      encryption = { cipher: cipherName, kdf: 'bcrypt', rounds };
      if (spec?.tagLen) tag = r.bytes(spec.tagLen);
    }
    return {
      format: 'openssh',
      kind: 'private',
      publicBlob,
      typeHint: null,
      comment: null,
      encrypted,
      encryption,
      problems: [],
      async open(passphrase: Buffer | null) {
        let plain: Buffer = section;
        if (encrypted) {
          if (!spec) throw unsupported(`This OpenSSH key is encrypted with "${cipherName}", which this app cannot open.`, 'Re-encrypt it with the default cipher: ssh-keygen -p -Z aes256-ctr -f FILE.');
          if (!passphrase || passphrase.length === 0) throw needsPassphrase('key');
          if (rounds < 1 || rounds > BCRYPT_MAX_ROUNDS) throw corrupt(`The key asks for ${rounds} bcrypt rounds, outside what any tool writes (1 to ${BCRYPT_MAX_ROUNDS}).`, 'kdf-cost');
          if (salt.length === 0 || salt.length > 1024) throw corrupt('The bcrypt salt of this key is damaged.', 'malformed');
          if (section.length % spec.blockSize !== 0) throw corrupt('The encrypted part of this OpenSSH key has a wrong length: the file is damaged.', 'truncated');
          const km = bcryptPbkdf(passphrase, salt, rounds, spec.keyLen + spec.ivLen);
          if (chacha) {
            const opened = chachaPolyOpen(km.subarray(0, 64), section, tag ?? Buffer.alloc(0));
            if (!opened) throw wrongPassphrase('key', 'the authentication tag does not match');
            plain = opened;
          } else {
            try {
              plain = rawDecrypt(spec, km.subarray(0, spec.keyLen), km.subarray(spec.keyLen), section, tag);
            } catch {
              throw wrongPassphrase('key', 'the authentication tag does not match');
            }
          }
        }
        const pr = new SshReader(plain);
        const c1 = pr.uint32();
        const c2 = pr.uint32();
        if (c1 !== c2) {
          // In a counter mode (aes*-ctr, OpenSSH's default) a changed byte changes only its own
          // bits: check numbers a few bits apart, followed by the public key's own type name,
          // mean the right passphrase and a damaged file. A wrong passphrase leaves them about 16
          // bits apart, a few bits by chance once in 3,000 tries, and never the type name after
          // them: that second test keeps such a chance from being called damage.
          if (encrypted && spec?.node.endsWith('-ctr') && bitsApart(c1, c2) <= 6 && typeNameFollows(plain, publicBlob)) throw corrupt('The passphrase is right, but the encrypted part of this OpenSSH key was changed or damaged after it was saved (its check numbers differ by a few bits).', 'bad-check');
          if (encrypted) throw wrongPassphrase('key', 'the check numbers inside the key do not match');
          throw corrupt('The OpenSSH private key is damaged (its check numbers do not match).', 'bad-check');
        }
        return parseOrCorrupt(WHAT, () => {
          const type = pr.text();
          const key = readOpenSshPrivateFields(type, pr);
          const comment = pr.text();
          // Padding 1, 2, 3, ...: anything else means the private part was altered.
          const pad = pr.bytes(pr.remaining);
          for (let i = 0; i < pad.length; i++) if (pad[i] !== i + 1) throw corrupt('The end of the OpenSSH private key is damaged.', 'bad-padding');
          return { key, comment };
        });
      },
    };
  });
}

export interface OpenSshWriteOptions {
  passphrase?: Buffer | null;
  /** bcrypt rounds (OpenSSH's default is 16). */
  rounds?: number;
  cipher?: 'aes256-ctr' | 'aes128-ctr' | 'aes256-cbc';
}

export function encodeOpenSshPrivateFields(w: SshWriter, key: PrivateKeyData): void {
  w.string(key.type);
  switch (key.type) {
    case 'ssh-rsa':
      w.mpint(key.n).mpint(key.e).mpint(key.d).mpint(key.iqmp).mpint(key.p).mpint(key.q);
      break;
    case 'ssh-dss':
      w.mpint(key.p).mpint(key.q).mpint(key.g).mpint(key.y).mpint(key.x);
      break;
    case 'ssh-ed25519':
      w.string(key.pub).string(Buffer.concat([key.seed, key.pub]));
      break;
    default:
      w.string(key.curve).string(key.Q).mpint(key.d);
  }
}

export function writeOpenSsh(key: PrivateKeyData, comment: string, opts: OpenSshWriteOptions = {}): string {
  const encrypt = !!opts.passphrase && opts.passphrase.length > 0;
  const cipherName = encrypt ? (opts.cipher ?? 'aes256-ctr') : 'none';
  const spec = OPENSSH_CIPHERS[cipherName];
  const blockSize = encrypt ? spec!.blockSize : 8;
  const check = randomBytes(4);
  const w = new SshWriter().raw(check).raw(check);
  encodeOpenSshPrivateFields(w, key);
  w.string(comment);
  let section = w.toBuffer();
  const padLen = (blockSize - (section.length % blockSize)) % blockSize;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: padLen }, (_, i) => i + 1))]);

  const out = new SshWriter().raw(MAGIC).string(cipherName);
  if (encrypt) {
    const rounds = opts.rounds ?? 16;
    const salt = randomBytes(16);
    const km = bcryptPbkdf(opts.passphrase!, salt, rounds, spec!.keyLen + spec!.ivLen);
    section = rawEncrypt(spec!, km.subarray(0, spec!.keyLen), km.subarray(spec!.keyLen), section).data;
    out.string('bcrypt').string(new SshWriter().string(salt).uint32(rounds).toBuffer());
  } else {
    out.string('none').string(Buffer.alloc(0));
  }
  out.uint32(1).string(publicBlobOf(key)).string(section);
  const b64 = out.toBuffer().toString('base64').match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Whether the key type name right after the check numbers is the public key's (the rest decrypted right). */
function typeNameFollows(plain: Buffer, publicBlob: Buffer): boolean {
  if (publicBlob.length < 4 || plain.length < 12) return false;
  const n = publicBlob.readUInt32BE(0);
  if (n === 0 || n > 64 || publicBlob.length < 4 + n || plain.length < 12 + n) return false;
  return plain.readUInt32BE(8) === n && plain.subarray(12, 12 + n).equals(publicBlob.subarray(4, 4 + n));
}

function bitsApart(a: number, b: number): number {
  let x = (a ^ b) >>> 0;
  let n = 0;
  while (x) {
    n += x & 1;
    x >>>= 1;
  }
  return n;
}
