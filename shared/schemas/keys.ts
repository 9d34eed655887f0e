/**
 * What the key inspector reports: the one declaration of KeyInspection. Field names are the
 * `sftp-doctor keys inspect --json` contract and the support bundle's key.json; the types are
 * z.infer of these schemas (re-exported type-only by shared/keys.ts).
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { KEY_FORMATS } from '../keys';

const str = z.string();

export const KeyKindSchema = z.enum(['private', 'public', 'certificate', 'invalid']);

export const KeyEncryptionSchema = z.object({
  cipher: str,
  /** e.g. "bcrypt", "argon2id", "pbkdf2", "md5" (legacy OpenSSL/PEM), "sha1" (PPK v2). */
  kdf: str,
  rounds: z.number().optional(),
  memoryKiB: z.number().optional(),
  passes: z.number().optional(),
  parallelism: z.number().optional(),
});

export const KeyProblemSchema = z.object({
  code: str,
  message: str,
  fix: str,
  /** "error": the key cannot be used as it is; "warning": servers/tools will likely refuse it; "info": advice. */
  severity: z.enum(['error', 'warning', 'info']).optional(),
  /** Narrower machine-readable cause, e.g. "truncated", "bad-mac", "bad-base64", "too-large". */
  reason: str.optional(),
});

export const KeyInspectionSchema = z.object({
  kind: KeyKindSchema,
  format: z.enum(KEY_FORMATS),
  /** SSH key type name, e.g. "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"; null when unknown. */
  type: str.nullable(),
  bits: z.number().nullable(),
  curve: str.nullable(),
  comment: str.nullable(),
  encrypted: z.boolean(),
  encryption: KeyEncryptionSchema.nullable(),
  /** As ssh-keygen -l prints: "SHA256:..." */
  fingerprint_sha256: str.nullable(),
  /** As ssh-keygen -l -E md5 prints: "MD5:aa:bb:..." */
  fingerprint_md5: str.nullable(),
  /** The authorized_keys line for this key, when the public half is known. */
  publicKeyLine: str.nullable(),
  /** Whether a passphrase was given and checked. */
  passphraseChecked: z.boolean(),
  problems: z.array(KeyProblemSchema),
  /** Things done to read a mangled file (CRLF, BOM, e-mail quoting...). */
  repairs: z.array(str),
});

export type KeyKind = z.infer<typeof KeyKindSchema>;
export type KeyEncryption = z.infer<typeof KeyEncryptionSchema>;
export type KeyProblem = z.infer<typeof KeyProblemSchema>;
export type KeyInspection = z.infer<typeof KeyInspectionSchema>;
