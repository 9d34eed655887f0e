/**
 * Include and Match as ssh itself reads them: OpenSSH's `ssh -G` is the oracle for what each
 * host resolves to (HostName, User, Port, ProxyJump), on a config of Includes (a glob, nested
 * files) and Match blocks of every kind we evaluate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource, type ImportEnvironment } from './index';
import { localUserName, parseOpenSshConfig } from './openssh';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sftp-doctor-match-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const me = localUserName();

mkdirSync(path.join(dir, 'conf.d'));
writeFileSync(path.join(dir, 'conf.d', '10-extra.conf'), `Host extra\n    HostName extra.example.invalid\n    Port 2300\n    Include ${dir}/nested.inc\n`);
writeFileSync(path.join(dir, 'conf.d', '20-more.conf'), 'Host more\n    HostName more.example.invalid\n');
writeFileSync(path.join(dir, 'conf.d', 'ignored.txt'), 'Host ignored-by-glob\n');
writeFileSync(path.join(dir, 'nested.inc'), 'User nested-user\n');
const config = path.join(dir, 'config');
writeFileSync(
  config,
  `Include ${dir}/conf.d/*.conf

Host web
    HostName web.example.invalid
Host db
    HostName db.example.invalid
    User dbadmin
Host inner
    HostName inner.example.invalid
Host plain

Match host *.example.invalid user dbadmin
    Port 2201
Match originalhost web
    User webuser
Match host inner.example.invalid
    ProxyJump bastion.example.invalid
Match !host *.example.invalid
    HostName plain.fallback.invalid
Match localuser ${me} !originalhost db
    Port 2222
Match final host more.example.invalid
    ProxyJump final-jump.example.invalid
Match canonical originalhost plain
    ProxyJump canonical-jump.example.invalid
Match user nobody-here
    Port 9999
Host *
    User fallback
`,
);

function sshG(alias: string): Record<string, string> {
  const out = execFileSync('ssh', ['-G', '-F', config, alias], { encoding: 'utf8' });
  const values: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && values[line.slice(0, sp)] === undefined) values[line.slice(0, sp)] = line.slice(sp + 1);
  }
  return values;
}

describe('ssh config Include and Match, checked against ssh -G', () => {
  it('every host resolves to what ssh -G says', async () => {
    const parsed = await parseOpenSshConfig({
      file: config,
      text: (await import('node:fs')).readFileSync(config, 'utf8'),
      home: dir,
      localUser: me,
      readIncluded: async (pattern) => {
        const { globFiles } = await import('./index');
        const { readFileSync } = await import('node:fs');
        return (await globFiles(pattern)).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
      },
    });
    const names = parsed.candidates.map((c) => c.site.name);
    expect(names).toEqual(['extra', 'more', 'web', 'db', 'inner', 'plain']);
    for (const c of parsed.candidates) {
      const g = sshG(c.site.name);
      const s = c.site.settings;
      const got = { host: s.host, user: s.user, port: String(s.port ?? 22), jump: s.jumpHosts?.map((h) => h.host).join(',') ?? 'none' };
      expect(got, c.site.name).toEqual({ host: g.hostname, user: g.user, port: g.port, jump: g.proxyjump ?? 'none' });
    }
    // The checks that matter were really exercised (not all "fallback"):
    const by = new Map(parsed.candidates.map((c) => [c.site.name, c.site.settings]));
    expect(by.get('db')).toMatchObject({ user: 'dbadmin', port: 2201 });
    expect(by.get('web')).toMatchObject({ user: 'webuser', port: 2222 });
    // Only the final pass (which a "Match final" asks for) applies these two; values set in the first pass stay.
    expect(by.get('more')).toMatchObject({ user: 'fallback', jumpHosts: [{ host: 'final-jump.example.invalid' }] });
    expect(by.get('extra')).toMatchObject({ user: 'nested-user', port: 2300 });
    expect(by.get('plain')).toMatchObject({ host: 'plain.fallback.invalid', jumpHosts: [{ host: 'canonical-jump.example.invalid' }] });
    expect(parsed.files).not.toContain(path.join(dir, 'conf.d', 'ignored.txt'));
  });

  it('never runs Match exec; the sites it would decide say so, the others do not', async () => {
    const marker = path.join(dir, 'exec-ran');
    const text = `Host a b\n    HostName %h.example.invalid\nMatch host a.example.invalid exec "touch ${marker}"\n    User from-exec\n`;
    const parsed = await parseOpenSshConfig({ file: '/c', text, home: '/h', localUser: 'me' });
    expect(existsSync(marker)).toBe(false);
    const [a, b] = parsed.candidates;
    expect(a!.site.settings.user).toBe('me');
    expect(a!.site.notes).toContainEqual(expect.stringMatching(/^Match exec "touch .*exec-ran" \(\/c, line 3\) was not run: SFTP Doctor never runs commands/));
    expect(b!.site.notes ?? []).not.toContainEqual(expect.stringMatching(/Match exec/));
  });

  it('lists what a site cannot hold as "Not carried over", per site', async () => {
    const text = [
      'Host cert',
      '    HostName cert.example.invalid',
      '    IdentityFile ~/.ssh/id_ed25519',
      '    CertificateFile ~/.ssh/id_ed25519-cert.pub',
      '    IdentityAgent ~/.1password/agent.sock',
      '    HostKeyAlias cert-alias',
      'Host agentnone',
      '    IdentityAgent none',
      'Host envagent',
      '    IdentityAgent SSH_AUTH_SOCK',
    ].join('\n');
    const parsed = await parseOpenSshConfig({ file: '/c', text, home: '/home/me', localUser: 'me' });
    const [cert, none, env] = parsed.candidates;
    const note = cert!.site.notes!.find((n) => n.startsWith('Not carried over: '));
    expect(note).toMatch(/CertificateFile \/home\/me\/\.ssh\/id_ed25519-cert\.pub \(SFTP Doctor logs in with the private key alone/);
    expect(note).toMatch(/IdentityAgent \/home\/me\/\.1password\/agent\.sock \(SFTP Doctor asks the agent named by SSH_AUTH_SOCK\)/);
    expect(note).toMatch(/HostKeyAlias cert-alias/);
    expect(cert!.site.settings.privateKey).toEqual({ path: '/home/me/.ssh/id_ed25519' });
    expect(none!.site.settings.useAgent).toBe(false);
    for (const c of [none, env]) expect(c!.site.notes ?? []).not.toContainEqual(expect.stringMatching(/Not carried over/));
  });

  it('relative Include paths are read from ~/.ssh, nested Includes are bounded and loops read once', async () => {
    const env: ImportEnvironment = { home: path.join(__dirname, 'fixtures', 'home'), platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };
    const parsed = await readSource('openssh', undefined, env);
    expect(parsed.files).toContain(path.join(env.home, '.ssh', 'config.d', 'work.conf'));
    const files: Record<string, string> = { '/h/.ssh/loop': 'Include loop\nHost deep\n' };
    const looped = await parseOpenSshConfig({ file: '/h/.ssh/config', text: 'Include loop\n', home: '/h', localUser: 'u', readIncluded: async (p) => (files[p] ? [{ file: p, text: files[p] }] : []) });
    expect(looped.candidates.map((c) => c.site.name)).toEqual(['deep']);
    expect(looped.problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/included more than once/));
  });
});
