import { describe, expect, it } from 'vitest';
import { mapProxyCommand, mapProxyMethod } from './path';

describe('ProxyCommand shapes', () => {
  it('reads "ssh -W %h:%p" as a jump host, with -p and -l', () => {
    expect(mapProxyCommand('ssh -W %h:%p bastion.example.invalid')).toEqual({ jump: [{ host: 'bastion.example.invalid' }] });
    expect(mapProxyCommand('/usr/bin/ssh -q -p 2222 -l ops -W [%h]:%p gw.example.invalid')).toEqual({ jump: [{ host: 'gw.example.invalid', port: 2222, user: 'ops' }] });
    expect(mapProxyCommand('ssh ann@gw.example.invalid -W %h:%p')).toEqual({ jump: [{ host: 'gw.example.invalid', user: 'ann' }] });
    const withOption = mapProxyCommand('ssh -i ~/.ssh/gw_key -W %h:%p gw.example.invalid');
    expect(withOption.jump).toEqual([{ host: 'gw.example.invalid' }]);
    expect(withOption.note).toMatch(/-i ~\/\.ssh\/gw_key/);
  });

  it('reads "nc -X 5|connect -x proxy:port %h %p" and ncat --proxy as proxies', () => {
    expect(mapProxyCommand('nc -X 5 -x socks.example.invalid:1080 %h %p')).toEqual({ proxy: { type: 'socks5', host: 'socks.example.invalid', port: 1080 } });
    expect(mapProxyCommand('nc -X connect -x web.example.invalid:3128 %h %p')).toEqual({ proxy: { type: 'http', host: 'web.example.invalid', port: 3128 } });
    expect(mapProxyCommand('ncat --proxy p.example.invalid:1080 --proxy-type socks5 %h %p')).toEqual({ proxy: { type: 'socks5', host: 'p.example.invalid', port: 1080 } });
    expect(mapProxyCommand('nc -X 4 -x old.example.invalid:1080 %h %p').note).toMatch(/SOCKS4 proxy/);
  });

  it('notes what it cannot follow, quoting the command, instead of dropping it', () => {
    const m = mapProxyCommand('corkscrew proxy.example.invalid 8080 %h %p');
    expect(m.jump).toBeUndefined();
    expect(m.proxy).toBeUndefined();
    expect(m.note).toMatch(/\("corkscrew proxy\.example\.invalid 8080 %h %p"\) that SFTP Doctor cannot follow/);
    expect(mapProxyCommand('ssh gw.example.invalid nc %h %p').note).toMatch(/cannot follow/);
  });
});

describe('PuTTY and WinSCP proxy methods', () => {
  it('maps SOCKS5, HTTP and PuTTY\'s SSH proxy; notes SOCKS4, Telnet and local commands', () => {
    expect(mapProxyMethod('PuTTY', '2', 'p.invalid', '1080', 'me', false)).toEqual({ proxy: { type: 'socks5', host: 'p.invalid', port: 1080, user: 'me' } });
    expect(mapProxyMethod('WinSCP', '3', 'p.invalid', '3128', '', true)).toEqual({ proxy: { type: 'http', host: 'p.invalid', port: 3128 }, note: 'The saved proxy password was not imported; give it when you connect.' });
    expect(mapProxyMethod('PuTTY', '6', 'gw.invalid', '2222', 'ops', false)).toEqual({ jump: [{ host: 'gw.invalid', port: 2222, user: 'ops' }] });
    expect(mapProxyMethod('PuTTY', '1', 'p.invalid', '1080', '', false).note).toMatch(/SOCKS4 proxy \(p\.invalid\).*directly/);
    expect(mapProxyMethod('WinSCP', '5', 'p.invalid', '80', '', false).note).toMatch(/local proxy command/);
    expect(mapProxyMethod('PuTTY', '0', 'p.invalid', '80', '', false)).toEqual({});
  });
});

describe('WinSCP sessions with a tunnel and a proxy', () => {
  it('keeps the tunnel as the jump host and the proxy for the first connection; notes what it leaves out', async () => {
    const { parseWinScp } = await import('./winscp');
    const text = [
      '[Sessions\\Behind%20gateway]',
      'HostName=files.internal.invalid',
      'UserName=anna',
      'FSProtocol=2',
      'Tunnel=1',
      'TunnelHostName=gw.example.invalid',
      'TunnelPortNumber=2222',
      'TunnelUserName=ops',
      'TunnelPasswordPlain=Tunnel-Pw-1',
      'TunnelPublicKeyFile=C:%5Ckeys%5Cgw.ppk',
      'ProxyMethod=2',
      'ProxyHost=socks.example.invalid',
      'ProxyPort=1080',
      'ProxyUsername=me',
      'ProxyPassword=A35C',
      '',
    ].join('\r\n');
    const parsed = parseWinScp(text, 'WinSCP.ini', {});
    const site = parsed.candidates[0]!.site;
    expect(site.settings.jumpHosts).toEqual([{ host: 'gw.example.invalid', port: 2222, user: 'ops' }]);
    expect(site.settings.proxy).toEqual({ type: 'socks5', host: 'socks.example.invalid', port: 1080, user: 'me' });
    const notes = site.notes?.join('\n') ?? '';
    expect(notes).toMatch(/tunnel's saved password was not imported/);
    expect(notes).toMatch(/proxy password was not imported/);
    expect(notes).toMatch(/its own key \(C:\\keys\\gw\.ppk\)/);
    expect(JSON.stringify(parsed)).not.toContain('Tunnel-Pw-1');
  });
});
