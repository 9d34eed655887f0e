/** Garbage in any importer gives problems to show, never an exception or a hang. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFileZillaSiteManager } from './filezilla';
import { parseOpenSshConfig } from './openssh';
import { LineReader } from './common';
import { parsePuttyHostKeysFile, parsePuttyRegistry, parsePuttySessionFile } from './putty';
import { parseWinScp } from './winscp';

// Text built from the characters these formats care about, so the parsers' edge cases are hit.
const tricky = fc.array(fc.constantFrom('[', ']', '\\', '"', '=', '%', '<', '>', '/', '&', ';', '#', '@', ':', ',', ' ', '\t', '\r', '\n', 'a', 'H', 'o', 's', 't', '0', 'x', 'é', '*'), { maxLength: 300 }).map((a) => a.join(''));
const prefixes = ['', 'Windows Registry Editor Version 5.00\r\n[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\a]\r\n', 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\a\r\n    HostName    REG_SZ    ', '[Sessions\\a]\r\nHostName=', '<FileZilla3><Servers><Server><Host>', 'Host a\n  HostName '];

describe('importers on damaged input', () => {
  it('never throw, whatever the content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.oneof(tricky, fc.string({ maxLength: 200 })), async (prefix, body) => {
        const text = prefix + body;
        for (const parsed of [parsePuttyRegistry(text, 'f'), parsePuttyHostKeysFile(text, 'f'), parseWinScp(text, 'f'), parseFileZillaSiteManager(text, 'f')]) {
          expect(Array.isArray(parsed.problems)).toBe(true);
        }
        const ssh = await parseOpenSshConfig({ file: 'f', text, home: '/h', localUser: 'u', readIncluded: async () => [] });
        expect(Array.isArray(ssh.candidates)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('reading lines', () => {
  it('cuts a text at LF, CRLF and CR exactly as split(/\\r\\n|\\n|\\r/) does, and numbers the non-empty lines the same', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\r', '\n', '\r\n', 'a', ' ', 'bc'), { maxLength: 60 }).map((a) => a.join('')), (text) => {
        const expected = text.split(/\r\n|\n|\r/);
        const all = new LineReader(text);
        const got: string[] = [];
        for (let l = all.next(); l !== undefined; l = all.next()) {
          got.push(l);
          expect(all.lineNo).toBe(got.length);
        }
        expect(got).toEqual(expected);
        const nonEmpty = new LineReader(text);
        const numbered: [number, string][] = [];
        for (let l = nonEmpty.nextNonEmpty(); l !== undefined; l = nonEmpty.nextNonEmpty()) numbered.push([nonEmpty.lineNo, l]);
        expect(numbered).toEqual(expected.flatMap((l, i): [number, string][] => (l === '' ? [] : [[i + 1, l]])));
      }),
      { numRuns: 2000 },
    );
  });

  it('a session file of 250 unreadable lines in mixed line ends lists the first 100 with their line numbers, counts the rest, and still reads the session', () => {
    const ends = ['\n', '\r\n', '\r'];
    const lines = ['HostName=h.example.invalid'];
    for (let i = 0; i < 250; i++) lines.push(`bad line ${i}`, ' ');
    const text = lines.map((l, i) => l + ends[i % 3]).join('');
    const parsed = parsePuttySessionFile(text, 'sessions/s', 's');
    expect(parsed.candidates.map((c) => c.site.settings.host)).toEqual(['h.example.invalid']);
    expect(parsed.problems).toHaveLength(101);
    expect(parsed.problems.slice(0, 3).map((p) => p.line)).toEqual([2, 4, 6]);
    expect(parsed.problems[99]).toEqual({ file: 'sessions/s', line: 200, message: 'This line is not a name=value setting and was skipped.' });
    expect(parsed.problems[100]).toEqual({ file: 'sessions/s', message: '150 more lines of sessions/s could not be read (250 in all; only the first 100 are listed). Check that this is the right file for this program.' });
  });
});
