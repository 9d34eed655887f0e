import { tryRead } from '../common/ssh-wire';
import { KeyError, corrupt, truncated } from './problems';

/** Largest file we agree to look at: real keys are a few KiB at most. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** The repairs decodeInput (and the armour readers) can make to a key file's text, in words (KeyInspection.repairs). */
export const REPAIRS = {
  bom: 'Removed a byte-order mark (BOM) at the start of the file, which Notepad and some editors add.',
  utf16: 'The file was saved as UTF-16 text (Windows "Unicode"); read it as plain text.',
  crlf: 'Converted Windows (CRLF) or old Mac (CR) line endings to plain line breaks.',
  quotedPrintable: 'Decoded e-mail "quoted-printable" encoding (=3D and similar sequences).',
  quoteMarks: 'Removed e-mail quote marks (">") at the start of each line.',
  indent: 'Removed spaces or tabs at the start of lines (indentation added by e-mail or a document).',
  trailing: 'Removed spaces at the end of lines.',
  nbsp: 'Replaced non-breaking spaces (from a web page or word processor) with ordinary spaces.',
  escaped: 'The key was pasted as one line with its line breaks written as "\\n" (as in JSON, .env files or CI variables); read it with real line breaks.',
  joined: 'The line breaks of the key were lost (the lines were joined into one); read it anyway.',
  joinedPpk: 'The line breaks of the PuTTY key were lost (the lines were joined into one); read it anyway.',
} as const;

export type DecodedInput =
  | { kind: 'text'; text: string; repairs: string[] }
  | { kind: 'binary'; bytes: Buffer; repairs: string[] };

const SSH1_MAGIC = Buffer.from('SSH PRIVATE KEY FILE FORMAT 1.1\n\0', 'latin1');

export function tooLarge(size: number): KeyError {
  return new KeyError(
    'KEY_UNSUPPORTED_FORMAT',
    `This file is ${formatSize(size)}, far larger than any key file (they are a few KB at most), so it is not a key.`,
    'Choose the key file itself (often id_ed25519, id_rsa or a .ppk file), not an archive, document or folder.',
    'too-large',
  );
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
}

/**
 * Turns raw input into text (undoing the usual damage: BOM, UTF-16, CRLF, quoted-printable,
 * e-mail quoting and indentation, trailing spaces) or recognises it as one of the binary key
 * formats. Throws KeyError for empty, oversized or junk input.
 */
export function decodeInput(input: Buffer | string): DecodedInput {
  const repairs: string[] = [];
  let buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (buf.length > MAX_KEY_FILE_BYTES) throw tooLarge(buf.length);
  if (buf.length === 0 || /^\s*$/.test(buf.subarray(0, 4096).toString('latin1')) && buf.length <= 4096) {
    throw corrupt('The file is empty: it contains no key at all.', 'empty', 'Choose the real key file. If you saved it from somewhere, the copy may have failed: save it again.');
  }
  if (buf.subarray(0, SSH1_MAGIC.length).equals(SSH1_MAGIC)) return { kind: 'binary', bytes: buf, repairs };
  if (looksLikeDropbear(buf)) return { kind: 'binary', bytes: buf, repairs };

  let text: string;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    buf = buf.subarray(3);
    repairs.push(REPAIRS.bom);
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    const le = buf[0] === 0xff;
    const body = Buffer.from(buf.subarray(2));
    if (!le) body.swap16();
    text = body.toString('utf16le');
    repairs.push(REPAIRS.utf16);
  } else {
    if (isBinaryJunk(buf)) {
      if (buf[0] === 0x30 && (buf[1] === 0x82 || buf[1] === 0x81)) {
        throw new KeyError(
          'KEY_UNSUPPORTED_FORMAT',
          'This is a binary (DER) key or certificate, not a text key file.',
          'Convert it to PEM text first, for example with: openssl pkey -inform DER -in FILE -out key.pem, then open key.pem.',
          'der',
        );
      }
      throw new KeyError(
        'KEY_UNSUPPORTED_FORMAT',
        'This file is binary data, not an SSH key (key files are text, apart from old SSH-1 and Dropbear keys).',
        'Choose the key file itself. Keys usually live in the .ssh folder (id_ed25519, id_rsa) or are PuTTY .ppk files.',
        'binary',
      );
    }
    text = buf.toString('utf8');
  }

  if (text.includes('\r')) {
    text = text.replace(/\r\n?/g, '\n');
    repairs.push(REPAIRS.crlf);
  }
  text = undoEscapedLineBreaks(text, repairs);
  // Quoted-printable: "=3D" for "=" (never valid in base64), or soft line breaks ("=" at the end
  // of a line that is followed by more pure base64; real padding only ends the last line).
  if (/=(3D|20|09)/.test(text) || /=\n[A-Za-z0-9+/]+=*(\n|$)/.test(text)) {
    text = text.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    repairs.push(REPAIRS.quotedPrintable);
  }
  // Everything below works line by line with anchored patterns only, so the cost stays linear
  // whatever the file holds (a regex like /[ \t]+$/m rescans every run of spaces from each of
  // its characters: minutes for a long run).
  let lines = text.split('\n');
  const content = lines.filter((l) => l.trim() !== '');
  if (content.length > 0 && content.every((l) => /^\s*>/.test(l))) {
    lines = lines.map((l) => l.replace(/^(\s*>)+ ?/, ''));
    repairs.push(REPAIRS.quoteMarks);
  }
  if (/(-----|----) ?BEGIN|PuTTY-User-Key-File/.test(text) && lines.some((l) => /^[ \t]+\S/.test(l))) {
    lines = lines.map((l) => l.replace(/^[ \t]+/, ''));
    repairs.push(REPAIRS.indent);
  }
  let lastContent = lines.length - 1;
  while (lastContent >= 0 && lines[lastContent]!.trim() === '') lastContent--;
  if (lines.some((l, i) => i <= lastContent && endsWithSpaceOrTab(l))) {
    lines = lines.map(trimSpacesAndTabsEnd);
    repairs.push(REPAIRS.trailing);
  }
  text = lines.join('\n');
  if (text.includes('\u00a0')) {
    text = text.replace(/\u00a0/g, ' ');
    repairs.push(REPAIRS.nbsp);
  }
  return { kind: 'text', text, repairs };
}

