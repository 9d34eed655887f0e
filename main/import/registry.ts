/**
 * Readers for the key/value files Windows tools leave behind: regedit exports (.reg),
 * `reg query ... /s` output, INI files (WinSCP.ini) and PuTTY's Unix session files. They all
 * become the same shape, a list of keys with named values and line numbers, so the PuTTY and
 * WinSCP importers do not care where a session came from. Nothing here throws on bad input:
 * lines that cannot be read become problems with their line number.
 */
import { LineReader, MAX_HOST_KEYS_PER_FILE, addProblem, type ImportProblem } from './common';

export interface RegValue {
  /** The name as written. */
  name: string;
  kind: 'string' | 'number' | 'other';
  /** Text, or a number in decimal for DWORDs. */
  data: string;
  line: number;
}

export interface RegKey {
  /** Full key path (registry) or section name (INI). */
  path: string;
  line: number;
  /** Values by lower-case name. */
  values: Map<string, RegValue>;
}

export function getValue(key: RegKey, name: string): string | undefined {
  return key.values.get(name.toLowerCase())?.data;
}

/**
 * Values kept per key: one more than the host keys read from a file, so that the reader of a
 * host key cache still sees (and says) that there were too many. A PuTTY or WinSCP session has
 * a few hundred; a 5 MB key of 150,000 values is read over, not stored (a later value of a name
 * already kept still replaces it, as in the registry).
 */
export const MAX_VALUES_PER_KEY = MAX_HOST_KEYS_PER_FILE + 1;

function setValue(key: RegKey, value: RegValue): void {
  const name = value.name.toLowerCase();
  if (key.values.size < MAX_VALUES_PER_KEY || key.values.has(name)) key.values.set(name, value);
}

export function looksLikeRegExport(text: string): boolean {
  return /^\s*(Windows Registry Editor Version [\d.]+|REGEDIT4)\s*$/m.test(text.slice(0, 200));
}

export function looksLikeRegQuery(text: string): boolean {
  return /^HKEY_[A-Z_]+\\/m.test(text) && /^ {4}\S.* {4}REG_[A-Z0-9_]+/m.test(text);
}

/** Unescapes a .reg string body (only \\ and \" are escapes). */
function unescapeRegString(body: string): string | null {
  if (body.indexOf('\\') < 0 && body.indexOf('"') < 0) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1];
      if (next !== '\\' && next !== '"') return null;
      out += next;
      i++;
    } else if (ch === '"') {
      return null;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Reads `"name"` (or `@`) at the start of a .reg value line; returns the name and the rest. */
function readRegName(line: string): { name: string; rest: string } | null {
  if (line.startsWith('@=')) return { name: '', rest: line.slice(2) };
  if (!line.startsWith('"')) return null;
  // The usual name, with no escape before its closing quote, is one slice (not a string grown
  // a character at a time).
  const quote = line.indexOf('"', 1);
  if (quote < 0) return null;
  const escape = line.indexOf('\\', 1);
  if (escape < 0 || escape > quote) return line[quote + 1] === '=' ? { name: line.slice(1, quote), rest: line.slice(quote + 2) } : null;
  let i = 1;
  let name = '';
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) {
      name += line[i + 1];
      i += 2;
    } else if (ch === '"') {
      break;
    } else {
      name += ch;
      i++;
    }
  }
  if (line[i] !== '"' || line[i + 1] !== '=') return null;
  return { name, rest: line.slice(i + 2) };
}

/** A regedit export (.reg), version 5 (UTF-16) or REGEDIT4. */
export function parseRegExport(text: string, file: string, problems: ImportProblem[]): RegKey[] {
  // Empty lines are passed over (they hold nothing), except inside a continued hex value below.
  const lines = new LineReader(text);
  const keys: RegKey[] = [];
  let current: RegKey | null = null;
  let skipping = false;
  for (let raw = lines.nextNonEmpty(); raw !== undefined; raw = lines.nextNonEmpty()) {
    const lineNo = lines.lineNo;
    let line = raw.trim();
    // Values may continue on the next lines (hex data ends a line with "\"). The test for a hex
    // value is made once on the first line: made on the growing line it was quadratic.
    if (line.endsWith("\\") && (line[0] === '"' || line[0] === '@') && /=hex/i.test(line) && lines.more) {
      const parts = [line.slice(0, -1)];
      for (let next = lines.next(); next !== undefined; next = lines.next()) {
        next = next.trim();
        if (!next.endsWith('\\')) {
          parts.push(next);
          break;
        }
        parts.push(next.slice(0, -1));
      }
      line = parts.join('');
    }
    // The header test (a regular expression) only on a line that can be one.
    if (line === '' || line.startsWith(';') || ((line.includes('REGEDIT4') || line.includes('Windows Registry Editor Version')) && looksLikeRegExport(line))) continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) {
        addProblem(problems, { file, line: lineNo, message: 'This key line has no closing "]"; the values under it were skipped.' });
        current = null;
        skipping = true;
        continue;
      }
      const p = line.slice(1, -1);
      skipping = p.startsWith('-');
      current = skipping ? null : { path: p, line: lineNo, values: new Map() };
      if (current) keys.push(current);
      continue;
    }
    if (skipping) continue;
    if (!current) {
      addProblem(problems, { file, line: lineNo, message: 'This line is outside any [key] section and was skipped.' });
      continue;
    }
    const named = readRegName(line);
    if (!named) {
      addProblem(problems, { file, line: lineNo, message: 'This line is not a "name"=value pair and was skipped.' });
      continue;
    }
    const { name, rest } = named;
    if (rest.startsWith('"')) {
      const body = rest.endsWith('"') && rest.length >= 2 ? unescapeRegString(rest.slice(1, -1)) : null;
      if (body === null) {
        addProblem(problems, { file, line: lineNo, message: `The text value of "${name}" is not properly quoted; it was skipped.` });
        continue;
      }
      setValue(current, { name, kind: 'string', data: body, line: lineNo });
    } else if (/^dword:[0-9a-f]{1,8}$/i.test(rest)) {
      setValue(current, { name, kind: 'number', data: String(parseInt(rest.slice(6), 16)), line: lineNo });
    } else if (/^(hex(\([0-9a-f]+\))?:[0-9a-f,\s]*|-)$/i.test(rest)) {
      setValue(current, { name, kind: 'other', data: rest, line: lineNo });
    } else {
      addProblem(problems, { file, line: lineNo, message: `The value of "${name}" could not be read; it was skipped.` });
    }
  }
  return keys;
}

