/** What the key inspector reports. Field names are the `sftp-doctor keys inspect --json` contract. */

export const KEY_FORMATS = [
  'openssh',
  'pem-pkcs1',
  'pem-pkcs8',
  'pem-pkcs8-encrypted',
  'pem-sec1',
  'pem-dsa',
  'ppk-v2',
  'ppk-v3',
  'ssh1',
  'sshcom',
  'dropbear',
  'openssh-public',
  'rfc4716-public',
  'pem-public',
  'ssh1-public',
  'openssh-cert',
  'unknown',
] as const;
export type KeyFormat = (typeof KEY_FORMATS)[number];

export const KEY_TARGET_FORMATS = ['openssh', 'pem', 'ppk-v3', 'ppk-v2', 'openssh-public', 'rfc4716-public'] as const;
export type KeyTargetFormat = (typeof KEY_TARGET_FORMATS)[number];

export type KeyKind = 'private' | 'public' | 'certificate' | 'invalid';

export interface KeyEncryption {
  cipher: string;
  /** e.g. "bcrypt", "argon2id", "pbkdf2", "md5" (legacy OpenSSL/PEM), "sha1" (PPK v2). */
  kdf: string;
  rounds?: number;
  memoryKiB?: number;
  passes?: number;
  parallelism?: number;
}

export interface KeyProblem {
  code: string;
  message: string;
  fix: string;
  /** "error": the key cannot be used as it is; "warning": servers/tools will likely refuse it; "info": advice. */
  severity?: 'error' | 'warning' | 'info';
  /** Narrower machine-readable cause, e.g. "truncated", "bad-mac", "bad-base64", "too-large". */
  reason?: string;
}

export interface KeyInspection {
  kind: KeyKind;
  format: KeyFormat;
  /** SSH key type name, e.g. "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"; null when unknown. */
  type: string | null;
  bits: number | null;
  curve: string | null;
  comment: string | null;
  encrypted: boolean;
  encryption: KeyEncryption | null;
  /** As ssh-keygen -l prints: "SHA256:..." */
  fingerprint_sha256: string | null;
  /** As ssh-keygen -l -E md5 prints: "MD5:aa:bb:..." */
  fingerprint_md5: string | null;
  /** The authorized_keys line for this key, when the public half is known. */
  publicKeyLine: string | null;
  /** Whether a passphrase was given and checked. */
  passphraseChecked: boolean;
  problems: KeyProblem[];
  /** Things done to read a mangled file (CRLF, BOM, e-mail quoting...). */
  repairs: string[];
}
