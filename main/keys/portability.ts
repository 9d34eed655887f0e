/**
 * Whether a key file that SFTP Doctor reads will also work in the user's other programs: OpenSSH's
 * ssh (and sftp, scp, Git, rsync...) and PuTTY (and WinSCP, FileZilla's PuTTY keys). Pure: facts
 * about the file in, the programs that would refuse it out. Each claim is held to the programs
 * themselves in portability.test.ts (ssh-keygen -y and puttygen as the oracles):
 * - format: OpenSSH reads its own format and PEM (PKCS#1, SEC1, DSA, PKCS#8 for RSA and ECDSA,
 *   also encrypted), not PuTTY's PPK, ssh.com, SSH-1, Dropbear, nor an Ed25519 key in PKCS#8;
 * - text: OpenSSH's own format allows no change at all (CRLF, a BOM, spaces...); PEM survives a
 *   BOM, CRLF and spaces at line ends, not indentation, "\n" escapes or UTF-16; PuTTY reads a PPK
 *   with CRLF but not with a BOM, spaces or any other change;
 * - mode: OpenSSH ignores a private key file of the user's own that the group or others may read.
 */
import type { KeyFormat } from '../../shared/keys';
import type { KeyToolIssue } from '../../shared/types';
import { decodeInput, REPAIRS } from './text';

export interface KeyFileFacts {
  format: KeyFormat;
  /** SSH key type ("ssh-ed25519"...), when known. */
  type: string | null;
  /** What the reader undid to read the file (KeyInspection.repairs). */
  repairs: readonly string[];
  /** Permission bits of the file (mode & 0o777), when it is a file of this computer. */
  mode?: number;
  /** The file belongs to the account running SFTP Doctor (OpenSSH checks the mode only then). */
  ownedByMe?: boolean;
}

/** Formats OpenSSH's ssh reads (for the key types it knows). */
const OPENSSH_FORMATS: ReadonlySet<KeyFormat> = new Set(['openssh', 'pem-pkcs1', 'pem-sec1', 'pem-dsa', 'pem-pkcs8', 'pem-pkcs8-encrypted']);
const PEM_FORMATS: ReadonlySet<KeyFormat> = new Set(['pem-pkcs1', 'pem-sec1', 'pem-dsa', 'pem-pkcs8', 'pem-pkcs8-encrypted']);
const PPK_FORMATS: ReadonlySet<KeyFormat> = new Set(['ppk-v2', 'ppk-v3']);

/** Private key formats in words, for the formats OpenSSH cannot read. */
export const FORMAT_WORDS: Partial<Record<KeyFormat, string>> = {
  'ppk-v2': 'PuTTY (PPK version 2)',
  'ppk-v3': 'PuTTY (PPK version 3)',
  sshcom: 'ssh.com (SECSH)',
  ssh1: 'SSH-1',
  dropbear: 'Dropbear',
  'pem-pkcs8': 'PKCS#8',
  'pem-pkcs8-encrypted': 'encrypted PKCS#8',
};

/** Each repair of the file's text, in a few words. */
const REPAIR_WORDS: ReadonlyMap<string, string> = new Map([
  [REPAIRS.bom, 'a byte-order mark (BOM) at its start'],
  [REPAIRS.utf16, 'saved as UTF-16 text'],
  [REPAIRS.crlf, 'Windows (CRLF) line ends'],
  [REPAIRS.quotedPrintable, 'e-mail quoted-printable encoding'],
  [REPAIRS.quoteMarks, 'e-mail quote marks'],
  [REPAIRS.indent, 'indented lines'],
  [REPAIRS.trailing, 'spaces at the ends of lines'],
  [REPAIRS.nbsp, 'non-breaking spaces'],
  [REPAIRS.escaped, 'line breaks written as "\\n"'],
  [REPAIRS.joined, 'its lines joined into one'],
  [REPAIRS.joinedPpk, 'its lines joined into one'],
]);

/** Changes of the text each reader gets over (what it reads anyway). */
const PEM_TOLERATES: ReadonlySet<string> = new Set([REPAIRS.bom, REPAIRS.crlf, REPAIRS.trailing]);
const PPK_TOLERATES: ReadonlySet<string> = new Set([REPAIRS.crlf]);

/** Whether OpenSSH's ssh reads a key of this format and type. */
export function opensshReadsFormat(format: KeyFormat, type: string | null): boolean {
  if (!OPENSSH_FORMATS.has(format)) return false;
  // OpenSSH reads PKCS#8 through OpenSSL for RSA, ECDSA and DSA; an Ed25519 key in PKCS#8 is refused.
  if ((format === 'pem-pkcs8' || format === 'pem-pkcs8-encrypted') && (type === 'ssh-ed25519' || type === 'ssh-ed448')) return false;
  return true;
}

/** The file-text repairs among an inspection's repairs (a trimmed passphrase is not one). */
export function textRepairs(repairs: readonly string[]): string[] {
  return repairs.filter((r) => REPAIR_WORDS.has(r));
}

function refusedChanges(format: KeyFormat, repairs: readonly string[]): string[] {
  const changes = textRepairs(repairs);
  if (format === 'openssh') return changes;
  if (PEM_FORMATS.has(format)) return changes.filter((r) => !PEM_TOLERATES.has(r));
  if (PPK_FORMATS.has(format)) return changes.filter((r) => !PPK_TOLERATES.has(r));
  return [];
}

function words(changes: readonly string[]): string {
  return [...new Set(changes.map((c) => REPAIR_WORDS.get(c) ?? 'altered text'))].join(', ');
}

/**
 * The programs that would refuse this private key file, and why. Empty when OpenSSH reads it as
 * it is, or (for a PuTTY key) when PuTTY does.
 */
export function keyToolIssues(k: KeyFileFacts): KeyToolIssue[] {
  const out: KeyToolIssue[] = [];
  const opensshFormat = opensshReadsFormat(k.format, k.type);
  if (!opensshFormat) {
    const named = FORMAT_WORDS[k.format];
    if (!named) return out; // not a private key format we know of: nothing to say
    out.push({ problem: 'format', tool: 'openssh', detail: k.format.startsWith('pem-pkcs8') ? `${named} with an Ed25519 key` : named });
  }
  const refused = refusedChanges(k.format, k.repairs);
  if (refused.length > 0) out.push({ problem: 'text', tool: PPK_FORMATS.has(k.format) ? 'putty' : 'openssh', detail: words(refused) });
  if (opensshFormat && k.ownedByMe && k.mode !== undefined && (k.mode & 0o077) !== 0) {
    out.push({ problem: 'mode', tool: 'openssh', detail: (k.mode & 0o777).toString(8).padStart(3, '0') });
  }
  return out;
}

/**
 * The key file's text as it was first saved: the reader's undoing of BOM, UTF-16, CRLF, e-mail
 * quoting, indentation and spaces, with one line break at the end. Null for a binary file (SSH-1,
 * Dropbear: nothing to clean). The caller checks the result reads back as the same key, unaltered.
 */
export function cleanKeyText(bytes: Buffer): string | null {
  const decoded = decodeInput(bytes);
  if (decoded.kind !== 'text') return null;
  // Loops, not a /\n*$/ pattern: that one rescans every run of line breaks (quadratic on hostile input).
  const t = decoded.text;
  let start = 0;
  while (start < t.length && t.charCodeAt(start) === 0x0a) start++;
  let end = t.length;
  while (end > start && t.charCodeAt(end - 1) === 0x0a) end--;
  return `${t.slice(start, end)}\n`;
}
