/** Words for what the key inspector found. Pure. */
import type { KeyEncryption, KeyFormat, KeyInspection, KeyTargetFormat } from '../../shared/keys';

export const FORMAT_NAMES: Record<KeyFormat, string> = {
  openssh: 'OpenSSH private key',
  'pem-pkcs1': 'PEM private key (PKCS#1, "traditional")',
  'pem-pkcs8': 'PEM private key (PKCS#8)',
  'pem-pkcs8-encrypted': 'PEM private key (PKCS#8, encrypted)',
  'pem-sec1': 'PEM EC private key (SEC1)',
  'pem-dsa': 'PEM DSA private key',
  'ppk-v2': 'PuTTY private key, version 2',
  'ppk-v3': 'PuTTY private key, version 3',
  ssh1: 'SSH-1 private key (obsolete)',
  sshcom: 'ssh.com / Tectia private key',
  dropbear: 'Dropbear private key',
  'openssh-public': 'OpenSSH public key',
  'rfc4716-public': 'RFC 4716 (SSH2) public key',
  'pem-public': 'PEM public key',
  'ssh1-public': 'SSH-1 public key (obsolete)',
  'openssh-cert': 'OpenSSH certificate',
  unknown: 'Not a key format SFTP Doctor knows',
};

export const TARGETS: { to: KeyTargetFormat; label: string; private: boolean; hint: string }[] = [
  { to: 'openssh', label: 'OpenSSH', private: true, hint: 'For OpenSSH, FileZilla, most Linux and macOS tools.' },
  { to: 'ppk-v3', label: 'PuTTY PPK v3', private: true, hint: 'For PuTTY 0.75+ and WinSCP 5.19+.' },
  { to: 'ppk-v2', label: 'PuTTY PPK v2', private: true, hint: 'For older PuTTY and WinSCP versions.' },
  { to: 'pem', label: 'PEM', private: true, hint: 'For older tools that want "BEGIN RSA/EC PRIVATE KEY".' },
  { to: 'openssh-public', label: 'OpenSSH public key', private: false, hint: 'One line for ~/.ssh/authorized_keys on the server.' },
  { to: 'rfc4716-public', label: 'RFC 4716 public key', private: false, hint: 'The "BEGIN SSH2 PUBLIC KEY" format some servers ask for.' },
];

export function typeText(k: Pick<KeyInspection, 'type' | 'bits' | 'curve'>): string {
  if (!k.type) return 'unknown';
  const extra = [k.bits ? `${k.bits} bits` : null, k.curve].filter(Boolean).join(', ');
  return extra ? `${k.type} (${extra})` : k.type;
}

export function encryptionText(encrypted: boolean, e: KeyEncryption | null): string {
  if (!encrypted) return 'Not protected by a passphrase';
  if (!e) return 'Protected by a passphrase';
  const cost: string[] = [];
  if (e.rounds !== undefined) cost.push(`${e.rounds} rounds`);
  if (e.memoryKiB !== undefined) cost.push(`${e.memoryKiB >= 1024 ? `${Math.round(e.memoryKiB / 1024)} MiB` : `${e.memoryKiB} KiB`} memory`);
  if (e.passes !== undefined) cost.push(`${e.passes} passes`);
  if (e.parallelism !== undefined) cost.push(`parallelism ${e.parallelism}`);
  return `Protected by a passphrase: ${e.cipher}, key derived with ${e.kdf}${cost.length ? ` (${cost.join(', ')})` : ''}`;
}
