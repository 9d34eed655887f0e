/** A file with more sites than any real one is read up to a cap, and says so; what follows is still read. */
import { describe, expect, it } from 'vitest';
import { MAX_SITES_PER_FILE } from './common';
import { MAX_ELEMENTS, parseFileZillaSiteManager } from './filezilla';
import { parseOpenSshConfig } from './openssh';
import { parsePuttyRegistry } from './putty';
import { parseWinScp } from './winscp';

const N = MAX_SITES_PER_FILE + 5;
const capMessage = (noun: string) => `This file has more than ${MAX_SITES_PER_FILE} ${noun}; the first ${MAX_SITES_PER_FILE} were read and the rest skipped. Check that this is the right file, or split it.`;

describe(`a file with more than ${MAX_SITES_PER_FILE} sites`, () => {
  it('WinSCP.ini: the first sessions are imported, the file says how many were read, host keys after them still count', () => {
    const lines: string[] = [];
    for (let i = 0; i < N; i++) lines.push(`[Sessions\\s${i}]`, `HostName=h${i}.example.invalid`, 'UserName=u', '');
    lines.push('[SshHostKeys]', 'ssh-ed25519@22:late.example.invalid=0x561013d2277df1f5f67c62aa0922be126b312cf5e6b6050f21d04ebadaa7388d,0x3e0e1f2686216c697cab5e7eeafc6fb06c407006dcc489868c618156b7e7ff66');
    const parsed = parseWinScp(lines.join('\r\n'), 'WinSCP.ini');
    expect(parsed.candidates).toHaveLength(MAX_SITES_PER_FILE);
    expect(parsed.candidates.at(-1)!.site.settings.host).toBe(`h${MAX_SITES_PER_FILE - 1}.example.invalid`);
    expect(parsed.problems).toEqual([{ file: 'WinSCP.ini', message: capMessage('sessions') }]);
    expect(parsed.hostKeys.map((k) => k.host)).toEqual(['late.example.invalid']);
  });

  it('PuTTY .reg: the same cap and message', () => {
    const lines = ['Windows Registry Editor Version 5.00', ''];
    for (let i = 0; i < N; i++) lines.push(`[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\s${i}]`, `"HostName"="h${i}.example.invalid"`, '');
    const parsed = parsePuttyRegistry(lines.join('\r\n'), 'putty.reg');
    expect(parsed.candidates).toHaveLength(MAX_SITES_PER_FILE);
    expect(parsed.problems).toEqual([{ file: 'putty.reg', message: capMessage('sessions') }]);
  });

  it('FileZilla: skipped FTP sites count toward the cap too', () => {
    const servers: string[] = [];
    for (let i = 0; i < N; i++) servers.push(`<Server><Host>h${i}.example.invalid</Host><Protocol>${i % 2 === 0 ? 1 : 0}</Protocol><Name>s${i}</Name></Server>`);
    const parsed = parseFileZillaSiteManager(`<FileZilla3><Servers><Folder>F${servers.join('')}</Folder></Servers></FileZilla3>`, 'sitemanager.xml');
    expect(parsed.candidates.length + parsed.skipped.length).toBe(MAX_SITES_PER_FILE);
    expect(parsed.skipped[0]).toEqual({ file: 'sitemanager.xml', line: 1, name: 'F/s1', reason: 'FTP' });
    expect(parsed.problems).toEqual([{ file: 'sitemanager.xml', message: capMessage('sites') }]);
  });

  it(`FileZilla: a file of more than ${MAX_ELEMENTS} elements stops there and says so; the sites before are read`, () => {
    const site = (h: string) => `<Server><Host>${h}.example.invalid</Host><Protocol>1</Protocol></Server>`;
    const xml = `<FileZilla3><Servers>${site('first')}\n${'<a/>'.repeat(MAX_ELEMENTS)}\n${site('late')}</Servers></FileZilla3>`;
    const parsed = parseFileZillaSiteManager(xml, 'sitemanager.xml');
    expect(parsed.candidates.map((c) => c.site.settings.host)).toEqual(['first.example.invalid']);
    expect(parsed.problems).toEqual([{ file: 'sitemanager.xml', line: 2, message: expect.stringMatching(new RegExp(`^This file has more than ${MAX_ELEMENTS} XML elements, .* export the sites again from FileZilla`)) }]);
  });

  it('ssh config: the same cap for hosts', async () => {
    const text = Array.from({ length: N }, (_, i) => `Host h${i}\n`).join('');
    const parsed = await parseOpenSshConfig({ file: '/c', text, home: '/h', localUser: 'me' });
    expect(parsed.candidates).toHaveLength(MAX_SITES_PER_FILE);
    expect(parsed.problems[0]).toEqual({ file: '/c', message: capMessage('hosts') });
  });

  it('ssh config: more than 1000 Match blocks, or more than 200 unreadable lines, are said so', async () => {
    const blocks = Array.from({ length: 1005 }, (_, i) => `Match originalhost h${i}\n  Port ${1000 + i}\n`).join('');
    const parsed = await parseOpenSshConfig({ file: '/c', text: `Host h1 h1003\n${blocks}`, home: '/h', localUser: 'me' });
    expect(parsed.problems).toContainEqual({ file: '/c', message: 'This config has more than 1000 Match blocks; only the first 1000 were applied (5 left out). Check that this is the right file.' });
    // The first ones still apply; the ones past the cap do not.
    expect(parsed.candidates.map((c) => c.site.settings.port)).toEqual([1001, undefined]);
    const garbage = Array.from({ length: 300 }, () => 'Host a\nfoo "bar\n').join('');
    const bad = await parseOpenSshConfig({ file: '/g', text: garbage, home: '/h', localUser: 'me' });
    expect(bad.candidates).toEqual([]);
    expect(bad.problems).toEqual([{ file: '/g', message: expect.stringMatching(/^More than 200 lines of this file cannot be read as ssh config lines/) }]);
  });
});
