import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, freeLoopbackAddress, sshdAvailable, startFakeServer, startSshd, type SshdServer } from '../../e2e/harness/index';
import { addHostKey } from '../store/known-hosts';
import { planRepair, RepairError } from './index';
import { check, ENGINE_HAS_AUTH, repairOnce, tempDir, WORKING } from './test-helpers';

const sshd = sshdAvailable();
const USER = 'sdrepform';
const PASSWORD = 'form-fix-pw-1';

let dir: string;
let n = 0;
const kh = () => path.join(dir, `known_hosts_${++n}`);

beforeAll(async () => {
  dir = await tempDir('form');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!sshd.ok)('form fixes against real servers', () => {
  let server: SshdServer;
  /** A known_hosts that trusts the server, so runs get past the host key. */
  let trusted: string;
  beforeAll(async () => {
    [server] = await Promise.all([startSshd(), ensureUser({ name: USER, password: PASSWORD })]);
    trusted = kh();
    for (const k of server.hostKeys) await addHostKey(trusted, server.host, server.port, k.publicKey);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('split-host-field: a pasted sftp:// URL becomes host, user, port and folder; the re-check connects', async () => {
    const request = { protocol: 'sftp' as const, host: `sftp://${USER}@${server.host}:${server.port}/tmp`, user: '', password: PASSWORD };
    const r = await repairOnce(request, trusted, 'split-host-field', { confirmed: false });
    expect(r.before.diagnosis.code).toBe('INPUT_HOST_FIELD');
    expect(r.applied.settings).toEqual({ host: server.host, user: USER, port: server.port, startPath: '/tmp' });
    expect(r.applied.nextRequest).toMatchObject({ host: server.host, user: USER, port: server.port, startPath: '/tmp', password: PASSWORD });
    expect(r.after?.diagnosis.code).toBe(WORKING);
  });

  it('use-port: a refused port where SSH answers on 22 of the same host switches to 22', async () => {
    const host = freeLoopbackAddress();
    const s22 = await startSshd({ host, port: 22 });
    try {
      const khFile = kh();
      const r = await repairOnce({ protocol: 'sftp', host, port: 2200, user: USER, password: PASSWORD }, khFile, 'use-port', { confirmed: false });
      expect(r.before.diagnosis.code).toBe('TCP_REFUSED');
      expect(r.applied.settings).toEqual({ port: 22 });
      // The next real problem: this server's key is not known yet.
      expect(r.after?.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
      expect(r.after?.facts.tcp?.port).toBe(22);
    } finally {
      await s22.stop();
    }
  });

  it('use-dns-suggestion: www.localhost does not exist, localhost does; the re-check reaches the server', async () => {
    const local = await startSshd({ host: '127.0.0.1' });
    try {
      const r = await repairOnce({ protocol: 'sftp', host: 'www.localhost', port: local.port, user: USER }, kh(), 'use-dns-suggestion', { confirmed: false });
      expect(r.before.diagnosis.code).toBe('DNS_NOT_FOUND');
      expect(r.applied.settings).toEqual({ host: 'localhost' });
      expect(r.after?.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
      expect(r.after?.facts.hostkey?.key.sha256).toBe(local.hostKeys.find((k) => k.type === r.after?.facts.hostkey?.key.type)?.sha256);
    } finally {
      await local.stop();
    }
  });

  it('connect-once: accepts the key for one re-check and writes nothing', async () => {
    const file = kh();
    const r = await repairOnce({ protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PASSWORD }, file, 'connect-once', { confirmed: true });
    expect(r.before.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
    expect(r.applied.nextRequest?.acceptHostKey).toBe(r.before.facts.hostkey?.key.sha256);
    expect(r.after?.diagnosis.code).toBe(WORKING);
    expect(r.after?.facts.hostkey?.status).toBe('accepted-once');
    await expect(fs.stat(file)).rejects.toThrow();
  });

  it('connect-once needs a confirmation, and a fingerprint given must match', async () => {
    const request = { protocol: 'sftp' as const, host: server.host, port: server.port, user: USER };
    await expect(repairOnce(request, kh(), 'connect-once', { confirmed: false })).rejects.toMatchObject({ code: 'NEEDS_CONFIRMATION' });
    await expect(repairOnce(request, kh(), 'connect-once', { confirmed: true, fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).rejects.toBeInstanceOf(RepairError);
  });

  it('trim-whitespace: spaces around the user and password are removed (never shown) and the login works', async () => {
    const request = { protocol: 'sftp' as const, host: server.host, port: server.port, user: ` ${USER} `, password: `${PASSWORD} ` };
    const before = await check(request, trusted);
    if (!ENGINE_HAS_AUTH) {
      // Until the engine logs in, INPUT_WHITESPACE cannot be diagnosed: the transport alone works.
      expect(before.diagnosis.code).toBe('OK_TRANSPORT');
      return;
    }
    const r = await repairOnce(request, trusted, 'trim-whitespace', { confirmed: false });
    expect(r.before.diagnosis.code).toBe('INPUT_WHITESPACE');
    expect(r.applied.changes.join(' ')).not.toContain(PASSWORD);
    expect(r.applied.nextRequest).toMatchObject({ user: USER, password: PASSWORD });
    expect(r.after?.diagnosis.code).toBe('OK');
  });

  it('increase-timeout after a silent server: twice the time, and the re-check still names the silence', async () => {
    const silent = await startFakeServer('silent');
    try {
      const request = { protocol: 'sftp' as const, host: silent.host, port: silent.port, user: USER, timeoutMs: 1000 };
      const before = await check(request, kh());
      expect(before.diagnosis.code).toBe('BANNER_TIMEOUT');
      const plan = await planRepair({ request, result: before, defaultKnownHostsPath: kh() }, 'increase-timeout');
      expect(plan.changes[0]).toBe('Time allowed: 1 s → 2 s');
      const r = await repairOnce(request, kh(), 'increase-timeout', { confirmed: false });
      expect(r.applied.nextRequest?.timeoutMs).toBe(2000);
      expect(r.after?.diagnosis.code).toBe('BANNER_TIMEOUT');
      expect(r.after!.facts.banner!.waitedMs).toBeGreaterThan(before.facts.banner!.waitedMs * 1.5);
    } finally {
      await silent.stop();
    }
  });
});

describe('an FTP server', () => {
  it('is not repaired: the diagnosis says to use an FTP program, warns that FTP is unencrypted, and offers no fix', async () => {
    const ftp = await startFakeServer('ftp');
    try {
      const request = { protocol: 'sftp' as const, host: ftp.host, port: ftp.port, user: 'u' };
      const before = await check(request, kh());
      expect(before.diagnosis.code).toBe('PROTOCOL_FTP');
      expect(before.diagnosis.fixes).toEqual([]);
      const other = before.diagnosis.actions.find((a) => a.type === 'other-program');
      expect(other?.label).toBe('Use an FTP program');
      expect(other?.description).toMatch(/unencrypted/);
      expect(other?.description).toMatch(/FTPS/);
      await expect(repairOnce(request, kh(), 'switch-protocol', { confirmed: true })).rejects.toMatchObject({ code: 'NOT_OFFERED' });
    } finally {
      await ftp.stop();
    }
  });

  it('refuses a fix the diagnosis did not offer', async () => {
    const ftp = await startFakeServer('ftp');
    try {
      const request = { protocol: 'sftp' as const, host: ftp.host, port: ftp.port, user: 'u' };
      await expect(repairOnce(request, kh(), 'trust-host-key', { confirmed: true })).rejects.toMatchObject({ code: 'NOT_OFFERED' });
      await expect(repairOnce(request, kh(), 'no-such-fix', { confirmed: true })).rejects.toMatchObject({ code: 'NOT_OFFERED' });
    } finally {
      await ftp.stop();
    }
  });
});
