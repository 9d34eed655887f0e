import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportEnvironment } from './index';
import { readSource } from './index';
import { parseOpenSshConfig } from './openssh';

const home = path.join(__dirname, 'fixtures', 'home');
const config = path.join(home, '.ssh', 'config');
const env: ImportEnvironment = {
  home,
  platform: 'linux',
  env: {},
  localUser: 'localme',
  localHost: 'laptop',
  regQuery: async () => null,
};

async function load() {
  const parsed = await readSource('openssh', undefined, env);
  const byName = new Map(parsed.candidates.map((c) => [c.site.name, c]));
  return { parsed, byName };
}

describe('OpenSSH config import', () => {
  it('makes one site per concrete alias, in file order, including Include files', async () => {
    const { parsed } = await load();
    expect(parsed.candidates.map((c) => c.site.name)).toEqual([
      'work-sftp', // from config.d/work.conf, included at the top
      'web',
      'prod-web',
      'build box',
      'café',
      'bastion.example.com',
      'db.example.com',
      'broken-port',
      'legacy',
      'bad-quote',
    ]);
    expect(parsed.files).toEqual([config, path.join(home, '.ssh', 'config.d', 'empty.conf'), path.join(home, '.ssh', 'config.d', 'work.conf')]);
    expect(parsed.candidates.find((c) => c.site.name === 'work-sftp')?.site.origin?.file).toBe(path.join(home, '.ssh', 'config.d', 'work.conf'));
  });

  it('applies settings like ssh -G: HostName, Port, User, identity files with tokens, first value wins', async () => {
    const { byName } = await load();
    const web = byName.get('web')!.site;
    expect(web.settings).toMatchObject({
      protocol: 'sftp',
      host: 'web.example.com',
      port: 2222,
      user: 'anna',
      privateKey: { path: `${home}/.ssh/id_web.example.com_anna` },
      identitiesOnly: true,
      useAgent: false, // from Host *
      keepaliveSeconds: 60, // from Host *
    });
    expect(web.notes?.join(' ')).toContain(`${home}/.ssh/id_backup`);
    expect(byName.get('prod-web')!.site.settings.host).toBe('web.example.com');

    // A wildcard block matching the alias sets what the host's own block left open.
    const db = byName.get('db.example.com')!.site.settings;
    expect(db).toMatchObject({ host: 'db.example.com', port: 2200, user: 'wildcard-user', keepaliveSeconds: 30 });
    // ... but not what the host's own block set earlier.
    expect(byName.get('bastion.example.com')!.site.settings.user).toBe('jump');
  });

  it('keeps names with spaces and non-ASCII characters', async () => {
    const { byName } = await load();
    expect(byName.get('café')!.site.settings).toMatchObject({ host: 'café.example.org', user: 'josé' });
    expect(byName.get('build box')!.site.settings.host).toBe('10.0.0.5');
  });

  it('uses the local user name when no User is set, and says so', async () => {
    const { byName } = await load();
    const box = byName.get('build box')!.site;
    expect(box.settings.user).toBe('localme');
    expect(box.notes?.join(' ')).toMatch(/local user "localme"/);
  });

  it('keeps ProxyJump as the site\'s jump host, with the User of the jump host\'s own Host block', async () => {
    const { byName } = await load();
    expect(byName.get('build box')!.site.settings.jumpHosts).toEqual([{ host: 'bastion.example.com', user: 'jump' }]);
    expect(byName.get('build box')!.site.notes?.join(' ') ?? '').not.toMatch(/directly/);
  });

  it('turns "+algorithm" lists into legacy algorithms and expands %h in HostName and quoted key paths', async () => {
    const { byName } = await load();
    expect(byName.get('legacy')!.site.settings).toMatchObject({
      host: 'legacy.old.example.com',
      legacyAlgorithms: ['ssh-rsa', 'diffie-hellman-group1-sha1'],
      privateKey: { path: `${home}/.ssh/old key` },
    });
  });

  it('reads the CRLF include and its UserKnownHostsFile; other sites use ~/.ssh/known_hosts', async () => {
    const { byName } = await load();
    expect(byName.get('work-sftp')!.site.settings).toMatchObject({ host: 'sftp.work.example', user: 'worker', knownHostsPath: `${home}/.ssh/known_hosts_work` });
    expect(byName.get('web')!.site.settings.knownHostsPath).toBe(`${home}/.ssh/known_hosts`);
    expect(byName.get('web')!.site.notes?.join(' ')).toMatch(/Uses your OpenSSH known_hosts file/);
  });

  it('reports a broken line and a bad port with file and line, and still imports the rest', async () => {
    const { parsed, byName } = await load();
    const unterminated = parsed.problems.find((p) => /quote/.test(p.message));
    expect(unterminated).toMatchObject({ file: config, line: 40 });
    expect(parsed.problems.find((p) => /twenty-two/.test(p.message))).toMatchObject({ file: config, line: 28 });
    expect(byName.get('broken-port')!.site.settings.port).toBeUndefined();
    expect(byName.get('bad-quote')!.site.settings.host).toBe('bad-quote');
  });

  it('never runs the exec commands of Match blocks (a block that needs one is not applied)', async () => {
    const { parsed } = await load();
    expect(parsed.problems.find((p) => /Match/.test(p.message))).toBeUndefined();
    expect(existsSync('/tmp/sftp-doctor-import-test-must-not-exist')).toBe(false);
    expect(parsed.candidates.some((c) => c.site.settings.user === 'matched')).toBe(false);
  });

  it('the RSA signature: the first RSA one of a whole PubkeyAcceptedAlgorithms list, never from "+" or "-" changes', async () => {
    const text = [
      'Host hardened',
      '  PubkeyAcceptedAlgorithms ssh-ed25519,rsa-sha2-512,rsa-sha2-256',
      'Host old-only',
      '  PubkeyAcceptedKeyTypes ssh-rsa',
      'Host added',
      '  PubkeyAcceptedAlgorithms +ssh-rsa',
      'Host removed',
      '  PubkeyAcceptedAlgorithms -rsa-sha2-256',
      'Host no-rsa',
      '  PubkeyAcceptedAlgorithms ssh-ed25519',
      '',
    ].join('\n');
    const parsed = await parseOpenSshConfig({ file: '/h/.ssh/config', text, home: '/h', localUser: 'u', readIncluded: async () => [] });
    const chosen = Object.fromEntries(parsed.candidates.map((c) => [c.site.name, c.site.settings.rsaSignature]));
    expect(chosen).toEqual({ hardened: 'rsa-sha2-512', 'old-only': 'ssh-rsa', added: undefined, removed: undefined, 'no-rsa': undefined });
  });

  it('login methods: PreferredAuthentications and the methods switched off, as ssh -G reads them', async () => {
    const text = [
      'Host pw-only',
      '  PreferredAuthentications password',
      'Host no-kbd',
      '  KbdInteractiveAuthentication no',
      'Host keys-and-kbd',
      '  PreferredAuthentications publickey,keyboard-interactive,password',
      '  PasswordAuthentication no',
      'Host plain',
      '  HostName plain.example',
      '',
    ].join('\n');
    const parsed = await parseOpenSshConfig({ file: '/h/.ssh/config', text, home: '/h', localUser: 'u', readIncluded: async () => [] });
    const methods = Object.fromEntries(parsed.candidates.map((c) => [c.site.name, c.site.settings.authMethods]));
    expect(methods).toEqual({ 'pw-only': ['password'], 'no-kbd': ['publickey', 'password'], 'keys-and-kbd': ['publickey', 'keyboard-interactive'], plain: undefined });
    // ssh itself agrees on what it would try.
    const { promises: fs } = await import('node:fs');
    const os = await import('node:os');
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssh-g-methods-'));
    try {
      const file = path.join(dir, 'config');
      await fs.writeFile(file, text);
      const run = promisify(execFile);
      const g = async (host: string) => Object.fromEntries((await run('ssh', ['-G', '-F', file, host])).stdout.split('\n').map((l) => [l.split(' ')[0], l.split(' ').slice(1).join(' ')]));
      expect((await g('pw-only')).preferredauthentications).toBe('password');
      expect((await g('no-kbd')).kbdinteractiveauthentication).toBe('no');
      expect((await g('keys-and-kbd')).passwordauthentication).toBe('no');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing Include file and an Include loop without hanging', async () => {
    const files: Record<string, string> = {
      '/h/.ssh/a': 'Include /h/.ssh/b\nHost from-a\n  HostName a.example\n',
      '/h/.ssh/b': 'Include /h/.ssh/a\nInclude missing.conf\n',
    };
    const parsed = await parseOpenSshConfig({
      file: '/h/.ssh/config',
      text: 'Include a\nHost main\n  HostName m.example\n',
      home: '/h',
      localUser: 'u',
      readIncluded: async (p) => (files[p] !== undefined ? [{ file: p, text: files[p] }] : []),
    });
    expect(parsed.candidates.map((c) => c.site.name)).toEqual(['from-a', 'main']);
    expect(parsed.problems.map((p) => p.message).join('\n')).toMatch(/included more than once/);
    expect(parsed.problems.find((p) => /missing\.conf/.test(p.message))).toMatchObject({ file: '/h/.ssh/b', line: 2 });
  });

  it('says where it looked when there is no config', async () => {
    const parsed = await readSource('openssh', undefined, { ...env, home: '/nonexistent-home' });
    expect(parsed.candidates).toEqual([]);
    expect(parsed.problems[0]?.message).toMatch(/No OpenSSH config was found \(\/nonexistent-home\/\.ssh\/config does not exist\)/);
  });
});

describe('OpenSSH import agrees with ssh -G', () => {
  it('computes the same host, port, user, key files, IdentitiesOnly and keepalive as ssh itself', async () => {
    const { promises: fs } = await import('node:fs');
    const os = await import('node:os');
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssh-g-'));
    try {
      await fs.writeFile(path.join(dir, 'inc.conf'), `Host inc-host\n  HostName included.example\n  Port 2022\n`);
      const text = [
        `Include ${dir}/inc.conf`,
        'Host alpha beta',
        '  HostName alpha.example.com',
        '  IdentityFile /keys/id_%h_%r_%p',
        '  IdentityFile /keys/second',
        'Host gamma',
        '  User gamma-user',
        '  Port 2200',
        '  IdentitiesOnly yes',
        'Host *.example.com beta',
        '  User from-pattern',
        '  ServerAliveInterval 15',
        '  Port 2345',
        'Host *',
        '  User fallback',
        '  ServerAliveInterval 99',
        '',
      ].join('\n');
      const file = path.join(dir, 'config');
      await fs.writeFile(file, text);
      const parsed = await parseOpenSshConfig({ file, text, home: '/root', localUser: 'root', readIncluded: async (p) => [{ file: p, text: await fs.readFile(p, 'utf8') }] });
      const run = promisify(execFile);
      for (const c of parsed.candidates) {
        const { stdout } = await run('ssh', ['-G', '-F', file, c.site.name]);
        const g = new Map<string, string[]>();
        for (const line of stdout.split('\n')) {
          const [k, ...v] = line.split(' ');
          if (k) g.set(k, [...(g.get(k) ?? []), v.join(' ')]);
        }
        const s = c.site.settings;
        expect(s.host, c.site.name).toBe(g.get('hostname')![0]);
        expect(String(s.port ?? 22), c.site.name).toBe(g.get('port')![0]);
        expect(s.user, c.site.name).toBe(g.get('user')![0]);
        expect(String(s.keepaliveSeconds ?? 0), c.site.name).toBe(g.get('serveraliveinterval')![0]);
        expect(s.identitiesOnly ? 'yes' : 'no', c.site.name).toBe(g.get('identitiesonly')![0]);
        // ssh -G prints key paths before token expansion: expand them with ssh's own values.
        const tokens: Record<string, string> = { h: g.get('hostname')![0]!, r: g.get('user')![0]!, p: g.get('port')![0]!, '%': '%' };
        const sshKey = g.get('identityfile')![0]!.replace(/%(.)/g, (all, t: string) => tokens[t] ?? all);
        if (s.privateKey?.path) expect(sshKey, c.site.name).toBe(s.privateKey.path);
      }
      expect(parsed.candidates.map((c) => c.site.name)).toEqual(['inc-host', 'alpha', 'beta', 'gamma']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
