import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSource, type ImportEnvironment } from './index';
import { parseWinScp, winscpDeobfuscate, winscpObfuscate } from './winscp';

const fixtures = path.join(__dirname, 'fixtures');
const env: ImportEnvironment = { home: path.join(fixtures, 'home'), platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };
const ini = path.join(fixtures, 'winscp', 'WinSCP.ini');

function expectedLine(host: string, pub: string): string {
  const [type, b64] = readFileSync(path.join(fixtures, 'keys', pub), 'utf8').trim().split(/\s+/);
  return `${host} ${type} ${b64}`;
}

describe('WinSCP password de-obfuscation', () => {
  it('recovers a password stored by WinSCP (published sample)', () => {
    const stored = 'A35C7659654B2AB83C292F392E323D31392F392E2A392E723A392E3D3034332F2835323B723F33312F383A2F383A3B2F3B3B3B';
    expect(winscpDeobfuscate(stored, 'username', 'server.feralhosting.com')).toEqual({ ok: true, password: 'sdfsdfgsggg' });
  });

  it('round-trips any password, user and host, whatever the random padding', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 1000 }), (pw, user, host, seed) => {
        let s = seed;
        const random = () => (s = (s * 7919 + 13) % 65521) & 0xff;
        if (Buffer.byteLength(user + host + pw) > 255) return;
        expect(winscpDeobfuscate(winscpObfuscate(pw, user, host, random), user, host)).toEqual({ ok: true, password: pw });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a password that belongs to another user or host, and garbage', () => {
    const stored = winscpObfuscate('pw', 'bob', 'a.example');
    expect(winscpDeobfuscate(stored, 'bob', 'b.example')).toMatchObject({ ok: false, reason: expect.stringMatching(/does not belong/) });
    expect(winscpDeobfuscate('XYZ', 'u', 'h')).toMatchObject({ ok: false });
    expect(winscpDeobfuscate('A35C', 'u', 'h')).toMatchObject({ ok: false, reason: expect.stringMatching(/too short/) });
  });
});

