import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import { adminMessage } from '../../shared/admin-message';
import type { RepairOutcome, RepairPlan } from '../../shared/api';
import type { RunEvent, RunResult } from '../../shared/types';
import { diagnose, ENGINE_PHASES } from '../diagnose/index';
import { noVault } from '../store/password-vault';
import { createServices, type Services } from './handlers';
import type { RunClient } from './runs';

const WORKING = ENGINE_PHASES.some((p) => p.phase === 'sftp') ? 'OK' : 'OK_TRANSPORT';
const USER = 'sdrepsvc';
const PASSWORD = 'svc-repair-pw-1';

/** A window that answers every question with "cancel" (nobody there). */
function client(services: () => Services): RunClient & { events: RunEvent[]; done(runId: string): Promise<RunResult> } {
  const events: RunEvent[] = [];
  const waiters = new Map<string, (r: RunResult) => void>();
  const self: RunClient & { events: RunEvent[]; done(runId: string): Promise<RunResult> } = {
    events,
    sendEvent(e) {
      events.push(e);
      if (e.type === 'done') waiters.get(e.runId)?.(e.result);
    },
    sendPrompt(p) {
      const answer = p.kind === 'hostkey' ? ({ promptId: p.promptId, kind: 'hostkey', decision: 'cancel' } as const) : ({ promptId: p.promptId, kind: 'secret', answers: null } as const);
      setImmediate(() => services().runs.answer(p.runId, answer, self));
    },
    sendCheck() {},
    done(runId) {
      const found = events.find((e) => e.type === 'done' && e.runId === runId);
      if (found && found.type === 'done') return Promise.resolve(found.result);
      return new Promise((resolve) => waiters.set(runId, resolve));
    },
  };
  return self;
}

describe.skipIf(!sshdAvailable().ok)('repair:plan and repair:apply through the handler table', () => {
  let server: SshdServer;
  let dataDir: string;
  let services: Services;
  beforeAll(async () => {
    [server] = await Promise.all([startSshd(), ensureUser({ name: USER, password: PASSWORD })]);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'repair-svc-'));
    services = createServices({ host: 'browser', dataDir, diagnose, vault: noVault('none') });
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('plans, applies trust-host-key with the fingerprint, and streams the chained re-check run', async () => {
    const c = client(() => services);
    const ctx = { client: c };
    const { runId } = (await services.dispatch('diagnose:start', [{ protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PASSWORD, timeoutMs: 4000 }], ctx)) as { runId: string };
    const first = await c.done(runId);
    expect(first.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
    const key = first.facts.hostkey!.key;

    const plan = (await services.dispatch('repair:plan', [runId, 'trust-host-key'], ctx)) as RepairPlan;
    expect(plan).toMatchObject({ fixId: 'trust-host-key', risk: 'confirm', kind: 'local', needs: ['confirmation', 'fingerprint'] });
    expect(plan.changes.join('\n')).toContain(path.join(dataDir, 'known_hosts'));

    await expect(services.dispatch('repair:apply', [runId, 'trust-host-key', { confirmed: true, fingerprint: 'MD5:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff' }], ctx)).rejects.toMatchObject({ code: 'FAILED' });
    await expect(services.dispatch('repair:apply', [runId, 'nope', { confirmed: true }], ctx)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(services.dispatch('repair:apply', ['someone-elses-run', 'trust-host-key', { confirmed: true }], ctx)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const outcome = (await services.dispatch('repair:apply', [runId, 'trust-host-key', { confirmed: true, fingerprint: key.sha256 }], ctx)) as RepairOutcome;
    expect(outcome).toMatchObject({ fixId: 'trust-host-key', applied: true });
    expect(outcome.runId).toEqual(expect.any(String));
    const second = await c.done(outcome.runId!);
    expect(second.diagnosis.code).toBe(WORKING);
    expect(c.events.some((e) => e.type === 'phase' && e.runId === outcome.runId && e.phase === 'input')).toBe(true);
    const chain = services.runs.chain(outcome.runId!, c);
    expect(chain.map((r) => r.runId)).toEqual([runId, outcome.runId]);
    expect(chain[1]?.previous?.fix.id).toBe('trust-host-key');
    expect(await fs.readFile(path.join(dataDir, 'known_hosts'), 'utf8')).toBe(`[${server.host}]:${server.port} ${key.publicKey}\n`);
    expect(await fs.readFile(path.join(dataDir, 'repairs.log'), 'utf8')).not.toContain(PASSWORD);
    expect(JSON.stringify(outcome)).not.toContain(PASSWORD);
  });

  it('a message for the admin is an action, not a repair: repair:apply refuses it; the message is built from the result', async () => {
    const c = client(() => services);
    const ctx = { client: c };
    const { runId } = (await services.dispatch('diagnose:start', [{ protocol: 'sftp', host: server.host, port: 1, user: USER, timeoutMs: 1500 }], ctx)) as { runId: string };
    const first = await c.done(runId);
    expect(first.diagnosis.ok).toBe(false);
    await expect(services.dispatch('repair:apply', [runId, 'ask-admin', { confirmed: false }], ctx)).rejects.toThrow(/no fix called "ask-admin"/);
    const message = adminMessage(first);
    expect(message).toContain(`${server.host} port 1`);
    expect(message).toContain(first.diagnosis.title);
    expect(message).toContain('Evidence:');
    expect(message).toContain('firewall');
  });
});
