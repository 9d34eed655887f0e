import { ssh1TripleDes, singleDesAvailable } from './ciphers';
import { type ParsedKeyFile, parseOrCorrupt } from './codec';
import { rsaFromParts } from './model';
import { corrupt, needsPassphrase, problem, unsupported, wrongPassphrase } from './problems';
import { SshReader, SshWriter, bitLength } from '../common/ssh-wire';

/** SSH-1 RSA private keys ("SSH PRIVATE KEY FILE FORMAT 1.1"), as PuTTYgen and OpenSSH < 7.4 wrote them. */

const MAGIC = 'SSH PRIVATE KEY FILE FORMAT 1.1\n\0';
const WHAT = 'SSH-1 key';

export function ssh1Warning() {
  return problem(
    'KEY_SSH1',
    'This is an SSH-1 key (protocol version 1, retired since 2006). Today\'s servers and tools, including ssh-keygen, no longer accept it as it is.',
    'Convert it to an SSH-2 key with the same numbers (sftp-doctor keys convert FILE --to openssh -o NEWFILE), then put the new public key on the server. Better: create a new Ed25519 key.',
  );
}

export function parseSsh1(bytes: Buffer): ParsedKeyFile {
  return parseOrCorrupt(WHAT, () => {
    const r = new SshReader(bytes);
    r.bytes(MAGIC.length);
    const cipher = r.uint8();
    r.uint32(); // reserved
    r.uint32(); // bits
    const n = r.mpint1();
    const e = r.mpint1();
    const comment = r.text();
    const rest = Buffer.from(r.bytes(r.remaining));
    if (cipher !== 0 && cipher !== 3) throw unsupported(`This SSH-1 key uses cipher number ${cipher}; only triple DES (3) was ever used for key files.`, 'Create a new key.', 'cipher');
    const encrypted = cipher === 3;
    const publicBlob = new SshWriter().string('ssh-rsa').mpint(e).mpint(n).toBuffer();
    return {
      format: 'ssh1',
      kind: 'private',
      publicBlob,
      typeHint: 'ssh-rsa',
      comment,
      encrypted,
      encryption: encrypted ? { cipher: '3des (SSH-1 inner CBC)', kdf: 'md5' } : null,
      problems: [ssh1Warning()],
      async open(passphrase: Buffer | null) {
        let plain: Buffer = rest;
        if (encrypted) {
          if (!passphrase || passphrase.length === 0) throw needsPassphrase(WHAT);
          if (!singleDesAvailable()) throw unsupported('This build cannot decrypt SSH-1 keys (DES is not available).', 'Remove the passphrase with an old PuTTYgen, then convert the key.', 'cipher');
          if (rest.length % 8 !== 0) throw corrupt('The encrypted part of this SSH-1 key has a wrong length: the file is damaged or cut short.', 'truncated');
          plain = ssh1TripleDes(passphrase, rest, true);
        }
        if (plain.length < 4) throw corrupt('The SSH-1 key is cut short.', 'truncated');
        if (plain[0] !== plain[2] || plain[1] !== plain[3]) {
          if (encrypted) throw wrongPassphrase(WHAT, 'its check bytes do not match');
          throw corrupt('The SSH-1 key is damaged (its check bytes do not match).', 'bad-check');
        }
        return parseOrCorrupt(WHAT, () => {
          const pr = new SshReader(plain);
          pr.bytes(4);
          const d = pr.mpint1();
          pr.mpint1(); // iqmp: recomputed from p and q
          const q = pr.mpint1();
          const p = pr.mpint1();
          if (bitLength(n) < 256) throw new Error('RSA modulus far too small');
          return { key: rsaFromParts(n, e, d, p, q), comment };
        });
      },
    };
  });
}