/** A header with an empty value ("Comment: " of a PPK whose comment is empty): its space belongs to the format. */
const EMPTY_HEADER = /^[A-Za-z][A-Za-z0-9-]{0,40}: $/;

function endsWithSpaceOrTab(l: string): boolean {
  const c = l.charCodeAt(l.length - 1);
  return (c === 0x20 || c === 0x09) && !EMPTY_HEADER.test(l);
}

function trimSpacesAndTabsEnd(l: string): string {
  if (EMPTY_HEADER.test(l)) return l;
  let end = l.length;
  while (end > 0 && (l.charCodeAt(end - 1) === 0x20 || l.charCodeAt(end - 1) === 0x09)) end--;
  if (end === l.length) return l;
  const trimmed = l.slice(0, end);
  // "Comment:" and more spaces: the header keeps the one space of an empty value.
  return EMPTY_HEADER.test(`${trimmed} `) ? `${trimmed} ` : trimmed;
}

/**
 * A key pasted from JSON, an .env file or a CI variable often arrives as ONE line with the line
 * breaks written as the two characters "\n" (and "/" escaped as "\/"), inside quotes. When the
 * text has a key's first line but (almost) no real line breaks, turn those escapes back into
 * line breaks and drop the quotes around the key.
 */
function undoEscapedLineBreaks(text: string, repairs: string[]): string {
  if (!text.includes('\\n') && !text.includes('\\r')) return text;
  if (!/(-----|----) ?BEGIN|PuTTY-User-Key-File/.test(text)) return text;
  let realLines = 0;
  for (const l of text.split('\n')) if (l.trim() !== '') realLines++;
  if (realLines > 2) return text;
  let out = text.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\\\//g, '/');
  out = stripQuotes(out);
  repairs.push(REPAIRS.escaped);
  return out;
}

/** Drops the quote (and the "NAME=" or '"name": ' before it, and a "," or "}" after it) around a pasted value. */
function stripQuotes(text: string): string {
  const lines = text.split('\n');
  const markers = /(-----|----) ?BEGIN|PuTTY-User-Key-File/;
  const first = lines.findIndex((l) => markers.test(l));
  if (first >= 0) {
    const l = lines[first]!;
    const at = l.search(markers);
    const before = l.slice(0, at);
    if (/["']\s*$/.test(before)) lines[first] = l.slice(at);
  }
  let last = lines.length - 1;
  while (last > 0 && lines[last]!.trim() === '') last--;
  const end = lines[last]!;
  let cut = end.length;
  while (cut > 0 && ' \t,;})]'.includes(end[cut - 1]!)) cut--;
  if (cut > 0 && (end[cut - 1] === '"' || end[cut - 1] === "'")) lines[last] = end.slice(0, cut - 1);
  return lines.join('\n');
}

function isBinaryJunk(buf: Buffer): boolean {
  const n = Math.min(buf.length, 4096);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32) || c === 127) bad++;
  }
  return bad > 0 && bad * 20 > n ? true : bad > 8;
}