describe('WinSCP.ini import', () => {
  it('imports SFTP and SCP sites with folders, decoded names and settings', async () => {
    const parsed = await readSource('winscp', ini, env);
    expect(parsed.candidates.map((c) => [c.site.folder, c.site.name])).toEqual([
      ['Work/Clients', 'Acme SFTP'],
      ['', 'Café server'],
      ['', 'no user'],
      ['', 'edited elsewhere'],
    ]);
    const [acme, cafe, noUser] = parsed.candidates;
    expect(acme!.site.settings).toEqual({
      protocol: 'sftp',
      host: 'sftp.acme.example',
      user: 'anna',
      port: 2022,
      privateKey: { path: 'C:\\Users\\anna\\.ssh\\acme.ppk' },
      startPath: '/srv/upload',
    });
    expect(acme!.site.origin).toEqual({ tool: 'winscp', file: ini, name: 'Work/Clients/Acme SFTP' });
    expect(cafe!.site.settings).toMatchObject({ protocol: 'scp', host: 'cafe.example.org', user: 'josé' });
    expect(noUser!.site.notes?.join(' ')).toMatch(/No user name was saved/);
  });

  it('finds passwords but keeps them out of the preview data', async () => {
    const parsed = await readSource('winscp', ini, env);
    const [acme, cafe, noUser, edited] = parsed.candidates;
    expect(acme!.hasPassword).toBe(true);
    expect(acme!.password?.reveal()).toBe('S3cret pass!');
    expect(cafe!.password?.reveal()).toBe('pässwörd');
    expect(noUser!.hasPassword).toBe(false);
    expect(edited!.hasPassword).toBe(false);
    expect(edited!.site.notes?.join(' ')).toMatch(/could not be recovered \(it does not belong to this user name and host/);
    expect(JSON.stringify(parsed)).not.toMatch(/S3cret|pässwörd/);
  });

  it('reports skipped sites and damaged lines with file and line', async () => {
    const parsed = await readSource('winscp', ini, env);
    const lines = readFileSync(ini, 'utf8').split('\r\n');
    const lineOf = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(parsed.skipped).toEqual([{ file: ini, line: lineOf('[Sessions\\ftp%20box]'), name: 'ftp box', reason: 'FTP' }]);
    expect(parsed.problems).toEqual([
      { file: ini, line: lineOf('this line is broken'), message: expect.stringMatching(/not a name=value setting/) },
      { file: ini, line: lineOf('[Sessions\\no%20host]'), message: expect.stringMatching(/"no host" has no host name/) },
      { file: ini, line: lineOf('rsa2@22:cafe.example.org'), message: expect.stringMatching(/"rsa2@22:cafe\.example\.org" was not imported/) },
    ]);
  });

  it('converts [SshHostKeys] to known_hosts lines, including several keys in one entry', async () => {
    const parsed = await readSource('winscp', ini, env);
    expect(parsed.hostKeys.map((k) => k.line)).toEqual([
      expectedLine('[sftp.acme.example]:2022', 'ed25519.pub'),
      expectedLine('cafe.example.org', 'rsa.pub'),
      expectedLine('192.0.2.10', 'ecdsa.pub'),
    ]);
  });

  it('does not try to read passwords protected by a master password, and says so', async () => {
    const file = path.join(fixtures, 'winscp', 'WinSCP-master-password.ini');
    const parsed = await readSource('winscp', file, env);
    expect(parsed.candidates).toHaveLength(1);
    expect(parsed.candidates[0]!.hasPassword).toBe(false);
    expect(parsed.candidates[0]!.site.notes?.join(' ')).toMatch(/protected by your WinSCP master password/);
  });

  it('reads the same sites from a registry dump (reg query output)', () => {
    const out = [
      '',
      'HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\Work/Reg%20site',
      '    HostName    REG_SZ    reg.example.com',
      '    PortNumber    REG_DWORD    0x7e2',
      '    UserName    REG_SZ    rita',
      `    Password    REG_SZ    ${winscpObfuscate('from registry', 'rita', 'reg.example.com')}`,
      '',
    ].join('\r\n');
    const parsed = parseWinScp(out, 'HKCU\\Software\\Martin Prikryl\\WinSCP 2');
    expect(parsed.candidates[0]!.site).toMatchObject({ name: 'Reg site', folder: 'Work', settings: { host: 'reg.example.com', port: 2018, user: 'rita' } });
    expect(parsed.candidates[0]!.password?.reveal()).toBe('from registry');
  });

  it('tells a Linux user how to get a WinSCP.ini', async () => {
    const parsed = await readSource('winscp', undefined, env);
    expect(parsed.problems[0]?.message).toMatch(/Export\/Backup Configuration/);
  });
});

describe('WinSCP login settings', () => {
  const file = path.join(fixtures, 'winscp', 'WinSCP-login.ini');

  it('carries the login methods over and notes what a site here cannot do', async () => {
    const parsed = await readSource('winscp', file, env);
    const byName = new Map(parsed.candidates.map((c) => [c.site.name, c.site]));
    expect([...byName.keys()]).toEqual(['No keyboard-interactive', 'Answers prompts itself', 'Kerberos box', 'Old appliance', 'Defaults']);

    const noKbd = byName.get('No keyboard-interactive')!;
    expect(noKbd.settings.authMethods).toEqual(['publickey', 'password']);
    expect(noKbd.notes).toEqual([expect.stringMatching(/^WinSCP was set not to try keyboard-interactive login, so the site leaves it out too/)]);

    const prompts = byName.get('Answers prompts itself')!;
    expect(prompts.settings.authMethods).toBeUndefined();
    expect(prompts.notes).toEqual([expect.stringMatching(/^Not carried over: "Respond with a password to the first prompt" is off in WinSCP/)]);

    const krb = byName.get('Kerberos box')!;
    expect(krb.settings).toMatchObject({ useAgent: false, privateKey: { path: 'C:\\keys\\kurt.ppk' } });
    expect(krb.settings.authMethods).toBeUndefined();
    const krbNotes = krb.notes!.join('\n');
    expect(krbNotes).toMatch(/Not carried over: GSSAPI \(Kerberos\) login, which SFTP Doctor does not do; .*; the certificate C:\\keys\\kurt-cert\.pub: /);

    // Keyboard-interactive off: its WinSCP-only sub-setting says nothing more.
    const old = byName.get('Old appliance')!;
    expect(old.settings.authMethods).toEqual(['publickey', 'password']);
    expect(old.notes!.join('\n')).toMatch(/TIS or CryptoCard login, which belongs to SSH-1/);
    expect(old.notes!.join('\n')).toMatch(/"Bypass authentication entirely"; SFTP Doctor asks the server first/);
    expect(old.notes!.join('\n')).not.toMatch(/Respond with a password/);

    // Defaults written out (and a ticket to forward with Kerberos switched off): nothing to say.
    const plain = byName.get('Defaults')!;
    expect(plain.settings.authMethods).toBeUndefined();
    expect(plain.settings.useAgent).toBeUndefined();
    expect(plain.notes).toBeUndefined();
  });
});
