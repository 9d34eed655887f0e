/**
 * The path flags from the command line, against real servers: --jump (with --jump-password-env),
 * --proxy (SOCKS5 with --proxy-password-env), a saved site holding both, and the jump host's own
 * host-key fix through `repair --fix trust-host-key`, re-checked.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dantedAvailable, setupAccount, sshdAvailable, startDanted, startSshd, type ProxyServer, type SshdServer } from '../../../e2e/harness/index';
import { SiteStore } from '../../store/sites';
import { cliRunner } from '../test-cli';

const USER = 'sdclipath';
const PW = 'Cli-Path-Pw-7';
const SOCKS_USER = 'sdclisocks';
const SOCKS_PW = 'Cli-Socks-Pw-2';

let home: string;
const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home, PW, JPW: PW, SPW: SOCKS_PW }));

describe('path flags: usage errors', () => {
  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-path-'));
  });
  it.each([
    [['--proxy', 'ftp://p.invalid:21'], /"ftp:\/\/" proxies are not supported/],
    [['--proxy', 'socks5://u:Hunter2x@p.invalid:1080'], /environment variable/],
    [['--proxy', 'socks5://p.invalid:1080', '--proxy-password-env', 'SPW'], /has no user name/],
    [['--jump', 'bad host'], /--jump: "bad host" is not \[user@\]host\[:port\]/],
    [['--jump', 'j.invalid:99999'], /"99999" is not a port number/],
    [['--jump-password-env', 'JPW'], /needs a jump host/],
  ])('%j is refused with a clear message (exit 2)', async (flags, message) => {
    const r = await cli(['diagnose', ...flags, 'sftp://u@h.invalid']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('Hunter2x');
  });
});

describe.skipIf(!sshdAvailable().ok || !dantedAvailable().ok)('sftp-doctor diagnose and repair through a path', () => {
  let target: SshdServer;
  let jump: SshdServer;
  let socks: ProxyServer;
  let kh: string;
  beforeAll(async () => {
    home ??= await fs.mkdtemp(path.join(os.tmpdir(), 'cli-path-'));
    await setupAccount({ name: USER, password: PW });
    [target, jump, socks] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), startSshd({ hostKeyTypes: ['ed25519'] }), startDanted({ account: { name: SOCKS_USER, password: SOCKS_PW } })]);
    kh = path.join(home, 'known_hosts');
    await fs.writeFile(kh, [target, jump].map((s) => `[${s.host}]:${s.port} ${s.hostKeys[0]!.publicKey}`).join('\n') + '\n');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([target?.stop(), jump?.stop(), socks?.stop()]);
    await fs.rm(home, { recursive: true, force: true });
  });

  it('--proxy socks5://USER@... --jump USER@... : OK, the hops printed in order under their own headings, no password anywhere', async () => {
    const r = await cli([
      'diagnose', '--password-env', 'PW', '--known-hosts', kh, '--timeout', '8',
      '--proxy', `socks5://${SOCKS_USER}@${socks.host}:${socks.port}`, '--proxy-password-env', 'SPW',
      '--jump', `${USER}@${jump.host}:${jump.port}`, '--jump-password-env', 'JPW',
      `sftp://${USER}@${target.host}:${target.port}`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const jumpHeading = r.stdout.indexOf(`Jump host ${jump.host}:${jump.port}:`);
    const serverHeading = r.stdout.indexOf('Server:');
    expect(jumpHeading).toBeGreaterThan(-1);
    expect(serverHeading).toBeGreaterThan(jumpHeading);
    expect(r.stdout).toMatch(/Through the proxy socks5:\/\//);
    expect(r.stdout).toMatch(/Path: socks5:\/\/.* → jump sdclipath@.* → /);
    expect(r.stdout).not.toContain(PW);
    expect(r.stdout).not.toContain(SOCKS_PW);
  });

  it('a saved site keeps its path; the jump password comes from the environment; --json shows the hop of each step', async () => {
    const store = new SiteStore({ dataDir: home });
    await store.save({ name: 'Behind bastion', folder: 'Work', settings: { protocol: 'sftp', host: target.host, port: target.port, user: USER, knownHostsPath: kh, jumpHosts: [{ host: jump.host, port: jump.port }] } });
    const r = await cli(['diagnose', '--json', '--password-env', 'PW', '--jump-password-env', 'JPW', 'Work/Behind bastion']);
    const out = JSON.parse(r.stdout) as { code: string; steps: { phase: string; hop?: number; status: string }[] };
    expect(out.code).toBe('OK');
    expect(out.steps.filter((s) => s.hop === 0).map((s) => s.phase)).toEqual(['dns', 'tcp', 'banner', 'kex', 'hostkey', 'auth']);
    const saved = JSON.parse(await fs.readFile(path.join(home, 'sites.json'), 'utf8')) as { sites: { settings: Record<string, unknown> }[] };
    expect(saved.sites[0]!.settings.jumpHosts).toEqual([{ host: jump.host, port: jump.port }]);
    expect(JSON.stringify(saved)).not.toContain(PW);
  });

  it('repair --fix trust-host-key trusts the jump host\'s key (fingerprint checked), then the re-check connects', async () => {
    const onlyTarget = path.join(home, 'kh_target_only');
    await fs.writeFile(onlyTarget, `[${target.host}]:${target.port} ${target.hostKeys[0]!.publicKey}\n`);
    const first = await cli(['diagnose', '--json', '--password-env', 'PW', '--known-hosts', onlyTarget, '--jump', `${jump.host}:${jump.port}`, '--jump-password-env', 'JPW', `sftp://${USER}@${target.host}:${target.port}`]);
    const d = JSON.parse(first.stdout) as { code: string; fixes: { id: string; params: Record<string, unknown> }[] };
    expect(d.code).toBe('JUMP_HOST_FAILED');
    expect(d.fixes.find((f) => f.id === 'trust-host-key')?.params).toMatchObject({ host: jump.host, port: jump.port });
    const r = await cli([
      'repair', '--json', '--yes', '--fix', 'trust-host-key', '--trust-host-key', jump.hostKeys[0]!.sha256, '--password-env', 'PW', '--known-hosts', onlyTarget,
      '--jump', `${jump.host}:${jump.port}`, '--jump-password-env', 'JPW', `sftp://${USER}@${target.host}:${target.port}`,
    ]);
    const out = JSON.parse(r.stdout) as { ok: boolean; code: string; rounds: { diagnosis: { code: string }; appliedFix: { id: string } | null; result: { code: string } | null }[] };
    expect(out.rounds.map((x) => [x.diagnosis.code, x.appliedFix?.id, x.result?.code])).toEqual([['JUMP_HOST_FAILED', 'trust-host-key', 'OK']]);
    expect(out).toMatchObject({ ok: true, code: 'OK' });
    expect(await fs.readFile(onlyTarget, 'utf8')).toContain(`[${jump.host}]:${jump.port} ${jump.hostKeys[0]!.publicKey}`);
  });
});
