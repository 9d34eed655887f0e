import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import { addHostKey } from '../store/known-hosts';
import { SiteStore } from '../store/sites';
import { planRepair } from './index';
import { check, ENGINE_HAS_AUTH, repairOnce, tempDir, WORKING } from './test-helpers';

const sshd = sshdAvailable();
const USER = 'sdrepsite';
const PASSWORD = 'site-fix-pw-1';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('site');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!sshd.ok)('per-site settings against real servers', () => {
  let legacy: SshdServer;
  let kh: string;
  let sites: SiteStore;
  beforeAll(async () => {
    [legacy] = await Promise.all([startSshd({ config: { Ciphers: 'aes128-cbc,3des-cbc' } }), ensureUser({ name: USER, password: PASSWORD })]);
    kh = path.join(dir, 'known_hosts');
    for (const k of legacy.hostKeys) await addHostKey(kh, legacy.host, legacy.port, k.publicKey);
    sites = new SiteStore({ dataDir: path.join(dir, 'data') });
  });
  afterAll(async () => {
    await legacy?.stop();
  });

  it('allow-legacy-algorithms: names each weak algorithm and its risk, stores them with this site only, and connects', async () => {
    const other = await sites.save({ name: 'Other', folder: '', settings: { protocol: 'sftp', host: 'other.example', user: 'x' } });
    const site = await sites.save({ name: 'Old box', folder: 'Work', settings: { protocol: 'sftp', host: legacy.host, port: legacy.port, user: USER } });
    const request = { protocol: 'sftp' as const, host: legacy.host, port: legacy.port, user: USER, password: PASSWORD, siteId: site.id };
    const before = await check(request, kh);
    expect(before.diagnosis.code).toBe('KEX_NO_COMMON_ALGORITHM');

    const plan = await planRepair({ request, result: before, defaultKnownHostsPath: kh, sites }, 'allow-legacy-algorithms');
    // The least weak cipher the server offers, not every one (3des-cbc stays off).
    expect(plan.changes[0]).toBe('Allow this weak algorithm for this site only: aes128-cbc (encryption)');
    expect(plan.changes).toContain('Stored with this saved site only (no other site changes).');
    expect(plan.notes?.find((n) => n.startsWith('3des-cbc:'))).toBeUndefined();
    expect(plan.notes?.find((n) => n.startsWith('aes128-cbc:'))).toMatch(/CBC/);

    await expect(repairOnce(request, kh, 'allow-legacy-algorithms', { confirmed: false }, { sites })).rejects.toMatchObject({ code: 'NEEDS_CONFIRMATION' });
    const sitesBefore = await fs.readFile(sites.file, 'utf8');
    const r = await repairOnce(request, kh, 'allow-legacy-algorithms', { confirmed: true }, { sites, logFile: path.join(dir, 'repairs.log') });
    expect(r.applied.settings).toEqual({ legacyAlgorithms: ['aes128-cbc'] });
    expect(r.after?.diagnosis.code).toBe(WORKING);
    expect(r.after?.steps.find((s) => s.phase === 'kex')?.status).toBe('warn');
    expect((await sites.get(site.id))?.settings.legacyAlgorithms).toEqual(['aes128-cbc']);
    expect((await sites.get(other.id))?.settings).toEqual(other.settings);
    expect(r.applied.backups).toEqual([`${sites.file}.bak`]);
    expect(await fs.readFile(`${sites.file}.bak`, 'utf8')).toBe(sitesBefore);
    const log = (await fs.readFile(path.join(dir, 'repairs.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { fix: string; changes: string[] });
    expect(log.at(-1)).toMatchObject({ fix: 'allow-legacy-algorithms' });
    expect(JSON.stringify(log)).not.toContain(PASSWORD);
  });

  it('allow-legacy-algorithms without a saved site: only the form changes', async () => {
    const request = { protocol: 'sftp' as const, host: legacy.host, port: legacy.port, user: USER, password: PASSWORD };
    const listed = await sites.list();
    const r = await repairOnce(request, kh, 'allow-legacy-algorithms', { confirmed: true }, { sites });
    expect(r.applied.settings).toEqual({ legacyAlgorithms: ['aes128-cbc'] });
    expect(r.applied.message).toMatch(/press Save/);
    expect(await sites.list()).toEqual(listed);
    expect(r.after?.diagnosis.code).toBe(WORKING);
  });

  it('keepalive: stored with the saved site; the re-check still works', async () => {
    const site = await sites.save({ name: 'Keepalive', folder: '', settings: { protocol: 'sftp', host: legacy.host, port: legacy.port, user: USER, legacyAlgorithms: ['aes128-cbc'] } });
    const request = { protocol: 'sftp' as const, host: legacy.host, port: legacy.port, user: USER, password: PASSWORD, legacyAlgorithms: ['aes128-cbc'], siteId: site.id };
    const r = await repairOnce(request, kh, 'keepalive', { confirmed: false }, { sites });
    expect(r.applied.settings).toEqual({ keepaliveSeconds: 30 });
    expect((await sites.get(site.id))?.settings).toMatchObject({ keepaliveSeconds: 30, legacyAlgorithms: ['aes128-cbc'] });
    expect(r.after?.diagnosis.code).toBe(WORKING);
  });
});

describe.skipIf(!sshd.ok || !ENGINE_HAS_AUTH)('per-site settings that need the login phases', () => {
  it('use-scp: SFTP_SUBSYSTEM_UNAVAILABLE, then SCP for this site', async () => {
    const server = await startSshd({ config: { Subsystem: null } });
    try {
      const kh = path.join(dir, 'known_hosts_scp');
      for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
      await ensureUser({ name: USER, password: PASSWORD });
      const r = await repairOnce({ protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PASSWORD }, kh, 'use-scp', { confirmed: true });
      expect(r.before.diagnosis.code).toBe('SFTP_SUBSYSTEM_UNAVAILABLE');
      expect(r.applied.settings).toEqual({ protocol: 'scp' });
      expect(r.after?.diagnosis.code).not.toBe('SFTP_SUBSYSTEM_UNAVAILABLE');
    } finally {
      await server.stop();
    }
  });
});
