import type { KeyInspection } from '../../shared/keys';
import type { Secret } from '../common/secret';
import { openKey } from './inspect';
import { publicBlobOf } from './model';
import { writeOpenSsh } from './openssh';
import { KeyError } from './problems';

export interface SshReadyKey {
  /**
   * The key as an unencrypted OpenSSH private key (text in a Buffer), which ssh2 reads for every
   * key type: pass it as `privateKey` (no passphrase needed). Keep it in memory only.
   */
  privateKey: Buffer;
  /** Public key blob (what the server sees). */
  publicBlob: Buffer;
  type: string;
  fingerprint_sha256: string;
  inspection: KeyInspection;
}

/**
 * Turns any supported private key (OpenSSH, PEM/PKCS#8, PPK v2/v3, SSH-1, ssh.com, Dropbear;
 * encrypted or not) into a key ssh2 can use, converting in memory. Throws KeyError whose `code`
 * is KEY_IS_PUBLIC, KEY_NEEDS_PASSPHRASE, KEY_WRONG_PASSPHRASE, KEY_UNSUPPORTED_FORMAT or
 * KEY_CORRUPT when that is impossible.
 */
export async function loadPrivateKeyForSsh(input: Buffer | string, passphrase?: Secret | string | null, fileName?: string): Promise<SshReadyKey> {
  const opened = await openKey(input, { passphrase: passphrase ?? null, fileName });
  if (!opened.key) {
    throw opened.error ?? new KeyError('KEY_CORRUPT', 'The key could not be read.', 'Choose the key file again or create a new key pair.');
  }
  const { key, comment } = opened.key;
  return {
    privateKey: Buffer.from(writeOpenSsh(key, comment), 'utf8'),
    publicBlob: publicBlobOf(key),
    type: key.type,
    fingerprint_sha256: opened.inspection.fingerprint_sha256!,
    inspection: opened.inspection,
  };
}
