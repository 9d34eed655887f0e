import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFileZillaSiteManager } from './filezilla';
import { previewImport, readSource, type ImportEnvironment } from './index';
import type { SiteStore } from '../store/sites';
import { parseXml } from './xml';

const fixtures = path.join(__dirname, 'fixtures');
const home = path.join(fixtures, 'home');
const env: ImportEnvironment = { home, platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };
const siteManager = path.join(home, '.config', 'filezilla', 'sitemanager.xml');

describe('FileZilla sitemanager.xml import', () => {
  it('finds the file in ~/.config/filezilla and imports SFTP sites with their folders', async () => {
    const parsed = await readSource('filezilla', undefined, env);
    expect(parsed.files).toEqual([siteManager]);
    expect(parsed.candidates.map((c) => [c.site.folder, c.site.name])).toEqual([
      ['', 'Top level & friends'],
      ['Work/Clients - Ünïcode', 'Key login'],
      ['Work', 'Master protected'],
      ['Work', 'Ask each time'],
    ]);
    const [top, key, locked, ask] = parsed.candidates;
    expect(top!.site.settings).toEqual({ protocol: 'sftp', host: 'files.example.com', user: 'anna' });
    expect(top!.password?.reveal()).toBe('pässwörd 1');
    expect(key!.site.settings).toEqual({ protocol: 'sftp', host: 'key.example.org', port: 2222, user: 'deploy', privateKey: { path: '/home/anna/.ssh/deploy_ed25519' } });
    expect(key!.hasPassword).toBe(false);
    expect(locked!.hasPassword).toBe(false);
    expect(locked!.site.notes?.join(' ')).toMatch(/FileZilla master password/);
    expect(ask!.hasPassword).toBe(false);
    expect(ask!.site.settings.port).toBeUndefined();
    expect(ask!.site.notes?.join(' ')).toMatch(/No user name was saved/);
  });

  it('reports what it left out with the line of the <Server> element', async () => {
    const parsed = await readSource('filezilla', undefined, env);
    expect(parsed.skipped).toEqual([{ file: siteManager, line: 30, name: 'Work/Clients - Ünïcode/Old FTP', reason: 'FTP' }]);
    expect(parsed.problems).toEqual([
      { file: siteManager, line: 48, message: expect.stringMatching(/"Work\/Ask each time" has port "not-a-port"/) },
      { file: siteManager, line: 53, message: expect.stringMatching(/"Work\/No host here" has no host name/) },
    ]);
  });

  it('lists FTP and FTPS sites of a valid file as "skipped", never as a problem with the file', async () => {
    const file = path.join(fixtures, 'filezilla', 'mixed-protocols.xml');
    const preview = await previewImport('filezilla', { file, store: { list: async () => [] } as unknown as SiteStore, environment: env });
    expect(preview.candidates.map((c) => [c.site.folder, c.site.name, c.site.settings.host])).toEqual([
      ['', 'Files over SFTP', 'sftp.example.com'],
      ['Legacy', 'Second SFTP', 'sftp2.example.com'],
    ]);
    expect(preview.skipped).toEqual([
      { file, line: 14, name: 'Legacy/Plain FTP', reason: 'FTP' },
      { file, line: 23, name: 'Legacy/Implicit FTPS', reason: 'FTPS' },
      { file, line: 32, name: 'Legacy/Explicit FTPS', reason: 'FTPS' },
    ]);
    expect(preview.problems).toEqual([]);
  });

  it('keeps the sites before the damage in a truncated file and reports the line (CRLF)', async () => {
    const file = path.join(fixtures, 'filezilla', 'damaged-sitemanager.xml');
    const parsed = await readSource('filezilla', file, env);
    expect(parsed.candidates.map((c) => c.site.name)).toEqual(['Before the damage']);
    expect(parsed.problems).toEqual([
      { file, line: 13, message: expect.stringMatching(/damaged here \(.*\)\. Sites before this point were read/) },
      { file, line: 10, message: expect.stringMatching(/cut off by the damage/) },
    ]);
  });

  it('leaves out the sites of a folder whose path is longer than a saved folder can be, saying so once', () => {
    const server = '<Server><Host>h.example.invalid</Host><Protocol>1</Protocol><Name>s</Name></Server>';
    const xml = (name: string) => `<FileZilla3><Servers>\n<Folder>${name}${server.repeat(3)}</Folder>${server}</Servers></FileZilla3>`;
    const fits = parseFileZillaSiteManager(xml('F'.repeat(2000)), '/f.xml');
    expect(fits.candidates.map((c) => c.site.folder.length)).toEqual([2000, 2000, 2000, 0]);
    expect(fits.problems).toEqual([]);
    const long = parseFileZillaSiteManager(xml('F'.repeat(2001)), '/f.xml');
    expect(long.candidates.map((c) => c.site.folder)).toEqual(['']);
    expect(long.problems).toEqual([{ file: '/f.xml', line: 2, message: expect.stringMatching(/^This folder's path is longer than 2000 characters \("F{60}…"\).* the sites in it were not imported/) }]);
  });

  it('refuses a DOCTYPE (no entity expansion) and other XML with a clear message', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><FileZilla3><Servers/></FileZilla3>';
    const parsed = parseFileZillaSiteManager(bomb, '/x.xml');
    expect(parsed.candidates).toEqual([]);
    expect(parsed.problems[0]?.message).toMatch(/document type declarations/);
    expect(parseFileZillaSiteManager('<html><body/></html>', '/y.xml').problems[0]?.message).toMatch(/not a FileZilla site manager file/);
    expect(parseFileZillaSiteManager('', '/z.xml').problems[0]?.message).toMatch(/no XML content/);
  });
});

describe('the small XML reader', () => {
  it('decodes entities, CDATA and attributes, and tracks lines', () => {
    const { root, error } = parseXml('<a x="1 &amp; 2">\n  <b>&lt;&#65;&#x42;&gt;</b>\n  <c><![CDATA[<raw & text>]]></c>\n</a>');
    expect(error).toBeUndefined();
    expect(root?.attrs.x).toBe('1 & 2');
    const [b, c] = root!.children.filter((n) => 'name' in n) as { name: string; line: number; children: readonly { text: string }[] }[];
    expect(b!.children[0]!.text).toBe('<AB>');
    expect(b!.line).toBe(2);
    expect(c!.children[0]!.text).toBe('<raw & text>');
  });

  it('reports mismatched tags and bad entities with their line', () => {
    expect(parseXml('<a>\n<b></c>\n</a>').error).toEqual({ line: 2, message: '</c> does not match <b> opened on line 2' });
    expect(parseXml('<a>\n\n&bogus;</a>').error?.line).toBe(3);
    expect(parseXml('<a>& b</a>').error?.message).toMatch(/&amp;/);
  });

  it('reads text split by comments and CDATA as one text, on the line where it starts', () => {
    const { root } = parseXml('<a>\nx<!-- c -->y<![CDATA[<z>]]>\n<b/>w</a>');
    expect(root!.children).toEqual([{ text: '\nxy<z>\n', line: 1 }, { name: 'b', attrs: {}, children: [], line: 3 }, { text: 'w', line: 3 }]);
  });
});
