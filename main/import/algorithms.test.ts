import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapToolAlgorithms } from './algorithms';
import { readSource, type ImportEnvironment } from './index';
import { parseOpenSshConfig } from './openssh';

const dir = path.join(__dirname, 'fixtures', 'legacy-box');
const env: ImportEnvironment = { home: path.join(__dirname, 'fixtures', 'home'), platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };

async function byName(source: 'openssh' | 'putty' | 'winscp', file: string) {
  const parsed = await readSource(source, file, env);
  return new Map(parsed.candidates.map((c) => [c.site.name.toLowerCase(), c.site]));
}

describe('algorithm preference lists of PuTTY and WinSCP become the site\'s legacy algorithms', () => {
  it('the same "Legacy box" gets the same weak algorithms from OpenSSH, WinSCP and PuTTY', async () => {
    const openssh = await byName('openssh', path.join(dir, 'ssh_config'));
    const winscp = await byName('winscp', path.join(dir, 'WinSCP.ini'));
    const putty = await byName('putty', path.join(dir, 'putty.reg'));
    const expected = ['ssh-dss', 'diffie-hellman-group1-sha1', '3des-cbc'];
    expect(openssh.get('legacy-box')!.settings.legacyAlgorithms).toEqual(expected);
    expect(winscp.get('legacy box')!.settings.legacyAlgorithms).toEqual(expected);
    expect(putty.get('legacy box')!.settings.legacyAlgorithms).toEqual(expected);
    // PuTTY's list also allows single DES without a warning: named, since it cannot be carried over.
    expect(putty.get('legacy box')!.notes).toContainEqual(expect.stringMatching(/^Not carried over: single DES\. PuTTY was set to use it without a warning/));
  });

  it('a session left at the tool\'s default lists allows nothing weak, like a default ssh config', async () => {
    const openssh = await byName('openssh', path.join(dir, 'ssh_config'));
    const winscp = await byName('winscp', path.join(dir, 'WinSCP.ini'));
    const putty = await byName('putty', path.join(dir, 'putty.reg'));
    for (const site of [openssh.get('modern'), winscp.get('modern'), putty.get('modern')]) {
      expect(site!.settings.legacyAlgorithms).toBeUndefined();
      expect(site!.notes ?? []).not.toContainEqual(expect.stringMatching(/Not carried over|does not know/));
    }
  });

  it('names what it cannot carry over and what it does not know', async () => {
    const winscp = await byName('winscp', path.join(dir, 'WinSCP.ini'));
    const rc4 = winscp.get('arcfour box')!;
    expect(rc4.settings.legacyAlgorithms).toBeUndefined();
    expect(rc4.notes).toContainEqual(expect.stringMatching(/^Not carried over: Arcfour \(RC4\), Blowfish\. WinSCP was set to use them/));
    expect(rc4.notes).toContainEqual(expect.stringMatching(/key exchange "gss-group1-sha1-krb5", which SFTP Doctor does not know/));
  });

  it('only what stands above WARN counts; below it the tool would have asked first', () => {
    expect(mapToolAlgorithms('PuTTY', { kex: 'ecdh,WARN,dh-group1-sha1', cipher: 'aes,WARN,3des' }).legacy).toEqual([]);
    expect(mapToolAlgorithms('PuTTY', { kex: 'ecdh,dh-group1-sha1,WARN' }).legacy).toEqual(['diffie-hellman-group1-sha1']);
    // No WARN at all: everything is used without asking.
    expect(mapToolAlgorithms('PuTTY', { cipher: '3des,aes' }).legacy).toEqual(['3des-cbc']);
    expect(mapToolAlgorithms('PuTTY', { cipher: 'aes,3des' }).legacy).toEqual([]);
  });

  it('an OpenSSH list that replaces the defaults allows its weak names; "^" works like "+"; "-" allows nothing', async () => {
    const text = 'Host a\n  Ciphers 3des-cbc,aes128-ctr\n  KexAlgorithms ^diffie-hellman-group14-sha1\n  MACs -hmac-sha1\n';
    const parsed = await parseOpenSshConfig({ file: '/c', text, home: '/h', localUser: 'me' });
    expect(parsed.candidates[0]!.site.settings.legacyAlgorithms).toEqual(['diffie-hellman-group14-sha1', '3des-cbc']);
  });
});
