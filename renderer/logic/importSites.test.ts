import { describe, expect, it } from 'vitest';
import type { ImportCandidate, ImportHostKey, ImportPreview, Site } from '../../shared/sites';
import { describeTarget, duplicateName, groupByFolder, hostKeyPlace, hostKeysFor, hostKeysToTrust, importedMessage, initialSelection, offerSource, offerText, problemPlace, selectedWithPasswords } from './importSites';

function k(host: string, port: number, type: string, sha256: string): ImportHostKey {
  return { host, port, type, sha256 };
}

function candidate(key: string, host: string, extra: Partial<ImportCandidate> & { folder?: string; port?: number | string; user?: string } = {}): ImportCandidate {
  const { folder = '', port, user = 'anna', ...rest } = extra;
  return {
    key,
    site: { name: key, folder, settings: { protocol: 'sftp', host, user, ...(port !== undefined ? { port } : {}) }, origin: { tool: 'filezilla', file: '/f', name: key } },
    hasPassword: false,
    ...rest,
  };
}

const preview: ImportPreview = {
  source: 'filezilla',
  files: ['/home/a/.config/filezilla/sitemanager.xml'],
  candidates: [
    candidate('web', 'Web.example.com', { port: 2222, hasPassword: true, hostKeys: [k('web.example.com', 2222, 'ssh-ed25519', 'SHA256:one')] }),
    candidate('db', 'db.example.com', { folder: 'Work/Clients', duplicateOf: 's1', hostKeys: [k('db.example.com', 22, 'ssh-rsa', 'SHA256:two')] }),
    candidate('v6', '2001:db8::1', { folder: 'Work', port: '22' }),
  ],
  problems: [],
  hostKeys: [k('web.example.com', 2222, 'ssh-ed25519', 'SHA256:one'), k('db.example.com', 22, 'ssh-rsa', 'SHA256:two'), k('other.example.com', 22, 'ssh-ed25519', 'SHA256:three')],
};

describe('import preview rules', () => {
  it('ticks every new site and leaves sites already saved unticked, naming where they are saved', () => {
    expect([...initialSelection(preview)].sort()).toEqual(['v6', 'web']);
    const saved: Site[] = [{ id: 's1', name: 'Database', folder: 'Old', settings: { protocol: 'sftp', host: 'db.example.com', user: 'anna' }, hasSavedPassword: false, createdAt: '', updatedAt: '' }];
    expect(duplicateName(preview.candidates[1]!, saved)).toBe('Old/Database');
    expect(duplicateName(preview.candidates[1]!, [])).toBeNull();
    expect(duplicateName(preview.candidates[0]!, saved)).toBeNull();
  });

  it('lists exactly the host keys main attached to the chosen sites, once each, never a key of no chosen site', () => {
    expect(hostKeysToTrust(preview, new Set(['web', 'db'])).map((x) => `${hostKeyPlace(x)} ${x.type} ${x.sha256}`)).toEqual(['[web.example.com]:2222 ssh-ed25519 SHA256:one', 'db.example.com ssh-rsa SHA256:two']);
    const twice = { ...preview, candidates: [...preview.candidates, candidate('web2', 'web.example.com', { port: 2222, user: 'bob', hostKeys: [k('web.example.com', 2222, 'ssh-ed25519', 'SHA256:one')] })] };
    expect(hostKeysToTrust(twice, new Set(['web', 'web2']))).toHaveLength(1);
    expect(hostKeysToTrust(preview, new Set(['v6']))).toEqual([]);
    expect(hostKeysFor(preview, new Set(['web', 'v6']))).toBe(1);
    expect(hostKeysFor(preview, new Set(['web', 'db']))).toBe(2);
    expect(hostKeysFor(preview, new Set())).toBe(0);
    expect(selectedWithPasswords(preview, new Set(['web']))).toBe(1);
    expect(selectedWithPasswords(preview, new Set(['db']))).toBe(0);
  });

  it('shows user@host with the port only when it is not 22, and brackets IPv6 addresses', () => {
    expect(describeTarget(preview.candidates[0]!)).toBe('anna@Web.example.com:2222');
    expect(describeTarget(preview.candidates[2]!)).toBe('anna@[2001:db8::1]');
    expect(describeTarget(candidate('x', '', { user: '' }))).toBe('(no host name)');
  });

  it('groups sites by folder, the top level first', () => {
    expect(groupByFolder(preview.candidates).map((g) => [g.folder, g.candidates.map((c) => c.key)])).toEqual([
      ['', ['web']],
      ['Work/Clients', ['db']],
      ['Work', ['v6']],
    ]);
    expect(groupByFolder([preview.candidates[1]!]).map((g) => g.folder)).toEqual(['Work/Clients']);
  });

  it('places problems by file and line', () => {
    expect(problemPlace({ file: '/x/sitemanager.xml', line: 13 })).toBe('/x/sitemanager.xml, line 13');
    expect(problemPlace({ file: '/x/config' })).toBe('/x/config');
    expect(problemPlace({ file: '' })).toBe('');
  });
});

describe('messages', () => {
  it('offers the import with counts per tool, largest first', () => {
    expect(offerText([{ source: 'filezilla', label: 'FileZilla', sites: 4, hostKeys: 0 }])).toBe('Found 4 sites in FileZilla. Import them?');
    expect(
      offerText([
        { source: 'openssh', label: 'OpenSSH', sites: 2, hostKeys: 1 },
        { source: 'putty', label: 'PuTTY', sites: 0, hostKeys: 3 },
        { source: 'filezilla', label: 'FileZilla', sites: 5, hostKeys: 0 },
      ]),
    ).toBe('Found 5 sites in FileZilla and 2 in OpenSSH. Import them?');
    expect(offerText([{ source: 'openssh', label: 'OpenSSH', sites: 1, hostKeys: 0 }])).toBe('Found 1 site in OpenSSH. Import it?');
    expect(offerText([{ source: 'putty', label: 'PuTTY', sites: 0, hostKeys: 3 }])).toBeNull();
    expect(offerText([])).toBeNull();
    expect(offerSource([{ source: 'openssh', label: 'OpenSSH', sites: 2, hostKeys: 0 }, { source: 'filezilla', label: 'FileZilla', sites: 5, hostKeys: 0 }])).toBe('filezilla');
  });

  it('confirms what was imported, and says what did not happen', () => {
    expect(importedMessage({ label: 'OpenSSH', imported: 2, asked: 2, hostKeys: 0, passwordsFound: false, passwordsSaved: false })).toBe('Imported 2 sites from OpenSSH. Pick one in the list to connect.');
    const m = importedMessage({ label: 'FileZilla', imported: 1, asked: 2, hostKeys: 1, passwordsFound: true, passwordsSaved: false });
    expect(m).toContain('Imported 1 site from FileZilla.');
    expect(m).toContain('1 site was no longer in the file.');
    expect(m).toContain('1 host key of this server is now trusted');
    expect(m).toContain('Saved passwords were not imported');
    expect(importedMessage({ label: 'PuTTY', imported: 0, asked: 3, hostKeys: 2, passwordsFound: false, passwordsSaved: false })).toMatch(/^Nothing was imported from PuTTY.*again\.$/);
  });
});
