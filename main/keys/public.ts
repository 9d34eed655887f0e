import type { ParsedKeyFile } from './codec';
import { parseOrCorrupt } from './codec';
import { describePublicBlob } from './model';
import { corrupt } from './problems';
import { decodeBase64, readArmor } from './text';
import { SshReader, SshWriter } from '../common/ssh-wire';

/** Public key formats: authorized_keys lines, certificates, RFC 4716, SSH-1 public lines. */

const KEY_TYPE = /(?:^|\s)((?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)(?:-cert-v0[01]@openssh\.com)?)\s+(AAAA[A-Za-z0-9+/=]*)(?:[ \t]+([^\n]*))?/;

/** Is this text an authorized_keys style line (or several)? */
export function findOpenSshPublicLine(text: string): RegExpExecArray | null {
  return KEY_TYPE.exec(text);
}

export function parseOpenSshPublic(text: string, _repairs: string[]): ParsedKeyFile {
  const m = findOpenSshPublicLine(text)!;
  const type = m[1]!;
  const blob = decodeBase64(m[2]!, 'public key');
  const comment = (m[3] ?? '').trim() || null;
  const isCert = type.includes('-cert-');
  parseOrCorrupt('public key', () => {
    const inner = new SshReader(blob).text();
    if (inner !== type) throw corrupt(`The public key line says "${type}" but its data is a "${inner}" key: the line was damaged or edited.`, 'mismatch');
    describePublicBlob(blob);
  });
  return {
    format: isCert ? 'openssh-cert' : 'openssh-public',
    kind: isCert ? 'certificate' : 'public',
    publicBlob: blob,
    typeHint: type,
    comment,
    encrypted: false,
    encryption: null,
    problems: [],
  };
}

export function parseRfc4716(text: string, repairs: string[]): ParsedKeyFile {
  const armor = readArmor(text, 4, 'RFC 4716 public key', repairs);
  parseOrCorrupt('public key', () => describePublicBlob(armor.body));
  const c = armor.headers.get('comment');
  return {
    format: 'rfc4716-public',
    kind: 'public',
    publicBlob: armor.body,
    typeHint: null,
    comment: c === undefined ? null : c.replace(/^"(.*)"$/, '$1'),
    encrypted: false,
    encryption: null,
    problems: [],
  };
}

// Spaces and tabs only, never \s: "^\s*" would run over every following blank line from each
// line start (quadratic on a file of blank lines).
const SSH1_PUBLIC = /^[ \t]*(\d{3,5})[ \t]+(\d{1,10})[ \t]+(\d{50,})(?:[ \t]+([^\n]*))?/m;

export function isSsh1Public(text: string): boolean {
  return SSH1_PUBLIC.test(text);
}

export function parseSsh1Public(text: string): ParsedKeyFile {
  const m = SSH1_PUBLIC.exec(text)!;
  const e = BigInt(m[2]!);
  const n = BigInt(m[3]!);
  return {
    format: 'ssh1-public',
    kind: 'public',
    publicBlob: new SshWriter().string('ssh-rsa').mpint(e).mpint(n).toBuffer(),
    typeHint: 'ssh-rsa',
    comment: (m[4] ?? '').trim() || null,
    encrypted: false,
    encryption: null,
    problems: [],
  };
}

export function writeRfc4716(blob: Buffer, comment: string | null): string {
  const lines = ['---- BEGIN SSH2 PUBLIC KEY ----'];
  if (comment) {
    // Header lines are at most 72 bytes; longer ones continue with a backslash.
    const header = `Comment: "${comment.replace(/"/g, "'")}"`;
    const parts = header.match(/.{1,70}/g) ?? [];
    parts.forEach((p, i) => lines.push(i < parts.length - 1 ? `${p}\\` : p));
  }
  lines.push(...(blob.toString('base64').match(/.{1,70}/g) ?? []), '---- END SSH2 PUBLIC KEY ----');
  return `${lines.join('\n')}\n`;
}
