/** Garbage in any importer gives problems to show, never an exception or a hang. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFileZillaSiteManager } from './filezilla';
import { parseOpenSshConfig } from './openssh';
import { parsePuttyHostKeysFile, parsePuttyRegistry } from './putty';
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
