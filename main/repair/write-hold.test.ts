/**
 * The write test and the hold against real servers: OpenSSH sshd with a home the user cannot
 * write, an internal-sftp chroot whose root belongs to root (with a writable upload/ inside), a
 * home on a tiny tmpfs that is full (mounted and unmounted here), and a NAT-like proxy on loopback
 * that drops idle connections (with a reset, or silently). Each fix is applied and re-checked.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import { generateKey, setupAccount, sshdAvailable, startIdleProxy, startSshd, type GeneratedKey, type IdleProxy, type SshdServer } from '../../e2e/harness/index';
import { applyRepair } from './index';
import { diagnose } from '../diagnose/index';
import { WRITE_TEST_NAME } from '../diagnose/phases/write';

const run = promisify(execFile);
const sshd = sshdAvailable();
if (!sshd.ok) console.warn(`Skipping the write-test and hold tests: ${sshd.reason}`);

const PW = 'Pw-14-write-and-hold';
let dir: string;
let knownHosts: string;
let server: SshdServer;
let chrootRoot: string;
let fullHome: string;
let mounted = false;
let key: GeneratedKey;
const proxies: IdleProxy[] = [];

async function check(target: { host: string; port: number }, request: Partial<ConnectionRequest>, onEvent?: (e: RunEvent) => void, signal?: AbortSignal): Promise<RunResult> {
  return diagnose({ protocol: 'sftp', host: target.host, port: target.port, user: 'nobody', password: PW, timeoutMs: 6000, ...request }, { defaultKnownHostsPath: knownHosts, agentSocket: '', ...(onEvent ? { onEvent } : {}), ...(signal ? { signal } : {}) });
}

const evidence = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');
const testFiles = async (folder: string) => (await fs.readdir(folder)).filter((n) => WRITE_TEST_NAME.test(n));

describe.skipIf(!sshd.ok)('write test and hold against real servers', () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'write-hold-test-'));
    knownHosts = path.join(dir, 'known_hosts');
    // A chroot's every path component must belong to root and be writable by nobody else: not under /tmp.
    chrootRoot = await fs.mkdtemp('/srv/sftp-doctor-chroot-');
    key = await generateKey('ed25519', dir, 'speed_key');
    const [, , , chroot, full] = await Promise.all([
      setupAccount({ name: 'sd14ok', password: PW, authorizedKeys: [key.publicKey] }),
      setupAccount({ name: 'sd14ro', password: PW, homeMode: 0o555 }),
      setupAccount({ name: 'sd14off', password: PW, homeMode: 0o555 }),
      setupAccount({ name: 'sd14jail', password: PW }),
      setupAccount({ name: 'sd14full', password: PW }),
    ]);
    await fs.chmod(chrootRoot, 0o755);
    await fs.mkdir(path.join(chrootRoot, 'upload'));
    await fs.mkdir(path.join(chrootRoot, 'readme'));
    await fs.chown(path.join(chrootRoot, 'upload'), chroot.uid, chroot.uid);
    // A full home: a 64 KiB tmpfs belonging to the user, filled to the last byte by root.
    fullHome = full.home;
    await run('mount', ['-t', 'tmpfs', '-o', `size=64k,mode=755,uid=${full.uid},gid=${full.uid}`, 'tmpfs', fullHome]);
    mounted = true;
    await run('dd', ['if=/dev/zero', `of=${path.join(fullHome, 'filler')}`, 'bs=4k']).catch(() => undefined);
    server = await startSshd({ extraConfig: `Match User sd14jail\n  ChrootDirectory ${chrootRoot}\n  ForceCommand internal-sftp\n` });
    await fs.writeFile(knownHosts, `${server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n')}\n`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), ...proxies.map((p) => p.stop())]);
    if (mounted) await run('umount', [fullHome]).catch(() => run('umount', ['-l', fullHome]));
    if (chrootRoot) await fs.rm(chrootRoot, { recursive: true, force: true });
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('OK: writes, reads back, renames and removes a test file in two round trips; removes old leftovers, keeps fresh ones', async () => {
    const home = '/home/sd14ok';
    const old = 'sftp-doctor-write-test-20200101T000000Z-0badc0de.tmp';
    const fresh = `sftp-doctor-write-test-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-12345678.tmp`;
    await fs.writeFile(path.join(home, old), 'left behind by a crash');
    await fs.writeFile(path.join(home, fresh), 'another run going on right now');
    const events: RunEvent[] = [];
    const r = await check(server, { user: 'sd14ok' }, (e) => events.push(e));
    expect(r.diagnosis.code).toBe('OK');
    expect(r.diagnosis.title).toBe('Everything works');
    expect(r.facts.write).toMatchObject({ stage: 'done', folder: home, bytes: 4096, roundTrips: 2, requests: 8, leftoversRemoved: [old] });
    expect(r.steps.find((s) => s.phase === 'write')?.status).toBe('ok');
    expect(r.steps.find((s) => s.phase === 'hold')).toMatchObject({ status: 'skipped', detail: 'Not asked for' });
    expect(evidence(r)).toMatch(/Write test: 4096 bytes written, read back, renamed and removed in \/home\/sd14ok/);
    // The stepper's events: the new step ran live, with a progress line naming the file.
    expect(events.some((e) => e.type === 'phase' && e.phase === 'write' && e.status === 'running' && /Creating sftp-doctor-write-test-/.test(e.detail))).toBe(true);
    expect(await testFiles(home)).toEqual([fresh]);
    await fs.rm(path.join(home, fresh));
  });

  it('write test switched off: OK_READ_ONLY, never "Everything works", even where writing would fail', async () => {
    const r = await check(server, { user: 'sd14off', writeTest: false });
    expect(r.diagnosis.code).toBe('OK_READ_ONLY');
    expect(r.diagnosis.ok).toBe(true);
    expect(r.diagnosis.title).not.toMatch(/Everything works/);
    expect(r.diagnosis.title).toMatch(/uploading was not checked/);
    expect(r.steps.find((s) => s.phase === 'write')).toMatchObject({ status: 'skipped' });
  });

  it('SFTP_WRITE_DENIED: a home at mode 555 is named a permission mistake, with owner, mode and the server answer', async () => {
    const r = await check(server, { user: 'sd14ro' });
    expect(r.diagnosis.code).toBe('SFTP_WRITE_DENIED');
    expect(r.diagnosis.ok).toBe(false);
    expect(r.diagnosis.phase).toBe('write');
    const uid = Number((await run('id', ['-u', 'sd14ro'])).stdout.trim());
    expect(evidence(r)).toContain(`Folder owner and mode: uid ${uid}, gid ${uid}, mode 555`);
    expect(evidence(r)).toMatch(/creating the file \(OPEN\): SFTP status 3 \(permission denied\), "Permission denied"/);
    expect(evidence(r)).toMatch(/permission mistake/);
    expect(r.diagnosis.fixes).toEqual([]);
    expect(r.diagnosis.actions).toMatchObject([{ type: 'ask-admin', topic: 'folder-access' }]);
    expect(await testFiles('/home/sd14ro')).toEqual([]);
  });

  it('SFTP_WRITE_DENIED in a root-owned chroot: finds upload/, and use-remote-folder re-checks to OK', async () => {
    const before = await check(server, { user: 'sd14jail' });
    expect(before.diagnosis.code).toBe('SFTP_WRITE_DENIED');
    expect(before.facts.write?.folderAttrs).toMatchObject({ uid: 0, mode: 0o755 });
    expect(before.facts.write?.writableNearby).toEqual(['/upload']);
    expect(evidence(before)).toMatch(/Read-only by design: the folder belongs to root/);
    const fix = before.diagnosis.fixes[0]!;
    expect(fix).toMatchObject({ id: 'use-remote-folder', kind: 'form', params: { path: '/upload' } });
    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user: 'sd14jail', password: PW, timeoutMs: 6000 };
    const applied = await applyRepair({ request, result: before, defaultKnownHostsPath: knownHosts }, 'use-remote-folder', { confirmed: true });
    expect(applied.settings).toEqual({ startPath: '/upload' });
    expect(applied.nextRequest?.startPath).toBe('/upload');
    const after = await check(server, applied.nextRequest!);
    expect(after.diagnosis.code).toBe('OK');
    expect(after.facts.write).toMatchObject({ stage: 'done', folder: '/upload' });
    expect(await testFiles(path.join(chrootRoot, 'upload'))).toEqual([]);
    expect(await testFiles(chrootRoot)).toEqual([]);
  });

  it('SFTP_DISK_FULL: a full tmpfs home answers only "Failure"; statvfs shows 0 bytes free and says quotas are not known', async () => {
    const r = await check(server, { user: 'sd14full' });
    expect(r.diagnosis.code).toBe('SFTP_DISK_FULL');
    expect(r.facts.write?.refusal).toMatchObject({ request: 'write', code: 4, message: 'Failure' });
    expect(r.facts.write?.space).toMatchObject({ freeBytes: 0, totalBytes: 65536, readOnly: false });
    expect(evidence(r)).toMatch(/Free space \(as the server reports it\): 0 bytes of 64\.0 KiB/);
    expect(evidence(r)).toMatch(/quota/i);
    expect(await testFiles(fullHome)).toEqual([]);
  });

  it('Cancel in the middle of the write test leaves nothing behind', async () => {
    const ac = new AbortController();
    const r = await check(server, { user: 'sd14ok' }, (e) => {
      if (e.type === 'phase' && e.phase === 'write' && /Writing, reading back/.test(e.detail)) ac.abort();
    }, ac.signal);
    expect(r.diagnosis.code).toBe('CANCELLED');
    expect(await testFiles('/home/sd14ok')).toEqual([]);
  });

  it('--speed: 8 MiB up and down with fastPut/fastGet, verified, removed, beside OpenSSH sftp with the same key', async () => {
    const events: RunEvent[] = [];
    const r = await check(server, { user: 'sd14ok', password: undefined, privateKey: { path: key.path }, speedTest: true }, (e) => events.push(e));
    expect(r.diagnosis.code).toBe('OK');
    const s = r.facts.speed!;
    expect(s).toMatchObject({ bytes: 8 * 1024 * 1024, verified: true });
    expect(s.uploadMBps).toBeGreaterThan(0);
    expect(s.downloadMBps).toBeGreaterThan(0);
    expect(s.openssh && 'uploadMBps' in s.openssh ? s.openssh.uploadMBps : 0).toBeGreaterThan(0);
    expect(r.steps.find((x) => x.phase === 'speed')?.detail).toMatch(/^Up [\d.]+ MB\/s, down [\d.]+ MB\/s; OpenSSH sftp: up/);
    expect(evidence(r)).toMatch(/Transfer speed \(ours, ssh2\): up [\d.]+ MB\/s, down [\d.]+ MB\/s with 8\.0 MiB/);
    expect(events.some((e) => e.type === 'phase' && e.phase === 'speed' && /Uploading 8 MiB/.test(e.detail))).toBe(true);
    expect((await fs.readdir('/home/sd14ok')).filter((n) => n.startsWith('sftp-doctor-'))).toEqual([]);
  }, 60_000);

  it('--speed with a password: ours measured, OpenSSH not asked (it would need the password typed)', async () => {
    const r = await check(server, { user: 'sd14ok', speedTest: true });
    expect(r.facts.speed?.openssh).toEqual({ unavailable: expect.stringMatching(/cannot log in here without asking/) });
    expect(r.facts.speed?.verified).toBe(true);
  }, 60_000);

  for (const style of ['reset', 'blackhole'] as const) {
    it(`SESSION_DROPPED_IDLE behind a proxy that drops idle connections (${style}); the keepalive fix holds as long and passes`, async () => {
      const proxy = await startIdleProxy({ target: server, idleMs: 1500, style, maxLifetimeMs: 30_000 });
      proxies.push(proxy);
      await fs.appendFile(knownHosts, `${server.hostKeys.map((k) => `[${proxy.host}]:${proxy.port} ${k.publicKey}`).join('\n')}\n`);
      const request: ConnectionRequest = { protocol: 'sftp', host: proxy.host, port: proxy.port, user: 'sd14ok', password: PW, timeoutMs: 4000, holdSeconds: 3 };
      const events: RunEvent[] = [];
      const before = await check(proxy, request, (e) => events.push(e));
      expect(before.diagnosis.code).toBe('SESSION_DROPPED_IDLE');
      expect(before.diagnosis.phase).toBe('hold');
      expect(events.some((e) => e.type === 'phase' && e.phase === 'hold' && /Idle for \d+ of 3 s/.test(e.detail))).toBe(true);
      const hold = before.facts.hold!;
      if (style === 'reset') {
        expect(hold).toMatchObject({ outcome: 'reset', exact: true });
        expect(hold.survivedMs).toBeGreaterThanOrEqual(1400);
        expect(hold.survivedMs).toBeLessThan(3000);
      } else {
        expect(hold).toMatchObject({ outcome: 'silent', exact: false, survivedMs: 3000 });
      }
      const fix = before.diagnosis.fixes.find((f) => f.id === 'keepalive');
      expect(fix?.params).toEqual({ seconds: 1 });
      const applied = await applyRepair({ request, result: before, defaultKnownHostsPath: knownHosts }, 'keepalive', { confirmed: true });
      expect(applied.nextRequest).toMatchObject({ keepaliveSeconds: 1, holdSeconds: 3 });
      const after = await check(proxy, applied.nextRequest!);
      expect(after.diagnosis.code).toBe('OK');
      expect(after.facts.hold).toMatchObject({ outcome: 'alive', seconds: 3, keepaliveSeconds: 1 });
      expect(evidence(after)).toMatch(/Stayed connected: 3 s idle with a keepalive every 1 s/);
      expect(proxy.dropped()).toBe(1);
    }, 30_000);
  }
});
