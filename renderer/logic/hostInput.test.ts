import { describe, expect, it } from 'vitest';
import { splitHostInput } from './hostInput';

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
