import { existsSync } from 'node:fs';
import path from 'node:path';
import type { KeyFormat, KeyInspection, KeyProblem } from '../../shared/keys';
import type { Secret } from '../common/secret';
import type { ParsedKeyFile } from './codec';
import { unencryptedAdvice } from './codec';
import { parseDropbear } from './dropbear';
import { type PrivateKeyWithComment, bitsOf, checkConsistency, curveOf, describePublicBlob, fingerprintMd5, fingerprintSha256, publicBlobOf, publicKeyLine } from './model';
import { parseOpenSsh } from './openssh';
import { parsePemPrivate, parsePemPublic } from './pem';
import { parsePpk } from './ppk';
import { KeyError, SEVERITY, type KeyProblemCode, corrupt, problem } from './problems';
import { findOpenSshPublicLine, isSsh1Public, parseOpenSshPublic, parseRfc4716, parseSsh1Public } from './public';
import { parseSsh1 } from './ssh1';
import { parseSshcom } from './sshcom';
import { decodeInput, type DecodedInput } from './text';

export interface InspectOptions {
  passphrase?: Secret | string | null;
  /** Name (or path) of the file the input came from: used to point from a .pub to its private key. */
  fileName?: string;
}

interface Detected {
  format: KeyFormat;
  parse: () => ParsedKeyFile;
}

