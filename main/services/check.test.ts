/**
 * The check service behind "Check all", through the handler table as the window calls it: rows
 * stream as events, at most `jobs` sites at a time, saved passwords are used, and each row's run
 * stays open for the window (its result can be repaired).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint, ensureUser, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import type { BundleFilePreview } from '../../shared/api';
import type { CheckEvent, CheckStarted } from '../../shared/check';
import type { Site } from '../../shared/sites';
import { diagnose } from '../diagnose/index';
import type { PasswordVault } from '../store/password-vault';
import { checkRowsToCsv } from '../../shared/check';
import { createServices, type Services } from './handlers';
import type { RunClient } from './runs';

const USER = 'sd4checksvc';
const PASSWORD = 'Check-svc-Pw-9';

/** Stands in for the OS keychain: reversible, so a saved password can be read back by main. */
const plainVault: PasswordVault = {
  available: true,
  encrypt: (plain) => Buffer.from(plain, 'utf8').reverse(),
  decrypt: (data) => Buffer.from(data).reverse().toString('utf8'),
};

function windowClient(): RunClient & { checks: CheckEvent[]; finished(checkId: string): Promise<void> } {
  const checks: CheckEvent[] = [];
  const waiters = new Map<string, () => void>();
  return {
    checks,
    sendEvent() {},
    sendPrompt() {
      throw new Error('a check must not ask anything');
    },
    sendCheck(e) {
      checks.push(e);
      if (e.finished) waiters.get(e.checkId)?.();
    },
    finished(checkId) {
      if (checks.some((e) => e.checkId === checkId && e.finished)) return Promise.resolve();
      return new Promise((resolve) => waiters.set(checkId, resolve));
    },
  };
}

describe.skipIf(!sshdAvailable().ok)('check:start and check:cancel', () => {
  let server: SshdServer;
  let dataDir: string;
  let services: Services;
  beforeAll(async () => {
    [server] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), ensureUser({ name: USER, password: PASSWORD })]);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'check-svc-'));
    await fs.writeFile(path.join(dataDir, 'known_hosts'), `[${server.host}]:${server.port} ${server.hostKeys[0]!.publicKey}\n`);
    services = createServices({ host: 'electron', dataDir, diagnose, vault: plainVault });
    const ctx = { client: windowClient() };
    const save = (draft: object) => services.dispatch('sites:save', [draft], ctx) as Promise<Site>;
    await save({ name: 'with password', folder: 'Office', settings: { protocol: 'sftp', host: server.host, port: server.port, user: USER, timeoutMs: 5000 }, password: PASSWORD });
    await save({ name: 'no password', folder: 'Office', settings: { protocol: 'sftp', host: server.host, port: server.port, user: USER, useAgent: false, timeoutMs: 5000 } });
    for (let i = 1; i <= 4; i++) {
      const closed = await closedEndpoint();
      await save({ name: `closed ${i}`, folder: 'Old', settings: { protocol: 'sftp', host: closed.host, port: closed.port, user: USER, timeoutMs: 3000 } });
    }
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('checks every site at most 2 at a time, streams each row, and the rows keep their runs for the window', async () => {
    const c = windowClient();
    const ctx = { client: c };
    const started = (await services.dispatch('check:start', [{ jobs: 2 }], ctx)) as CheckStarted;
    expect(started.rows.map((r) => [r.site, r.state])).toEqual([
      ['Office/no password', 'waiting'],
      ['Office/with password', 'waiting'],
      ['Old/closed 1', 'waiting'],
      ['Old/closed 2', 'waiting'],
      ['Old/closed 3', 'waiting'],
      ['Old/closed 4', 'waiting'],
    ]);
    await c.finished(started.checkId);

    // Never more than 2 running at once, and 2 at once at some point.
    let running = 0;
    let most = 0;
    for (const e of c.checks.filter((x) => !x.finished)) {
      if (e.row.state === 'running') most = Math.max(most, ++running);
      else if (e.row.state === 'done') running--;
    }
    expect(most).toBe(2);

    const done = new Map(c.checks.filter((e) => e.row.state === 'done' && e.result).map((e) => [e.row.site, e]));
    expect(done.size).toBe(6);
    expect(done.get('Office/with password')!.row).toMatchObject({ ok: true, code: 'OK', firstFix: null });
    expect(done.get('Office/no password')!.row).toMatchObject({ ok: false, code: 'AUTH_NO_CREDENTIALS' });
    for (let i = 1; i <= 4; i++) expect(done.get(`Old/closed ${i}`)!.row).toMatchObject({ ok: false, code: 'TCP_REFUSED', phase: 'tcp' });
    expect(done.get('Old/closed 1')!.result!.diagnosis.code).toBe('TCP_REFUSED');
    // The saved password never reaches the window.
    expect(JSON.stringify(c.checks)).not.toContain(PASSWORD);

    // A row's run belongs to the window that checked: a support bundle can be made of it like of any run.
    const closed = done.get('Old/closed 1')!.row;
    const files = (await services.dispatch('bundle:preview', [closed.runId!, { anonymise: false }], ctx)) as BundleFilePreview[];
    expect(files.map((f) => f.text).join('\n')).toContain('TCP_REFUSED');
    // Another window cannot.
    await expect(services.dispatch('bundle:preview', [closed.runId!, { anonymise: false }], { client: windowClient() })).rejects.toBeDefined();
  });

  it('a folder only, and cancel stops the check: every row ends', async () => {
    const c = windowClient();
    const started = (await services.dispatch('check:start', [{ folder: 'Office', jobs: 1 }], { client: c })) as CheckStarted;
    expect(started.rows.map((r) => r.site)).toEqual(['Office/no password', 'Office/with password']);
    expect((await services.dispatch('check:cancel', [started.checkId], { client: windowClient() })) as object).toEqual({ cancelled: false });
    expect((await services.dispatch('check:cancel', [started.checkId], { client: c })) as object).toEqual({ cancelled: true });
    await c.finished(started.checkId);
    const last = c.checks.filter((e) => e.row.state === 'done');
    expect(last.length).toBeLessThanOrEqual(2);
    await expect(services.dispatch('check:start', [{ folder: 'Nowhere' }], { client: c })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('Nowhere') });
    await expect(services.dispatch('check:start', [{ jobs: 0 }], { client: c })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the table as CSV', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    const csv = checkRowsToCsv([
      { siteId: '1', site: 'A, "quoted"', target: 'u@h', state: 'done', ok: false, code: 'TCP_REFUSED', phase: 'tcp', ms: 12.4, firstFix: { id: 'use-port', label: '=HYPERLINK("x")' } },
      { siteId: '2', site: 'B', target: 'h', state: 'waiting' },
    ]);
    expect(csv).toBe(
      'site,target,result,code,phase,ms,first_fix,first_fix_id\r\n"A, ""quoted""",u@h,failed,TCP_REFUSED,tcp,12,"\'=HYPERLINK(""x"")",use-port\r\nB,h,waiting,,,,,\r\n',
    );
  });
});
