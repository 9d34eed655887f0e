import type { ParsedKeyFile } from './codec';
import { parseOrCorrupt } from './codec';
import { isEcdsaCurve, type PrivateKeyData, publicBlobOf, rsaFromParts } from './model';
import { unsupported } from './problems';
import { SshReader } from '../common/ssh-wire';

/** Dropbear's binary private key files (dropbearkey), never encrypted. */

const WHAT = 'Dropbear key';

export function parseDropbear(bytes: Buffer): ParsedKeyFile {
  const key = parseOrCorrupt(WHAT, (): PrivateKeyData => {
    const r = new SshReader(bytes);
    const type = r.text();
    switch (type) {
      case 'ssh-rsa': {
        const e = r.mpint();
        const n = r.mpint();
        const d = r.mpint();
        const p = r.mpint();
        const q = r.mpint();
        return rsaFromParts(n, e, d, p, q);
      }
      case 'ssh-dss': {
        const [p, q, g, y, x] = [r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint()];
        return { type, p, q, g, y, x };
      }
      case 'ssh-ed25519': {
        const both = r.string();
        if (both.length !== 64) throw new Error('Ed25519 key has the wrong length');
        return { type, seed: Buffer.from(both.subarray(0, 32)), pub: Buffer.from(both.subarray(32)) };
      }
      default: {
        const curve = r.text();
        if (!isEcdsaCurve(curve) || `ecdsa-sha2-${curve}` !== type) throw unsupported(`Dropbear keys of type "${type}" are not supported.`, 'Use an Ed25519 key.', 'key-type');
        const Q = Buffer.from(r.string());
        return { type: `ecdsa-sha2-${curve}`, curve, Q, d: r.mpint() };
      }
    }
  });
  return {
    format: 'dropbear',
    kind: 'private',
    publicBlob: publicBlobOf(key),
    typeHint: key.type,
    comment: null,
    encrypted: false,
    encryption: null,
    problems: [],
    async open() {
      return { key, comment: '' };
    },
  };
}
