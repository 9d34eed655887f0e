import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSource, type ImportEnvironment } from './index';
import { parsePuttyRegistry } from './putty';

const fixtures = path.join(__dirname, 'fixtures');
const home = path.join(fixtures, 'home');
const env: ImportEnvironment = { home, platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };

/** known_hosts lines for the fixture keys, as OpenSSH writes them. */
function expectedLine(host: string, pub: string): string {
  const [type, b64] = readFileSync(path.join(fixtures, 'keys', pub), 'utf8').trim().split(/\s+/);
  return `${host} ${type} ${b64}`;
}

describe('PuTTY import from "reg query" output (CRLF)', () => {
  const file = path.join(fixtures, 'putty', 'reg-query.txt');

  it('imports SSH sessions, skipping Default Settings, with decoded names and settings', async () => {
    const parsed = await readSource('putty', file, env);
    expect(parsed.candidates.map((c) => c.site.name)).toEqual(['My Server', 'Café prod', 'garbled']);
    const [server, cafe] = parsed.candidates;
    expect(server!.site.settings).toEqual({
      protocol: 'sftp',
      host: 'files.example.com',
      user: 'deploy',
      port: 2222,
      privateKey: { path: 'C:\\Users\\Anna\\keys\\deploy.ppk' },
      useAgent: false,
      keepaliveSeconds: 30,
    });
    expect(server!.site.notes?.join(' ')).toMatch(/is a Windows path/);
    expect(server!.site.origin).toEqual({ tool: 'putty', file, name: 'My Server' });
    expect(cafe!.site.settings).toMatchObject({ host: 'cafe.example.org', user: 'barista' });
    expect(cafe!.site.settings.port).toBeUndefined();
    // ProxyMethod 2 (SOCKS5) with no ProxyPort saved: PuTTY's own default, port 80.
    expect(cafe!.site.settings.proxy).toEqual({ type: 'socks5', host: 'proxy.example.org', port: 80 });
  });

  it('reports what it skipped with file and line, and keeps going', async () => {
    const parsed = await readSource('putty', file, env);
    const text = readFileSync(file, 'utf8').split('\r\n');
    const lineOf = (s: string) => text.findIndex((l) => l.includes(s)) + 1;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        { file, line: lineOf('this line was damaged'), message: expect.stringMatching(/not in the form of reg query output/) },
        { file, line: lineOf('Sessions\\empty%20one'), message: expect.stringMatching(/"empty one" has no host name/) },
        { file, line: lineOf('damaged.example.com'), message: expect.stringMatching(/"ssh-ed25519@22:damaged\.example\.com" was not imported: .*not on the curve/) },
      ]),
    );
    expect(parsed.problems).toHaveLength(3);
    // A telnet session is not a problem with the file: it is listed as skipped.
    expect(parsed.skipped).toEqual([{ file, line: lineOf('Sessions\\router%20console'), name: 'router console', reason: 'telnet' }]);
  });

  it('converts the cached host keys to the exact known_hosts lines', async () => {
    const parsed = await readSource('putty', file, env);
    expect(parsed.hostKeys.map((k) => k.line)).toEqual([
      expectedLine('[files.example.com]:2222', 'ed25519.pub'),
      expectedLine('cafe.example.org', 'rsa.pub'),
      expectedLine('192.0.2.10', 'ecdsa.pub'),
    ]);
  });
});

describe('PuTTY import from a regedit export (.reg, UTF-16 with BOM)', () => {
  const file = path.join(fixtures, 'putty', 'putty-export.reg');

  it('reads UTF-8 escaped names, non-ASCII values, escaped backslashes and continued hex lines', async () => {
    const parsed = await readSource('putty', file, env);
    expect(parsed.candidates).toHaveLength(1);
    expect(parsed.candidates[0]!.site).toMatchObject({
      name: 'München web',
      settings: { host: 'muenchen.example.de', user: 'jürgen', privateKey: { path: 'C:\\Users\\J\\keys\\m.ppk' } },
    });
    expect(parsed.hostKeys.map((k) => k.line)).toEqual([expectedLine('muenchen.example.de', 'ed25519.pub')]);
    expect(parsed.problems).toEqual([{ file, line: 16, message: expect.stringMatching(/not a "name"=value pair/) }]);
  });

  it('explains what to do with a file that is not a registry dump', () => {
    const parsed = parsePuttyRegistry('just some text\n', '/tmp/x.txt');
    expect(parsed.problems[0]?.message).toMatch(/reg query HKCU\\Software\\SimonTatham\\PuTTY \/s/);
  });
});

