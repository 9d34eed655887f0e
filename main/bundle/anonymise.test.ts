import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Anonymiser, mapStrings } from './anonymise';
import { buildBundle } from './index';
import { ReportSchema } from './schema';
import { SAMPLE, sampleInput } from './test-fixtures';

function anonymiser(hosts: string[] = [], users: string[] = []): Anonymiser {
  const a = new Anonymiser();
  hosts.forEach((h) => a.addHost(h));
  users.forEach((u) => a.addUser(u));
  return a;
}

describe('anonymiser', () => {
  it('gives the same original the same placeholder, and different originals different ones', () => {
    const a = anonymiser(['files.example.org', 'backup.example.org'], ['alice', 'bob']);
    const one = a.apply('alice@files.example.org via 10.1.2.3 and bob@backup.example.org');
    const two = a.apply('FILES.EXAMPLE.ORG said hello to alice from 10.1.2.3');
    expect(one).toBe('user-1@host-1 via 203.0.113.1 and user-2@host-2');
    expect(two).toBe('host-1 said hello to user-1 from 203.0.113.1');
  });

  it('replaces IPv6 in every spelling the engine and ssh2 print, and leaves MD5 fingerprints, times and versions alone', () => {
    const a = anonymiser();
    const text = [
      'connect [2001:db8:abcd:12::7]:2222',
      'peer fe80::1%eth0 and ::1 and ::ffff:192.0.2.33.',
      'fingerprint MD5:3f:1a:9c:22:7b:de:00:41:aa:bb:cc:dd:ee:ff:10:20',
      'at 10:20:30, OpenSSH_9.2p1, node 20.19.4, ssh2 1.17.0, std::string',
    ].join('\n');
    a.collect(text);
    const out = a.apply(text);
    expect(out).toContain('connect [2001:db8::1]:2222');
    expect(out).toContain('peer 2001:db8::2%eth0 and 2001:db8::3 and 2001:db8::4.');
    expect(out).toContain('MD5:3f:1a:9c:22:7b:de:00:41:aa:bb:cc:dd:ee:ff:10:20');
    expect(out).toContain('at 10:20:30, OpenSSH_9.2p1, node 20.19.4, ssh2 1.17.0, std::string');
    expect(out).not.toMatch(/abcd:12|fe80|192\.0\.2\.33/);
  });

  it('the same IPv6 address written in upper case gets the same placeholder', () => {
    const a = anonymiser();
    expect(a.apply('2001:DB8:ABCD::7 / 2001:db8:abcd::7')).toBe('2001:db8::1 / 2001:db8::1');
  });

  it('never hands out a placeholder that is itself one of the originals', () => {
    const a = anonymiser();
    const text = '203.0.113.1 and 10.0.0.1';
    a.collect(text);
    const out = a.apply(text);
    expect(out).not.toContain('10.0.0.1');
    const [first, second] = out.split(' and ');
    expect(first).not.toBe(second);
    expect(second).not.toBe('203.0.113.1');
  });

  it('rewrites home folders on Linux, macOS and Windows (JSON-escaped too) to the user placeholder', () => {
    const a = anonymiser([], ['marta']);
    const text = '/home/marta/.ssh/id_ed25519 /Users/marta/key C:\\Users\\marta\\key.ppk C:\\\\Users\\\\marta /root/.ssh/known_hosts';
    a.collect(text);
    expect(a.apply(text)).toBe('/home/user-1/.ssh/id_ed25519 /Users/user-1/key C:\\Users\\user-1\\key.ppk C:\\\\Users\\\\user-1 /home/user-2/.ssh/known_hosts');
    // A user found only through a home folder is still replaced where it appears on its own.
    const b = anonymiser();
    b.collect('/home/zed/.ssh/id_rsa');
    expect(b.apply('zed@laptop: key /home/zed/.ssh/id_rsa')).toBe('user-1@laptop: key /home/user-1/.ssh/id_rsa');
  });

  it('takes a pasted URL in the host field apart', () => {
    const a = new Anonymiser();
    a.addHostField(' sftp://carol@srv.example.net:2222/upload ');
    expect(a.apply('sftp://carol@srv.example.net:2222/upload and srv.example.net')).toBe('sftp://user-1@host-1:2222/upload and host-1');
  });

  it('replaces sub-domain and whole-word matches only: a user "ann" leaves "annual" alone', () => {
    const a = anonymiser(['example.com'], ['ann']);
    expect(a.apply('ann logged in to www.example.com for the annual report')).toBe('user-1 logged in to www.host-1 for the annual report');
  });

  it('leaves code fields alone, so a host called "sftp" cannot break report.json', () => {
    const a = anonymiser(['sftp'], ['ok']);
    const data = { phase: 'sftp', status: 'ok', detail: 'connected to sftp as ok', nested: [{ code: 'OK', title: 'sftp ok' }] };
    // "ok" is also a word: as a user name it is replaced only where it stands as one (not in this prose).
    expect(mapStrings(data, (s) => a.apply(s))).toEqual({ phase: 'sftp', status: 'ok', detail: 'connected to host-1 as ok', nested: [{ code: 'OK', title: 'host-1 ok' }] });
  });

  it.each(['root', 'backup', 'admin', 'data'])('a user name that is also a word (%s) is replaced where it is a user name, and prose keeps the word', (name) => {
    const a = anonymiser(['files.example.org'], [name]);
    const prose = `The root cause: back up your data before the admin changes the backup job; see /srv/${name}-notes.`;
    expect(a.apply(prose)).toBe(prose.replace('files.example.org', 'host-1'));
    // Where it is a user name: NAME@host, user "NAME", User name: NAME, a field holding just the name, home folders.
    expect(a.apply(`${name}@files.example.org`)).toBe('user-1@host-1');
    expect(a.apply(`sftp://${name}@files.example.org:22/`)).toBe('sftp://user-1@host-1:22/');
    expect(a.apply(`as user "${name}".`)).toBe('as user "user-1".');
    expect(a.apply(`User name: ${name}`)).toBe('User name: user-1');
    expect(a.apply(name)).toBe('user-1');
    expect(a.apply(`/home/${name}/.ssh/id_ed25519 C:\\Users\\${name}\\key.ppk /Users/${name}/x`)).toBe('/home/user-1/.ssh/id_ed25519 C:\\Users\\user-1\\key.ppk /Users/user-1/x');
  });

  it('/root as a home folder becomes the root user\'s placeholder; "root" in prose and /rooted paths stay', () => {
    const a = anonymiser([], ['root']);
    expect(a.apply('key /root/.ssh/id_rsa; the root cause; chroot /srv/rooted')).toBe('key /home/user-1/.ssh/id_rsa; the root cause; chroot /srv/rooted');
    // A distinctive name is still replaced wherever it appears as a word.
    const b = anonymiser([], ['marta']);
    expect(b.apply('Logged in as marta (see /home/marta)')).toBe('Logged in as user-1 (see /home/user-1)');
  });
});

