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

// What the inspector reports is a zod schema (shared/schemas/keys.ts); its types, type-only here
// so that importing this module never loads zod.
export type { KeyEncryption, KeyInspection, KeyKind, KeyProblem } from './schemas/keys';
