import { promises as fs } from 'node:fs';
import type { KeyInspection, KeyTargetFormat } from '../../shared/keys';
import type { Secret } from '../common/secret';
import { writeFileAtomic } from '../store/atomic-file';
import { openKey } from './inspect';
import { publicBlobOf, publicKeyLine } from './model';
import { writeOpenSsh } from './openssh';
import { writePem } from './pem';
import { writePpk } from './ppk';
import { KeyError } from './problems';
import { writeRfc4716 } from './public';

export interface ConvertOptions {
  to: KeyTargetFormat;
  /** Passphrase of the input key, when it is encrypted. */
  passphrase?: Secret | string | null;
  /**
   * Passphrase for the new file (private targets). Without one the new file keeps the input's
   * protection, as PuTTYgen does: an encrypted key is written with the same passphrase, a plain
   * key stays plain.
   */
  newPassphrase?: Secret | string | null;
  /** Write the private key with no passphrase even though the input had one: only when the user chose it. */
  noPassphrase?: boolean;
  /** Comment for the new file (default: the input's comment). */
  comment?: string;
  /** Argon2 settings for ppk-v3 (default PuTTYgen's: Argon2id, 8192 KiB, parallelism 1, passes for ~100 ms). */
  ppkArgon2?: { memoryKiB?: number; passes?: number; parallelism?: number };
  fileName?: string;
  /** bcrypt rounds for an encrypted openssh target (default 16, as ssh-keygen). */
  opensshRounds?: number;
}

export interface ConvertResult {
  text: string;
  bytes: Buffer;
  /** The converted key, read back by the inspector (same fingerprint as the input). */
  inspection: KeyInspection;
  /** The input key's inspection. */
  source: KeyInspection;
  /** Things the user should know about the new file (e.g. which tools cannot read it). */
  notes: string[];
  /** How the new private file is protected: the input's passphrase, a new one, or none. Null for a public target. */
  protection: KeyProtection | null;
}

/** How a converted private key is protected. */
export type KeyProtection = 'same-passphrase' | 'new-passphrase' | 'none';

const PUBLIC_TARGETS: KeyTargetFormat[] = ['openssh-public', 'rfc4716-public'];

function reveal(p: Secret | string | null | undefined): string | null {
  if (p === undefined || p === null) return null;
  const s = typeof p === 'string' ? p : p.reveal();
  return s === '' ? null : s;
}

/**
 * Converts a key to another format. The result is read back by our own inspector and must show
 * the same fingerprint before it is returned. Throws KeyError when the input cannot be used.
 */
export async function convertKey(input: Buffer | string, opts: ConvertOptions): Promise<ConvertResult> {
  const opened = await openKey(input, { passphrase: opts.passphrase ?? null, fileName: opts.fileName });
  const source = opened.inspection;
  const isPublicTarget = PUBLIC_TARGETS.includes(opts.to);
  let text: string;
  const typed = reveal(opts.newPassphrase);
  if (typed !== null && opts.noPassphrase) throw new TypeError('convertKey: a new passphrase and noPassphrase exclude each other');
  const kept = typed === null && !opts.noPassphrase && source.encrypted ? reveal(opts.passphrase) : null;
  const newPass = typed ?? kept;
  const protection: KeyProtection | null = isPublicTarget ? null : typed !== null ? 'new-passphrase' : kept !== null ? 'same-passphrase' : 'none';
  const newPassBuf = newPass === null ? null : Buffer.from(newPass, 'utf8');
  if (isPublicTarget && !opened.key) {
    // A public key (or a private key whose public half is readable without a passphrase).
    if (!source.publicKeyLine || (source.kind === 'invalid')) throw opened.error ?? new KeyError('KEY_CORRUPT', 'The key could not be read.', 'Choose the key file again.');
    const [, b64] = source.publicKeyLine.split(' ');
    const blob = Buffer.from(b64!, 'base64');
    const comment = opts.comment ?? source.comment;
    if (source.kind === 'certificate') throw new KeyError('KEY_UNSUPPORTED_FORMAT', 'A certificate cannot be converted to a plain public key file.', 'Use the certificate as it is, next to its private key.', 'certificate');
    text = opts.to === 'openssh-public' ? `${publicKeyLine(blob, comment)}\n` : writeRfc4716(blob, comment);
  } else {
    if (!opened.key) throw opened.error ?? new KeyError('KEY_CORRUPT', 'The key could not be read.', 'Choose the key file again.');
    const { key } = opened.key;
    const comment = opts.comment ?? (opened.key.comment || source.comment || '');
    switch (opts.to) {
      case 'openssh':
        text = writeOpenSsh(key, comment, { passphrase: newPassBuf, rounds: opts.opensshRounds });
        break;
      case 'pem':
        text = writePem(key, newPassBuf);
        break;
      case 'ppk-v3':
        text = await writePpk(key, comment, { version: 3, passphrase: newPassBuf, argon2: opts.ppkArgon2 });
        break;
      case 'ppk-v2':
        text = await writePpk(key, comment, { version: 2, passphrase: newPassBuf });
        break;
      case 'openssh-public':
        text = `${publicKeyLine(publicBlobOf(key), comment || null)}\n`;
        break;
      case 'rfc4716-public':
        text = writeRfc4716(publicBlobOf(key), comment || null);
        break;
      default:
        throw new KeyError('KEY_UNSUPPORTED_FORMAT', `Unknown target format "${String(opts.to)}".`, 'Choose one of: openssh, pem, ppk-v3, ppk-v2, openssh-public, rfc4716-public.');
    }
  }
  const check = await openKey(text, { passphrase: isPublicTarget ? null : newPass });
  const ok = check.inspection.fingerprint_sha256 !== null && check.inspection.fingerprint_sha256 === source.fingerprint_sha256 && (isPublicTarget || check.key !== null);
  if (!ok) throw new Error(`the converted key did not read back correctly (${check.error?.message ?? 'fingerprint differs'}); nothing was written`);
  const notes: string[] = [];
  if (opts.to === 'pem' && source.type === 'ssh-ed25519') {
    notes.push('Ed25519 keys in PEM are PKCS#8, which OpenSSL reads but ssh-keygen (up to at least 9.2) and PuTTYgen (up to at least 0.78) do not: for those, convert to openssh or ppk-v3 instead.');
  }
  if (opts.to === 'ppk-v2' && source.type !== 'ssh-rsa' && source.type !== 'ssh-dss') {
    notes.push('PPK version 2 files with ECDSA or Ed25519 keys need PuTTY 0.68 or later (2017).');
  }
  if (!isPublicTarget && !newPass) notes.push('The new file has no passphrase: keep it private, or convert again with a new passphrase.');
  return { text, bytes: Buffer.from(text, 'utf8'), inspection: check.inspection, source, notes, protection };
}

export class KeyFileExistsError extends Error {
  override readonly name = 'KeyFileExistsError';
  constructor(readonly path: string) {
    super(`${path} already exists; it was not overwritten.`);
  }
}

/**
 * Writes a key file with mode 0600 (owner only). Refuses to replace an existing file unless
 * `overwrite` is set; then the old file is kept as FILE.bak.
 */
export async function writeKeyFile(file: string, data: string | Uint8Array, opts: { overwrite?: boolean } = {}): Promise<void> {
  let exists = false;
  try {
    await fs.lstat(file);
    exists = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (exists && !opts.overwrite) throw new KeyFileExistsError(file);
  await writeFileAtomic(file, data, { mode: 0o600, backup: exists });
  await fs.chmod(file, 0o600);
}