function detect(decoded: DecodedInput): Detected {
  const repairs = decoded.repairs;
  if (decoded.kind === 'binary') {
    const b = decoded.bytes;
    if (b.subarray(0, 16).toString('latin1') === 'SSH PRIVATE KEY ') return { format: 'ssh1', parse: () => parseSsh1(b) };
    return { format: 'dropbear', parse: () => parseDropbear(b) };
  }
  const t = decoded.text;
  if (/-----\s?BEGIN OPENSSH PRIVATE KEY/.test(t)) return { format: 'openssh', parse: () => parseOpenSsh(t, repairs) };
  const pem = /-----\s?BEGIN (RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY/.exec(t);
  if (pem) {
    const f: Record<string, KeyFormat> = { 'RSA ': 'pem-pkcs1', 'EC ': 'pem-sec1', 'DSA ': 'pem-dsa', 'ENCRYPTED ': 'pem-pkcs8-encrypted' };
    return { format: f[pem[1] ?? ''] ?? 'pem-pkcs8', parse: () => parsePemPrivate(t, repairs) };
  }
  if (/-----\s?BEGIN (RSA )?PUBLIC KEY/.test(t)) return { format: 'pem-public', parse: () => parsePemPublic(t, repairs) };
  if (/----\s?BEGIN SSH2 ENCRYPTED PRIVATE KEY/.test(t)) return { format: 'sshcom', parse: () => parseSshcom(t, repairs) };
  if (/----\s?BEGIN SSH2 PUBLIC KEY/.test(t)) return { format: 'rfc4716-public', parse: () => parseRfc4716(t, repairs) };
  if (/PuTTY-User-Key-File-\d/.test(t)) {
    const v3 = /PuTTY-User-Key-File-3/.test(t);
    return { format: v3 ? 'ppk-v3' : 'ppk-v2', parse: () => parsePpk(t, repairs) };
  }
  const line = findOpenSshPublicLine(t);
  if (line) return { format: line[1]!.includes('-cert-') ? 'openssh-cert' : 'openssh-public', parse: () => parseOpenSshPublic(t, repairs) };
  if (isSsh1Public(t)) return { format: 'ssh1-public', parse: () => parseSsh1Public(t) };
  return { format: 'unknown', parse: () => { throw unknownText(t); } };
}

function unknownText(t: string): KeyError {
  const unsupportedErr = (message: string, fix: string, reason: string) => new KeyError('KEY_UNSUPPORTED_FORMAT', message, fix, reason);
  if (/-----BEGIN CERTIFICATE-----/.test(t)) return unsupportedErr('This is an X.509 (TLS/SSL) certificate, not an SSH key.', 'SFTP logins use SSH keys: choose your SSH private key (for example id_ed25519 or a .ppk file).', 'x509');
  if (/BEGIN PGP/.test(t)) return unsupportedErr('This is a PGP/GPG key, not an SSH key.', 'Choose your SSH private key, or export an SSH key from GnuPG with: gpg --export-ssh-key ID.', 'pgp');
  if (/PRIVATE KEY|BEGIN|ssh-(rsa|ed25519|dss)|ecdsa-sha2/.test(t)) {
    return corrupt('This looks like part of a key, but its first line is damaged or missing, so it cannot be read.', 'bad-armor');
  }
  return unsupportedErr(
    'This is not a key file this app recognises (it is text, but not in any SSH or PuTTY key format).',
    'Choose the private key file itself: usually id_ed25519 or id_rsa in your .ssh folder, or a .ppk file from PuTTYgen.',
    'unknown',
  );
}

function blank(): KeyInspection {
  return {
    kind: 'invalid',
    format: 'unknown',
    type: null,
    bits: null,
    curve: null,
    comment: null,
    encrypted: false,
    encryption: null,
    fingerprint_sha256: null,
    fingerprint_md5: null,
    publicKeyLine: null,
    passphraseChecked: false,
    problems: [],
    repairs: [],
  };
}

function passphraseBuffer(p: Secret | string | null | undefined): Buffer | null {
  if (p === undefined || p === null) return null;
  const s = typeof p === 'string' ? p : p.reveal();
  return s === '' ? null : Buffer.from(s, 'utf8');
}

function setPublic(r: KeyInspection, blob: Buffer): void {
  const info = describePublicBlob(blob);
  const fpBlob = info.certifiedBlob ?? blob;
  r.type = info.type;
  r.bits = info.bits;
  r.curve = info.curve;
  r.fingerprint_sha256 = fingerprintSha256(fpBlob);
  r.fingerprint_md5 = fingerprintMd5(fpBlob);
  r.publicKeyLine = publicKeyLine(blob, r.comment);
}

function privateKeyHint(fileName: string | undefined): string {
  const generic = 'Choose the private key instead: it has the same name without ".pub" (for example id_ed25519, not id_ed25519.pub), or is the .ppk file PuTTYgen saved.';
  if (!fileName) return generic;
  const base = fileName.replace(/-cert\.pub$/, '').replace(/\.pub$/, '');
  if (base === fileName) return generic;
  const there = existsSync(base);
  const name = path.basename(base);
  return there ? `Choose ${name} instead: it is the private key, in the same folder as this file.` : `Choose the private key instead: it is usually called ${name} (the same name without ".pub"), on the computer where the key was created.`;
}

function weakProblem(type: string | null, bits: number | null): KeyProblem | null {
  if (type === 'ssh-dss') {
    return problem('KEY_WEAK', 'This is a DSA key. DSA is considered weak, and OpenSSH servers refuse it by default since version 7.0 (2015).', 'Create a new Ed25519 key (ssh-keygen -t ed25519, or PuTTYgen > EdDSA) and put its public key on the server.');
  }
  if (type === 'ssh-rsa' && bits !== null && bits < 2048) {
    return problem('KEY_WEAK', `This RSA key is only ${bits} bits. Keys under 2048 bits are weak and newer servers refuse them.`, 'Create a new key: Ed25519 (best) or RSA with at least 3072 bits, and put its public key on the server.');
  }
  return null;
}

export interface OpenedKey {
  inspection: KeyInspection;
  /** The decrypted key, when the file is a private key that could be opened. */
  key: PrivateKeyWithComment | null;
  /** The first error (the reason `key` is null). */
  error: KeyError | null;
}

/** Reads, checks and (with the passphrase) opens a key. Never throws for bad input. */
export async function openKey(input: Buffer | string, opts: InspectOptions = {}): Promise<OpenedKey> {
  const r = blank();
  let key: PrivateKeyWithComment | null = null;
  let error: KeyError | null = null;
  const fail = (e: unknown): void => {
    const ke = e instanceof KeyError ? e : corrupt(`The key could not be read: ${(e as Error)?.message ?? String(e)}.`, 'malformed');
    if (!error) error = ke;
    r.problems.push(ke.toProblem());
  };
  let parsed: ParsedKeyFile | null = null;
  try {
    const decoded = decodeInput(input);
    r.repairs = decoded.repairs;
    const d = detect(decoded);
    r.format = d.format;
    parsed = d.parse();
  } catch (e) {
    fail(e);
  }
  if (parsed) {
    r.kind = parsed.kind;
    r.format = parsed.format;
    r.comment = parsed.comment;
    r.encrypted = parsed.encrypted;
    r.encryption = parsed.encryption;
    r.problems.push(...parsed.problems);
    if (parsed.typeHint && parsed.typeHint !== 'ecdsa') r.type = parsed.typeHint;
    try {
      if (parsed.publicBlob) setPublic(r, parsed.publicBlob);
    } catch (e) {
      fail(e);
    }
    if (parsed.kind === 'public' || parsed.kind === 'certificate') {
      const cert = parsed.kind === 'certificate';
      r.problems.push(
        problem(
          'KEY_IS_PUBLIC',
          cert
            ? 'This is an SSH certificate: the public half of a key, signed by an authority. It cannot log in on its own.'
            : 'This is a public key: the half you give to the server. Logging in needs the private key, which stays on your computer.',
          privateKeyHint(opts.fileName),
        ),
      );
      error = new KeyError('KEY_IS_PUBLIC', r.problems[r.problems.length - 1]!.message, r.problems[r.problems.length - 1]!.fix);
    } else if (parsed.open && !error) {
      const pass = passphraseBuffer(opts.passphrase);
      try {
        key = await parsed.open(pass);
      } catch (e) {
        // A passphrase with a stray space or newline around it (pasted) is tried once trimmed.
        const s = typeof opts.passphrase === 'string' ? opts.passphrase : opts.passphrase?.reveal();
        if (e instanceof KeyError && e.code === 'KEY_WRONG_PASSPHRASE' && s && s !== s.trim() && s.trim() !== '') {
          try {
            key = await parsed.open(Buffer.from(s.trim(), 'utf8'));
            r.repairs.push('The passphrase had spaces or a line break around it; it worked without them.');
          } catch {
            fail(e);
          }
        } else {
          fail(e);
        }
      }
      if (key) {
        const mismatch = checkConsistency(key.key);
        const blob = publicBlobOf(key.key);
        if (mismatch) {
          fail(corrupt(`The private key is damaged: ${mismatch}.`, 'mismatch'));
          key = null;
        } else if (parsed.publicBlob && !parsed.publicBlob.equals(blob)) {
          fail(corrupt('The public half stored in this file does not belong to its private half: the file was edited or mixed from two keys.', 'mismatch'));
          key = null;
        } else {
          if (!r.comment && key.key && key.comment) r.comment = key.comment;
          r.type = key.key.type;
          r.bits = bitsOf(key.key);
          r.curve = curveOf(key.key);
          setPublic(r, blob);
          r.passphraseChecked = parsed.encrypted;
        }
      }
      if (!parsed.encrypted) r.problems.push(unencryptedAdvice());
    }
    const weak = weakProblem(r.type, r.bits);
    if (weak) r.problems.push(weak);
  }
  if (r.kind === 'private' && (error as KeyError | null)?.code === 'KEY_CORRUPT') r.kind = 'invalid';
  if (r.repairs.length > 0 && !r.problems.some((p) => p.code === 'KEY_CORRUPT')) {
    r.problems.push(
      problem(
        'KEY_MANGLED',
        'The file was altered on its way to you (see the repairs list), but the key inside is intact and was read anyway.',
        'Some programs will not read the altered file: save a clean copy (sftp-doctor keys convert FILE --to openssh -o NEWFILE, or the same format you need).',
      ),
    );
  }
  const rank = { error: 0, warning: 1, info: 2 };
  r.problems.sort((a, b) => rank[a.severity ?? 'info'] - rank[b.severity ?? 'info']);
  return { inspection: r, key, error };
}

/**
 * Everything the app tells a user about a key file: what it is, its fingerprints, and what is
 * wrong with it (each problem with a next step). Never throws for bad input.
 */
export async function inspectKey(input: Buffer | string, opts: InspectOptions = {}): Promise<KeyInspection> {
  return (await openKey(input, opts)).inspection;
}

/** Whether the inspection describes a key that works as it is (no error or warning). */
export function isUsable(i: KeyInspection): boolean {
  return i.kind === 'private' && !i.problems.some((p) => (p.severity ?? SEVERITY[p.code as KeyProblemCode] ?? 'error') !== 'info');
}