describe('anonymised bundle', () => {
  it('no host name, user name, IP or home folder of the scenario appears in any file, and placeholders agree across files', async () => {
    const { files, zip } = await buildBundle(sampleInput(), { anonymise: true });
    const unzipped = unzipSync(zip);
    expect(Object.keys(unzipped).sort()).toEqual(files.map((f) => f.name).sort());
    const forbidden = [SAMPLE.host, SAMPLE.alias, SAMPLE.user, SAMPLE.localUser, SAMPLE.ipv4, SAMPLE.ipv6, 'acme-corp', 'abcd:12'];
    for (const [name, bytes] of Object.entries(unzipped)) {
      const text = strFromU8(bytes);
      for (const f of forbidden) expect(text.toLowerCase(), `${name} contains ${f}`).not.toContain(f.toLowerCase());
    }
    const byName = Object.fromEntries(files.map((f) => [f.name, f.text]));
    // The server is host-1 and the user is user-1 everywhere: in the known_hosts line, the log, the report.
    expect(byName['known_hosts-entry.txt']).toContain('host-1,host-2,203.0.113.1 ssh-ed25519');
    expect(byName['known_hosts-entry.txt']).toContain('|1|c2FsdHNhbHRzYWx0c2FsdHNhbHQ=|aGFzaGhhc2hoYXNoaGFzaGhhc2g='); // hashed names stay
    expect(byName['timeline.log']).toContain('for user-1');
    expect(byName['timeline.log']).toContain('host-1 -> 203.0.113.1');
    const report = ReportSchema.parse(JSON.parse(byName['report.json']!));
    expect(report.anonymised).toBe(true);
    expect(report.request.user).toBe('user-1');
    expect(report.rounds[0]!.facts.input?.host).toBe('host-1');
    expect(report.rounds[0]!.facts.dns?.addresses).toEqual([{ address: '203.0.113.1', family: 4 }, { address: '2001:db8::1', family: 6 }]);
    expect(report.rounds[0]!.diagnosis.code).toBe('KEX_NO_COMMON_ALGORITHM');
    expect(report.adminMessage).toContain('host-1, port 2222, as user "user-1"');
    expect(byName['report.html']).toContain('user-1@host-1:2222');
    expect(byName['key.json']).not.toContain('laptop');
    expect(byName['README.txt']).toContain('Anonymised');
  });

  it('is off by default in the plain bundle: the real names are there', async () => {
    const { files } = await buildBundle(sampleInput(), { anonymise: false });
    const html = files.find((f) => f.name === 'report.html')!.text;
    expect(html).toContain(SAMPLE.host);
    expect(html).toContain(SAMPLE.ipv6);
  });
});
