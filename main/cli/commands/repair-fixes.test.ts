/**
 * `sftp-doctor repair` against real sshd servers that need a fix: weak algorithms in several
 * categories (one round, the least weak choice each), a missing SFTP server program (SCP instead),
 * and where the fixed settings are kept (--save-site, a saved site as target, this run only).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';
import { addHostKey } from '../../store/known-hosts';
import { SiteStore } from '../../store/sites';
import { cliRunner } from '../test-cli';

const USER = 'sdrepfix';
const PASSWORD = 'repair-fixes-pw-1';

let home: string;
const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home, PW: PASSWORD }));

interface JsonOut {
  rounds: { diagnosis: { code: string; fixes: { id: string; params: Record<string, unknown> }[] }; appliedFix: { id: string; applied: boolean; changes: string[]; settings?: Record<string, unknown>; plan?: { notes?: string[] } } | null; result: { code: string; evidence: { label: string; value: string }[] } | null }[];
  ok: boolean;
  code: string;
  savedSite: { id: string; name: string; created: boolean } | null;
}

async function knownHosts(server: SshdServer, name: string): Promise<string> {
  const kh = path.join(home, name);
  for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
  return kh;
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-repair-fixes-'));
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe.skipIf(!sshdAvailable().ok)('sftp-doctor repair: fixes that need more than one thing', () => {
  let legacy: SshdServer;
  beforeAll(async () => {
    [legacy] = await Promise.all([
      // Weak only, in four categories, each with a weaker and a less weak choice.
      startSshd({
        hostKeyTypes: ['dsa'],
        config: {
          KexAlgorithms: 'diffie-hellman-group1-sha1,diffie-hellman-group14-sha1',
          HostKeyAlgorithms: 'ssh-dss',
          Ciphers: '3des-cbc,aes128-cbc',
          MACs: 'hmac-md5,hmac-sha1-96',
        },
      }),
      ensureUser({ name: USER, password: PASSWORD }),
    ]);
  });
  afterAll(async () => {
    await legacy?.stop();
  });

  it('weak algorithms in four categories: one round, the least weak of each, each with its risk, for a bare host; "this run only"', async () => {
    const kh = await knownHosts(legacy, 'kh-legacy');
    const r = await cli(['repair', '--json', '--yes', '--fix', 'allow-legacy-algorithms', '--known-hosts', kh, '--password-env', 'PW', '--timeout', '6', `${USER}@${legacy.host}:${legacy.port}`]);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.rounds.map((x) => [x.diagnosis.code, x.appliedFix?.id, x.result?.code])).toEqual([['KEX_NO_COMMON_ALGORITHM', 'allow-legacy-algorithms', 'OK']]);
    expect(out).toMatchObject({ ok: true, code: 'OK', savedSite: null });
    const expected = ['diffie-hellman-group14-sha1', 'ssh-dss', 'aes128-cbc', 'hmac-sha1-96'];
    const fix = out.rounds[0]!.diagnosis.fixes.find((f) => f.id === 'allow-legacy-algorithms');
    expect(fix?.params).toMatchObject({ algorithms: expected, categories: ['kex', 'serverHostKey', 'cipher', 'mac'] });
    expect((fix?.params.risks as string[]).every((t) => t.length > 20)).toBe(true);
    expect(out.rounds[0]!.appliedFix?.settings).toEqual({ legacyAlgorithms: expected });
    // Each algorithm is listed with why it is weak before it is enabled.
    const notes = out.rounds[0]!.appliedFix?.plan?.notes ?? [];
    for (const a of expected) expect(notes.some((n) => n.startsWith(`${a}: `))).toBe(true);
    expect(r.code).toBe(0);

    const human = await cli(['repair', '--yes', '--fix', 'allow-legacy-algorithms', '--known-hosts', kh, '--password-env', 'PW', '--timeout', '6', `${USER}@${legacy.host}:${legacy.port}`]);
    expect(human.stdout).toContain('Allow these weak algorithms for this site only: diffie-hellman-group14-sha1 (key exchange), ssh-dss (server key type), aes128-cbc (encryption), hmac-sha1-96 (integrity check)');
    expect(human.stdout).toMatch(/! diffie-hellman-group14-sha1: .*SHA-1/);
    expect(human.stdout).toMatch(/! aes128-cbc: .*CBC/);
    expect(human.stdout).not.toMatch(/diffie-hellman-group1-sha1|3des-cbc|hmac-md5/);
    expect(human.stdout).toMatch(/Fixed: connected in/);
    expect(human.stdout).toContain('These changes were for this run only. To keep them, run again with --save-site NAME');
    expect(human.code).toBe(0);
  });

  it('--save-site NAME keeps the fix: a later diagnose of that site connects with no flag', async () => {
    const kh = await knownHosts(legacy, 'kh-save');
    const r = await cli(['repair', '--yes', '--fix', 'allow-legacy-algorithms', '--save-site', 'Old/Box', '--known-hosts', kh, '--password-env', 'PW', '--timeout', '6', `${USER}@${legacy.host}:${legacy.port}`]);
    expect(r.stdout).toContain('Saved to site "Old/Box" (new)');
    expect(r.code).toBe(0);
    const sites = await new SiteStore({ dataDir: home }).findByName('Old/Box');
    expect(sites).toHaveLength(1);
    expect(sites[0]!.settings).toMatchObject({ host: legacy.host, port: legacy.port, user: USER, legacyAlgorithms: ['diffie-hellman-group14-sha1', 'ssh-dss', 'aes128-cbc', 'hmac-sha1-96'] });
    expect(JSON.stringify(sites[0])).not.toContain(PASSWORD);
    const again = await cli(['diagnose', '--json', '--password-env', 'PW', 'Old/Box']);
    expect((JSON.parse(again.stdout) as { code: string }).code).toBe('OK');
  });

  it('a saved site as target keeps the fix in that site and says so', async () => {
    const kh = await knownHosts(legacy, 'kh-site');
    const store = new SiteStore({ dataDir: home });
    const site = await store.save({ name: 'Legacy target', folder: '', settings: { protocol: 'sftp', host: legacy.host, port: legacy.port, user: USER, knownHostsPath: kh, timeoutMs: 6000 } });
    const r = await cli(['repair', '--yes', '--fix', 'allow-legacy-algorithms', '--password-env', 'PW', 'Legacy target']);
    expect(r.stdout).toContain('Saved to site "Legacy target"');
    expect(r.code).toBe(0);
    expect((await store.get(site.id))?.settings.legacyAlgorithms).toEqual(['diffie-hellman-group14-sha1', 'ssh-dss', 'aes128-cbc', 'hmac-sha1-96']);
  });
});

describe.skipIf(!sshdAvailable().ok)('sftp-doctor repair: the SFTP server program is missing (exit status 127)', () => {
  let server: SshdServer;
  beforeAll(async () => {
    [server] = await Promise.all([startSshd({ config: { Subsystem: 'sftp /nonexistent/sftp-server' } }), ensureUser({ name: USER, password: PASSWORD })]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('offers SCP instead, and applying it connects over SCP', async () => {
    const kh = await knownHosts(server, 'kh-127');
    const r = await cli(['repair', '--json', '--yes', '--fix', 'use-scp', '--known-hosts', kh, '--password-env', 'PW', '--timeout', '6', `${USER}@${server.host}:${server.port}`]);
    const out = JSON.parse(r.stdout) as JsonOut;
    const first = out.rounds[0]!;
    expect(first.diagnosis.code).toBe('SESSION_CLOSED_AFTER_AUTH');
    expect(first.diagnosis.fixes.map((f) => f.id)).toEqual(['use-scp']);
    expect(first.appliedFix).toMatchObject({ id: 'use-scp', applied: true, settings: { protocol: 'scp' } });
    // Connected over SCP: a success with the note that uploading was not checked.
    expect(out).toMatchObject({ ok: true, code: 'OK_READ_ONLY' });
    expect(first.result?.evidence.find((e) => e.label === 'SCP')?.value).toMatch(/scp answered/);
    expect(r.code).toBe(0);
  });
});

describe('sftp-doctor repair --save-site: usage', () => {
  it('an empty name, or one that matches several sites, is a usage error before anything is checked', async () => {
    expect((await cli(['repair', '--yes', '--save-site', ' / ', 'h.invalid'])).code).toBe(2);
    const store = new SiteStore({ dataDir: home });
    await store.save({ name: 'Twin', folder: 'A', settings: { protocol: 'sftp', host: 'a.invalid', user: 'x' } });
    await store.save({ name: 'Twin', folder: 'B', settings: { protocol: 'sftp', host: 'b.invalid', user: 'x' } });
    const r = await cli(['repair', '--yes', '--save-site', 'Twin', 'h.invalid']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/matches several saved sites/);
  });
});