describe('PuTTY import from ~/.putty on Linux', () => {
  it('reads every session file and sshhostkeys; a damaged file does not stop the others', async () => {
    const parsed = await readSource('putty', undefined, env);
    expect(parsed.candidates.map((c) => c.site.name)).toEqual(['broken', 'web server']);
    expect(parsed.candidates[1]!.site.settings).toEqual({ protocol: 'sftp', host: 'web.example.com', user: 'www', privateKey: { path: '/home/anna/.ssh/web.ppk' } });
    expect(parsed.candidates[1]!.site.notes).toBeUndefined();
    const sessions = path.join(home, '.putty', 'sessions');
    expect(parsed.problems).toEqual([
      { file: path.join(sessions, 'broken'), line: 2, message: expect.stringMatching(/not a name=value setting/) },
      { file: path.join(home, '.putty', 'sshhostkeys'), line: 3, message: expect.stringMatching(/not "type@port:host value"/) },
    ]);
    expect(parsed.skipped).toEqual([{ file: path.join(sessions, 'serial%20console'), line: 1, name: 'serial console', reason: 'serial' }]);
    expect(parsed.hostKeys.map((k) => k.line)).toEqual([expectedLine('web.example.com', 'ed25519.pub'), expectedLine('[web.example.com]:2200', 'rsa.pub')]);
  });

  it('uses "reg query" on Windows', async () => {
    const out = readFileSync(path.join(fixtures, 'putty', 'reg-query.txt'), 'utf8');
    const asked: string[] = [];
    const parsed = await readSource('putty', undefined, { ...env, platform: 'win32', regQuery: async (k) => (asked.push(k), out) });
    expect(asked).toEqual(['HKCU\\Software\\SimonTatham\\PuTTY']);
    expect(parsed.candidates).toHaveLength(3);
    expect(parsed.candidates[0]!.site.notes ?? []).not.toContainEqual(expect.stringMatching(/Windows path/));
  });
});

describe('PuTTY login settings', () => {
  const file = path.join(fixtures, 'putty', 'login-settings.txt');

  it('carries AuthKI over as the login methods, and notes Kerberos, TIS, no-login, certificates and plugins', async () => {
    const parsed = await readSource('putty', file, env);
    const byName = new Map(parsed.candidates.map((c) => [c.site.name, c.site]));
    expect([...byName.keys()]).toEqual(['Defaults', 'No keyboard-interactive', 'Kerberos box', 'Old appliance']);
    expect(parsed.problems).toEqual([]);

    // PuTTY writes every setting; its defaults (GSSAPI on, no ticket forwarding) are not worth a note.
    const plain = byName.get('Defaults')!;
    expect(plain.settings).toEqual({ protocol: 'sftp', host: 'plain.example.invalid', user: 'dora' });
    expect(plain.notes).toBeUndefined();

    const noKbd = byName.get('No keyboard-interactive')!;
    expect(noKbd.settings.authMethods).toEqual(['publickey', 'password']);
    expect(noKbd.notes).toEqual([expect.stringMatching(/^PuTTY was set not to try keyboard-interactive login/)]);

    const krb = byName.get('Kerberos box')!;
    expect(krb.settings.authMethods).toBeUndefined();
    expect(krb.notes!.join('\n')).toMatch(/^Not carried over: GSSAPI \(Kerberos\) login, .*; the certificate C:\\keys\\kurt-cert\.pub: .*; the authentication plugin "C:\\tools\\otp-plugin\.exe --user kurt", which SFTP Doctor does not run/m);

    // Kerberos switched off: forwarding a ticket means nothing then.
    const old = byName.get('Old appliance')!;
    expect(old.settings.authMethods).toEqual(['publickey', 'password']);
    const oldNotes = old.notes!.join('\n');
    expect(oldNotes).toMatch(/TIS or CryptoCard login/);
    expect(oldNotes).toMatch(/"Bypass authentication entirely"/);
    expect(oldNotes).not.toMatch(/Kerberos/);
  });
});
