import type { KeyEncryption, KeyFormat, KeyKind, KeyProblem } from '../../shared/keys';
import type { PrivateKeyData, PrivateKeyWithComment } from './model';
import { KeyError, corrupt, problem } from './problems';
import { SshReader, TruncatedError } from '../common/ssh-wire';

/** What a format reader learns from a file before any passphrase is involved. */
export interface ParsedKeyFile {
  format: KeyFormat;
  kind: KeyKind;
  /** Public key blob when the file shows it without decryption. */
  publicBlob: Buffer | null;
  /** Key type when known without the blob (e.g. from a PEM label). */
  typeHint: string | null;
  comment: string | null;
  encrypted: boolean;
  encryption: KeyEncryption | null;
  /** Extra findings of the format reader (warnings, not errors). */
  problems: KeyProblem[];
  /** Opens the private part; passphrase null when none was given. Private formats only. */
  open?: (passphrase: Buffer | null) => Promise<PrivateKeyWithComment>;
}

/** Runs a binary parse, turning "ran out of bytes" and similar into a precise KEY_CORRUPT. */
export function parseOrCorrupt<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof KeyError) throw err;
    if (err instanceof TruncatedError) throw corrupt(`The ${what} is damaged: ${err.message}. Part of it is missing or was changed.`, 'truncated');
    throw corrupt(`The ${what} is damaged: ${(err as Error).message}.`, 'malformed');
  }
}

/** Reads the type-specific fields of an OpenSSH private key section (PROTOCOL.key order). */
export function readOpenSshPrivateFields(type: string, r: SshReader): PrivateKeyData {
  switch (type) {
    case 'ssh-rsa': {
      const n = r.mpint();
      const e = r.mpint();
      const d = r.mpint();
      const iqmp = r.mpint();
      const p = r.mpint();
      const q = r.mpint();
      return { type, n, e, d, iqmp, p, q };
    }
    case 'ssh-dss': {
      const [p, q, g, y, x] = [r.mpint(), r.mpint(), r.mpint(), r.mpint(), r.mpint()];
      return { type, p, q, g, y, x };
    }
    case 'ssh-ed25519': {
      const pub = r.string();
      const both = r.string();
      if (pub.length !== 32 || both.length !== 64) throw new Error('Ed25519 key has the wrong length');
      return { type, pub: Buffer.from(pub), seed: Buffer.from(both.subarray(0, 32)) };
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521': {
      const curve = r.text();
      if (`ecdsa-sha2-${curve}` !== type) throw new Error('ECDSA curve does not match the key type');
      const Q = Buffer.from(r.string());
      const d = r.mpint();
      return { type, curve: curve as 'nistp256', Q, d };
    }
    default:
      throw new KeyError('KEY_UNSUPPORTED_FORMAT', `Keys of type "${type}" are not supported here.`, 'Use an Ed25519, ECDSA or RSA key instead.', 'key-type');
  }
}

export function unencryptedAdvice(): KeyProblem {
  return problem(
    'KEY_UNENCRYPTED',
    'This private key has no passphrase: anyone who gets a copy of the file can use it.',
    'Consider protecting it with a passphrase (convert it with a new passphrase, or run ssh-keygen -p -f FILE).',
  );
}
