/**
 * "Use only the selected key" (identities-only) against a real sshd and a real ssh-agent: an agent
 * holding more keys than the server's MaxAuthTries uses up every try before the password is
 * sent (AUTH_TOO_MANY_FAILURES). The fix turns the agent off for this attempt, or for the saved
 * site only (sites.json rewritten with a backup); the re-check, with the same agent still
 * running, logs in.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentAvailable, generateKey, setupAccount, sshdAvailable, startAgent, startSshd, type SshdServer, type TestAgent } from '../../e2e/harness/index';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { diagnose } from '../diagnose/index';
import { addHostKey } from '../store/known-hosts';
import { SiteStore } from '../store/sites';
import { applyRepair, isAutoApplicable, planRepair, type RepairContext } from './index';
import { tempDir } from './test-helpers';

const sshd = sshdAvailable();
const agentTools = agentAvailable();
const USER = 'sdrepidonly';
const PASSWORD = 'ids-only-Pw-7';
const AGENT_KEYS = 4;

let dir: string;
let server: SshdServer;
let agent: TestAgent;
let kh: string;

/** A real run with this agent (never the one of the process running the tests). */
function check(request: ConnectionRequest): Promise<RunResult> {
  return diagnose({ timeoutMs: 5000, ...request }, { defaultKnownHostsPath: kh, agentSocket: agent.socket });
}

describe.skipIf(!sshd.ok || !agentTools.ok)('identities-only against a real sshd and ssh-agent', () => {
  beforeAll(async () => {
    dir = await tempDir('idonly');
    const keys = Promise.all(Array.from({ length: AGENT_KEYS }, (_, i) => generateKey('ed25519', dir, `agent${i}`)));
    [server, agent] = await Promise.all([
      // MaxAuthTries 3 for this user: the "none" probe does not count, 3 agent keys are refused, the 4th ends it.
      startSshd({ hostKeyTypes: ['ed25519'], extraConfig: `Match User ${USER}\n  MaxAuthTries 3\n` }),
      startAgent(),
      setupAccount({ name: USER, password: PASSWORD }),
    ]);
    await agent.add(...(await keys).map((k) => k.path));
    kh = path.join(dir, 'known_hosts');
    for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), agent?.stop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const baseRequest = (): ConnectionRequest => ({ protocol: 'sftp', host: server.host, port: server.port, user: USER, password: PASSWORD });

  async function failing(request: ConnectionRequest): Promise<RunResult> {
    const before = await check(request);
    expect(before.diagnosis.code).toBe('AUTH_TOO_MANY_FAILURES');
    expect(before.facts.auth?.agentKeys).toBe(AGENT_KEYS);
    expect(before.facts.auth?.attempts.some((a) => a.method === 'password')).toBe(false);
    expect(before.facts.auth?.disconnect).toMatch(/Too many authentication failures/);
    // sshd's own log says so too (it may write the line a moment after the client saw the disconnect).
    const said = new RegExp(`maximum authentication attempts exceeded for ${USER}`);
    for (let i = 0; i < 40 && !said.test(server.log()); i++) await new Promise((r) => setTimeout(r, 25));
    expect(server.log()).toMatch(said);
    const fix = before.diagnosis.fixes.find((f) => f.id === 'identities-only');
    expect(fix).toMatchObject({ risk: 'safe', kind: 'form' });
    expect(isAutoApplicable(fix!)).toBe(true);
    return before;
  }

  it('without a saved site: the attempt stops offering the agent\'s keys and the re-check logs in', async () => {
    const request = baseRequest();
    const before = await failing(request);
    const ctx: RepairContext = { request, result: before, defaultKnownHostsPath: kh };
    const plan = await planRepair(ctx, 'identities-only');
    expect(plan.needs).toEqual([]);
    expect(plan.changes[0]).toMatch(/only the selected key/);
    expect(plan.changes.at(-1)).toMatch(/For this attempt \(the form\)/);

    const applied = await applyRepair(ctx, 'identities-only', { confirmed: false });
    expect(applied.settings).toEqual({ identitiesOnly: true, useAgent: false });
    expect(applied.backups).toEqual([]);
    expect(applied.message).toMatch(/press Save/);
    expect(applied.nextRequest).toMatchObject({ ...request, identitiesOnly: true, useAgent: false });

    const after = await check(applied.nextRequest!);
    expect(after.diagnosis.code).toBe('OK');
    expect(after.facts.auth?.attempts.map((a) => `${a.method}:${a.result}`)).toEqual(['none:failure', 'password:success']);
    expect(after.facts.auth?.credentials?.agent).toBe(false);
  });

  it('with a saved site: identitiesOnly and no agent are stored with that site only, sites.json.bak kept, the re-check logs in', async () => {
    const sites = new SiteStore({ dataDir: path.join(dir, 'data') });
    const other = await sites.save({ name: 'Other', folder: '', settings: { protocol: 'sftp', host: 'other.example', user: 'x', useAgent: true } });
    const site = await sites.save({ name: 'Build box', folder: 'Work', settings: { protocol: 'sftp', host: server.host, port: server.port, user: USER, useAgent: true } });
    const request = { ...baseRequest(), useAgent: true, siteId: site.id };
    const before = await failing(request);
    const ctx: RepairContext = { request, result: before, defaultKnownHostsPath: kh, sites, logFile: path.join(dir, 'repairs.log') };
    expect((await planRepair(ctx, 'identities-only')).changes).toContain('Stored with this saved site only (no other site changes).');

    const sitesBefore = await fs.readFile(sites.file, 'utf8');
    const applied = await applyRepair(ctx, 'identities-only', { confirmed: false });
    expect(applied.settings).toEqual({ identitiesOnly: true, useAgent: false });
    expect(applied.backups).toEqual([`${sites.file}.bak`]);
    expect(await fs.readFile(`${sites.file}.bak`, 'utf8')).toBe(sitesBefore);
    expect((await sites.get(site.id))?.settings).toEqual({ ...site.settings, identitiesOnly: true, useAgent: false });
    expect((await sites.get(other.id))?.settings).toEqual(other.settings);
    expect(await fs.readFile(sites.file, 'utf8')).not.toContain(PASSWORD);
    const log = (await fs.readFile(path.join(dir, 'repairs.log'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { fix: string; changes: string[] });
    expect(log.at(-1)).toMatchObject({ fix: 'identities-only', changes: [expect.stringMatching(/Saved site "Work\/Build box": identitiesOnly = true; useAgent = false/)] });
    expect(JSON.stringify(log)).not.toContain(PASSWORD);

    const after = await check(applied.nextRequest!);
    expect(after.diagnosis.code).toBe('OK');
    // The site as stored now connects by itself too (the form filled from it, plus the password).
    const stored = (await sites.get(site.id))!.settings;
    expect((await check({ ...stored, password: PASSWORD })).diagnosis.code).toBe('OK');
  });
});
