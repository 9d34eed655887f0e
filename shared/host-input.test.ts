import { describe, expect, it } from 'vitest';
import { parseHostField, parsePort, splitHostInput } from './host-input';

describe('splitHostInput (what a pasted host field becomes)', () => {
  it('splits a full sftp:// URL into protocol, user, host, port and start folder', () => {
    expect(splitHostInput('sftp://alice@files.example.com:2222/upload/in')).toEqual({
      protocol: 'sftp',
      user: 'alice',
      host: 'files.example.com',
      port: '2222',
      startPath: '/upload/in',
    });
  });

  it('takes scp:// as SCP and ssh:// as SFTP', () => {
    expect(splitHostInput('scp://nas.local')).toEqual({ protocol: 'scp', host: 'nas.local' });
    expect(splitHostInput('ssh://root@10.1.2.3')).toEqual({ protocol: 'sftp', user: 'root', host: '10.1.2.3' });
  });

  it('splits user@host and host:port without a scheme', () => {
    expect(splitHostInput('bob@example.org')).toEqual({ user: 'bob', host: 'example.org' });
    expect(splitHostInput('example.org:8022')).toEqual({ host: 'example.org', port: '8022' });
    expect(splitHostInput('bob@example.org:22')).toEqual({ user: 'bob', host: 'example.org', port: '22' });
  });

  it('handles IPv6: bracketed with a port, bare without guessing a port', () => {
    expect(splitHostInput('[2001:db8::1]:2200')).toEqual({ host: '2001:db8::1', port: '2200' });
    expect(splitHostInput('sftp://u@[::1]/')).toEqual({ protocol: 'sftp', user: 'u', host: '::1' });
    expect(splitHostInput('2001:db8::1')).toBeNull();
  });

  it('leaves a plain host name alone', () => {
    expect(splitHostInput('files.example.com')).toBeNull();
    expect(splitHostInput('')).toBeNull();
  });

  it('trims spaces around a pasted host', () => {
    expect(splitHostInput('  files.example.com \n')).toEqual({ host: 'files.example.com' });
  });

  it('decodes escaped user names and takes a password only from a URL', () => {
    expect(splitHostInput('sftp://me%40corp:s3cret@h.example:2022')).toEqual({
      protocol: 'sftp',
      user: 'me@corp',
      password: 's3cret',
      host: 'h.example',
      port: '2022',
    });
    // WinSCP adds ;fingerprint=... after the user name: not part of it.
    expect(splitHostInput('sftp://alice;fingerprint=ssh-ed25519-abc@h.example')).toMatchObject({ user: 'alice', host: 'h.example' });
  });

  it('keeps the host of an FTP or web address and says that this is not SFTP', () => {
    const split = splitHostInput('ftp://ftp.example.com:21/pub');
    expect(split).toMatchObject({ host: 'ftp.example.com', port: '21' });
    expect(split?.protocol).toBeUndefined();
    expect(split?.note).toMatch(/ftp:\/\/.*SFTP/);
  });

  it('does not guess at text it cannot read as an address', () => {
    expect(splitHostInput('host:notaport')).toBeNull();
    expect(splitHostInput('two words')).toBeNull();
    expect(splitHostInput('gopher://x.example')).toBeNull();
  });
});

describe('parseHostField (the engine\'s input check and the CLI\'s TARGET)', () => {
  it.each([
    ['sftp://bob@example.com:2222/home/bob', { scheme: 'sftp', user: 'bob', host: 'example.com', port: 2222, path: '/home/bob' }],
    ['bob@example.com', { user: 'bob', host: 'example.com' }],
    ['example.com:2200', { host: 'example.com', port: 2200 }],
    ['[2001:db8::1]:2222', { host: '2001:db8::1', port: 2222 }],
    ['2001:db8::1', { host: '2001:db8::1' }],
    ['sftp://[::1]:22/', { scheme: 'sftp', host: '::1', port: 22 }],
    ['user%40corp@example.com', { user: 'user@corp', host: 'example.com' }],
    ['example.com:abc', { host: 'example.com', badPort: 'abc' }],
    ['example.com:70000', { host: 'example.com', badPort: '70000' }],
    [' example.com', { host: 'example.com', outerWhitespace: true }],
    ['exa mple.com', { host: 'exa mple.com', innerWhitespace: true }],
  ])('%s', (raw, want) => {
    expect(parseHostField(raw)).toMatchObject(want);
  });

  it('reads a password only from a URL, and never keeps it in the user name', () => {
    expect(parseHostField('sftp://ann:pw@h.example')).toMatchObject({ user: 'ann', password: 'pw', host: 'h.example' });
    const bare = parseHostField('ann:pw@h.example');
    expect(bare).toMatchObject({ user: 'ann', host: 'h.example' });
    expect(JSON.stringify(bare)).not.toContain('pw');
  });

  it('the window and the engine agree: what the window splits, the engine reads the same way', () => {
    for (const text of ['sftp://alice@files.example.com:2222/upload/in', 'bob@example.org:22', '[2001:db8::1]:2200', 'scp://nas.local']) {
      const split = splitHostInput(text)!;
      const parsed = parseHostField(text);
      expect(split.host).toBe(parsed.host);
      expect(split.user).toBe(parsed.user);
      expect(split.port).toBe(parsed.port === undefined ? undefined : String(parsed.port));
      expect(split.startPath).toBe(parsed.path);
    }
  });

  it('parsePort takes 1 to 65535 only', () => {
    expect(parsePort('22')).toBe(22);
    expect(parsePort(' 2222 ')).toBe(2222);
    expect(parsePort(0)).toBeNull();
    expect(parsePort('65536')).toBeNull();
    expect(parsePort('2e3')).toBeNull();
  });
});
