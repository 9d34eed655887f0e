import { createDecipheriv } from 'node:crypto';
import { md5 } from './ciphers';
import { type ParsedKeyFile, parseOrCorrupt } from './codec';
import { type PrivateKeyData, rsaFromParts } from './model';
import { corrupt, needsPassphrase, unsupported, wrongPassphrase } from './problems';
import { readArmor } from './text';
import { SshReader, tryRead } from '../common/ssh-wire';

/**
 * ssh.com / SECSH private keys ("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"), RSA and DSA, as
 * PuTTYgen exports them (layout as in PuTTY's import.c).
 */

const MAGIC = 0x3f6ff9eb;
const WHAT = 'ssh.com private key';

function unquote(s: string | undefined): string | null {
  if (s === undefined) return null;
  return s.replace(/^"(.*)"$/, '$1');
}

function readKeyData(keyType: string, data: Buffer): PrivateKeyData {
  const r = new SshReader(data);
  if (keyType.startsWith('if-modn{sign{rsa')) {
    const e = r.mpintBits32();
    const d = r.mpintBits32();
    const n = r.mpintBits32();
    r.mpintBits32(); // u: recomputed
    const p = r.mpintBits32();
    const q = r.mpintBits32();
    return rsaFromParts(n, e, d, p, q);
  }
  if (keyType.startsWith('dl-modp{sign{dsa')) {
    if (r.uint32() !== 0) throw new Error('unknown DSA key layout');
    const p = r.mpintBits32();
    const g = r.mpintBits32();
    const q = r.mpintBits32();
    const y = r.mpintBits32();
    const x = r.mpintBits32();
    return { type: 'ssh-dss', p, q, g, y, x };
  }
  throw unsupported(`This ssh.com key is of a type that is not supported ("${keyType}").`, 'Convert it with the ssh.com tools or PuTTYgen to an OpenSSH key.', 'key-type');
}

export function parseSshcom(text: string, repairs: string[]): ParsedKeyFile {
  const armor = readArmor(text, 4, WHAT, repairs);
  const comment = unquote(armor.headers.get('comment'));
  return parseOrCorrupt(WHAT, () => {
    const r = new SshReader(armor.body);
    if (r.uint32() !== MAGIC) throw corrupt('This ssh.com key does not start the way such keys always do: it is damaged.', 'bad-magic');
    const total = r.uint32();
    if (total > armor.body.length) throw corrupt('The ssh.com key is cut short.', 'truncated');
    const keyType = r.text();
    const cipher = r.text();
    const blob = Buffer.from(r.string());
    if (cipher !== 'none' && cipher !== '3des-cbc') throw unsupported(`This ssh.com key is encrypted with "${cipher}", which is not supported.`, 'Remove the passphrase with the ssh.com tools, then try again.', 'cipher');
    const encrypted = cipher !== 'none';
    const typeHint = keyType.startsWith('if-modn') ? 'ssh-rsa' : keyType.startsWith('dl-modp') ? 'ssh-dss' : null;
    return {
      format: 'sshcom',
      kind: 'private',
      publicBlob: null,
      typeHint,
      comment,
      encrypted,
      encryption: encrypted ? { cipher: '3des-cbc', kdf: 'md5' } : null,
      problems: [],
      async open(passphrase: Buffer | null) {
        let plain = blob;
        if (encrypted) {
          if (!passphrase || passphrase.length === 0) throw needsPassphrase(WHAT);
          if (blob.length % 8 !== 0) throw corrupt('The encrypted part of this ssh.com key has a wrong length: it is damaged or cut short.', 'truncated');
          const a = md5(passphrase);
          const key = Buffer.concat([a, md5(passphrase, a)]).subarray(0, 24);
          const d = createDecipheriv('des-ede3-cbc', key, Buffer.alloc(8));
          d.setAutoPadding(false);
          plain = Buffer.concat([d.update(blob), d.final()]);
        }
        const body = tryRead(plain, (r) => r.string());
        if (body === null || plain.length - (body.length + 4) >= 8) {
          if (encrypted) throw wrongPassphrase(WHAT, 'the decrypted length field makes no sense');
          throw corrupt('The ssh.com key is damaged (its length field is wrong).', 'malformed');
        }
        const key = parseOrCorrupt(WHAT, () => readKeyData(keyType, body));
        return { key, comment: comment ?? '' };
      },
    };
  });
}