/** The output of `reg query <key> /s` (as shown in cmd.exe, or saved to a file). */
export function parseRegQuery(text: string, file: string, problems: ImportProblem[]): RegKey[] {
  const lines = new LineReader(text);
  const keys: RegKey[] = [];
  let current: RegKey | null = null;
  for (let raw = lines.nextNonEmpty(); raw !== undefined; raw = lines.nextNonEmpty()) {
    const lineNo = lines.lineNo;
    if (raw.trim() === '') continue;
    if (/^HKEY_[A-Z_]+(\\|$)/.test(raw)) {
      current = { path: raw.trimEnd(), line: lineNo, values: new Map() };
      keys.push(current);
      continue;
    }
    if (/^(End of search|ERROR:)/i.test(raw.trim())) {
      if (/^ERROR:/i.test(raw.trim())) addProblem(problems, { file, line: lineNo, message: `reg query reported: ${raw.trim()}` });
      continue;
    }
    const m = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/.exec(raw);
    if (!m || !current) {
      addProblem(problems, { file, line: lineNo, message: 'This line is not in the form of reg query output (4 spaces, name, type, value) and was skipped.' });
      continue;
    }
    const [, nameRaw, type, dataRaw = ''] = m;
    const name = nameRaw === '(Default)' ? '' : nameRaw!;
    if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ') {
      setValue(current, { name, kind: 'string', data: dataRaw, line: lineNo });
    } else if (type === 'REG_DWORD' || type === 'REG_QWORD') {
      const n = /^0x[0-9a-f]+$/i.test(dataRaw.trim()) ? parseInt(dataRaw.trim(), 16) : NaN;
      if (Number.isNaN(n)) addProblem(problems, { file, line: lineNo, message: `The number value of "${name}" could not be read; it was skipped.` });
      else setValue(current, { name, kind: 'number', data: String(n), line: lineNo });
    } else {
      setValue(current, { name, kind: 'other', data: dataRaw, line: lineNo });
    }
  }
  return keys;
}

/** An INI file: [Section] lines and name=value lines (WinSCP.ini). */
export function parseIni(text: string, file: string, problems: ImportProblem[], keep: (path: string) => boolean = () => true): RegKey[] {
  const lines = new LineReader(text);
  const keys: RegKey[] = [];
  let current: RegKey | null = null;
  for (let raw = lines.nextNonEmpty(); raw !== undefined; raw = lines.nextNonEmpty()) {
    const line = raw.trim();
    const lineNo = lines.lineNo;
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) {
        addProblem(problems, { file, line: lineNo, message: 'This section line has no closing "]"; the settings under it were skipped.' });
        current = null;
        continue;
      }
      const sectionPath = line.slice(1, -1);
      // A section the caller does not want (past a cap) is read over, its values not kept.
      if (!keep(sectionPath)) {
        current = null;
        continue;
      }
      current = { path: sectionPath, line: lineNo, values: new Map() };
      keys.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      addProblem(problems, { file, line: lineNo, message: 'This line is not a name=value setting and was skipped.' });
      continue;
    }
    if (!current) continue; // settings before the first section belong to nothing we read
    setValue(current, { name: line.slice(0, eq).trim(), kind: 'string', data: line.slice(eq + 1), line: lineNo });
  }
  return keys;
}

/** One PuTTY session file from ~/.putty/sessions (name=value lines). */
export function parseKeyValueLines(text: string, file: string, keyPath: string, problems: ImportProblem[]): RegKey {
  const key: RegKey = { path: keyPath, line: 1, values: new Map() };
  const lines = new LineReader(text);
  for (let line = lines.nextNonEmpty(); line !== undefined; line = lines.nextNonEmpty()) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) {
      addProblem(problems, { file, line: lines.lineNo, message: 'This line is not a name=value setting and was skipped.' });
      continue;
    }
    setValue(key, { name: line.slice(0, eq), kind: 'string', data: line.slice(eq + 1), line: lines.lineNo });
  }
  return key;
}