const DROPBEAR_TYPES = ['ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];

function looksLikeDropbear(buf: Buffer): boolean {
  const type = buf.length < 11 ? null : tryRead(buf, (r) => r.latin1(19));
  return type !== null && DROPBEAR_TYPES.includes(type);
}

export interface Armor {
  /** Label between BEGIN and the dashes, e.g. "RSA PRIVATE KEY". */
  label: string;
  /** "Name: value" headers (PEM Proc-Type/DEK-Info, RFC 4716 Comment/Subject). */
  headers: Map<string, string>;
  body: Buffer;
  /** True when the BEGIN/END lines and the body were on one line (line breaks lost). */
  joined: boolean;
}

const B64_CHARS = /^[A-Za-z0-9+/=]*$/;

/**
 * Finds a "-----BEGIN X-----" (PEM, dashes = 5) or "---- BEGIN X ----" (RFC 4716/ssh.com,
 * dashes = 4) block anywhere in the text and decodes it, tolerating joined lines.
 */
export function readArmor(text: string, dashes: 4 | 5, what: string, repairs: string[]): Armor {
  const d = '-'.repeat(dashes);
  const begin = new RegExp(`${d} ?BEGIN ([A-Z0-9 ]+?) ?${d}`).exec(text);
  if (!begin) throw corrupt(`The BEGIN line of this ${what} is damaged.`, 'bad-armor');
  const label = begin[1]!;
  const afterBegin = begin.index + begin[0].length;
  const endRe = new RegExp(`${d} ?END ${label} ?${d}`);
  const endMatch = endRe.exec(text.slice(afterBegin));
  if (!endMatch) throw truncated(what);
  let inner = text.slice(afterBegin, afterBegin + endMatch.index);
  // Line breaks right after BEGIN and right before END (checked without a regex that rescans
  // the text from every line break: 100,000 blank lines made that quadratic).
  const head = inner.length - inner.trimStart().length;
  const tail = inner.trimEnd().length;
  const joined = !inner.slice(0, head).includes('\n') || !inner.slice(tail).includes('\n');
  if (joined && inner.trim() !== '') repairs.push(REPAIRS.joined);

  const headers = new Map<string, string>();
  // Headers: "Name: value" at the start, with "\" continuation (RFC 4716) lines.
  const headerRe = /^\s*([A-Za-z][A-Za-z0-9-]*):[ \t]*((?:[^\n]*\\\n)*[^\n]*)\n/;
  let guard = 0;
  for (;;) {
    const m = headerRe.exec(inner);
    if (!m || guard++ > 32) break;
    headers.set(m[1]!.toLowerCase(), m[2]!.replace(/\\\n/g, '').trim());
    inner = inner.slice(m[0].length);
  }
  if (joined) {
    // One-line PEM headers: "Proc-Type: 4,ENCRYPTED DEK-Info: AES-128-CBC,ABCD... base64",
    // possibly with no separators at all: the IV length follows from the cipher.
    const pt = /Proc-Type:\s*4,ENCRYPTED\s*/.exec(inner);
    if (pt) {
      headers.set('proc-type', '4,ENCRYPTED');
      inner = inner.replace(pt[0], '');
    }
    const dek = /DEK-Info:\s*([A-Za-z0-9-]+),\s*([0-9A-Fa-f]+)\s*/.exec(inner);
    if (dek) {
      const ivLen = /^DES/i.test(dek[1]!) ? 16 : 32;
      headers.set('dek-info', `${dek[1]},${dek[2]!.slice(0, ivLen)}`);
      inner = inner.replace(dek[0], dek[2]!.slice(ivLen));
    }
    const cm = /Comment:\s*"([^"]*)"\s*/.exec(inner);
    if (cm) {
      headers.set('comment', `"${cm[1]}"`);
      inner = inner.replace(cm[0], '');
    }
  }
  const b64 = inner.replace(/\s+/g, '');
  return { label, headers, body: decodeBase64(b64, what), joined };
}

/** Strict base64: reports where the text stops being base64 instead of silently skipping it. */
export function decodeBase64(b64: string, what: string): Buffer {
  if (!B64_CHARS.test(b64)) {
    const bad = /[^A-Za-z0-9+/=]/.exec(b64)!;
    const ch = bad[0];
    const shown = /[\x21-\x7e]/.test(ch) ? `"${ch}"` : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw corrupt(
      `The ${what} contains a character that cannot be part of a key (${shown} at position ${bad.index + 1} of the encoded data): it was changed while being copied.`,
      'bad-base64',
    );
  }
  const firstPad = b64.indexOf('=');
  if (firstPad >= 0 && !/^=*$/.test(b64.slice(firstPad))) {
    throw corrupt(`The ${what} has an "=" in the middle of its encoded data: it was damaged or two keys were pasted together.`, 'bad-base64');
  }
  const unpadded = b64.replace(/=+$/, '');
  if (unpadded.length % 4 === 1) throw truncated(what);
  return Buffer.from(unpadded, 'base64');
}
