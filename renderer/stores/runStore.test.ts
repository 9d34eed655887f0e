import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunResult } from '../../shared/types';
import { CANCEL_GRACE_MS, createRunStore } from './runStore';
import { testApi } from './testApi';

const done = (runId: string, code: 'OK' | 'CANCELLED' | 'AUTH_PASSWORD_REJECTED'): RunResult => ({
  runId,
  request: { protocol: 'sftp', host: 'h', port: 22, user: 'u', passwordGiven: true, keyGiven: false, keyPath: null, passphraseGiven: false, useAgent: true, identitiesOnly: false, legacyAlgorithms: [], knownHostsPath: null, startPath: null, timeoutMs: 10000 },
  diagnosis: { code, ok: code === 'OK', phase: 'auth', title: code, explanation: '', nextStep: '', evidence: [], fixes: [], actions: [] },
  steps: [],
  facts: {},
  startedAt: '',
  totalMs: 10,
});

afterEach(() => vi.useRealTimers());

describe('run store', () => {
  it('follows a run from diagnose:start through its events to the diagnosis, even when events overtake the run id', async () => {
    let resolveStart: (v: { runId: string }) => void = () => undefined;
    const t = testApi({ 'diagnose:start': () => new Promise((r) => (resolveStart = r)) });
    const run = createRunStore(() => t.api, () => 0);
    run.attach();
    const started = run.store.getState().start({ protocol: 'sftp', host: 'h', user: 'u', password: 'pw' });
    expect(run.store.getState().state).toBe('starting');
    t.emit('run:event', { type: 'phase', runId: 'r1', phase: 'input', status: 'ok', ms: 1, detail: '' });
    resolveStart({ runId: 'r1' });
    await started;
    expect(run.store.getState().steps[0]).toMatchObject({ phase: 'input', status: 'ok' });
    t.emit('run:event', { type: 'log', runId: 'r1', ms: 2, source: 'engine', text: 'dns ok' });
    t.emit('run:event', { type: 'done', runId: 'r1', result: done('r1', 'AUTH_PASSWORD_REJECTED') });
    const s = run.store.getState();
    expect(s.state).toBe('done');
    expect(s.result?.diagnosis.code).toBe('AUTH_PASSWORD_REJECTED');
    expect(s.logs.map((l) => l.text)).toEqual(['dns ok']);
  });

  it('shows why a run could not start', async () => {
    const t = testApi({
      'diagnose:start': () => {
        throw new Error('The SFTP Doctor service stopped; restart `sftp-doctor ui`.');
      },
    });
    const run = createRunStore(() => t.api, () => 0);
    await run.store.getState().start({ protocol: 'sftp', host: 'h', user: 'u' });
    expect(run.store.getState()).toMatchObject({ state: 'failed', error: expect.stringContaining('service stopped') });
  });

  it('cancels through diagnose:cancel and stops waiting if the engine never confirms', async () => {
    vi.useFakeTimers();
    const t = testApi({ 'diagnose:start': () => ({ runId: 'r2' }), 'diagnose:cancel': () => ({ cancelled: true }) });
    const run = createRunStore(() => t.api, () => 0);
    run.attach();
    await run.store.getState().start({ protocol: 'sftp', host: 'h', user: 'u' });
    await run.store.getState().cancel();
    expect(t.calls.filter((c) => c.channel === 'diagnose:cancel').map((c) => c.args)).toEqual([['r2']]);
    expect(run.store.getState().state).toBe('running');
    vi.advanceTimersByTime(CANCEL_GRACE_MS + 1);
    expect(run.store.getState()).toMatchObject({ state: 'failed', error: expect.stringContaining('stopped in this window') });
  });

  it('a new run replaces a running one: the old run is cancelled and its late events ignored', async () => {
    let n = 0;
    const t = testApi({ 'diagnose:start': () => ({ runId: `r${++n}` }), 'diagnose:cancel': () => ({ cancelled: true }) });
    const run = createRunStore(() => t.api, () => 0);
    run.attach();
    await run.store.getState().start({ protocol: 'sftp', host: 'a', user: 'u' });
    await run.store.getState().start({ protocol: 'sftp', host: 'b', user: 'u' });
    expect(t.calls.some((c) => c.channel === 'diagnose:cancel' && c.args[0] === 'r1')).toBe(true);
    t.emit('run:event', { type: 'done', runId: 'r1', result: done('r1', 'CANCELLED') });
    expect(run.store.getState()).toMatchObject({ runId: 'r2', state: 'running' });
  });

  it('answers a host key question with prompt:answer and removes it from the queue', async () => {
    const t = testApi({ 'diagnose:start': () => ({ runId: 'r1' }), 'prompt:answer': () => ({ accepted: true }) });
    const run = createRunStore(() => t.api, () => 0);
    run.attach();
    await run.store.getState().start({ protocol: 'sftp', host: 'h', user: 'u' });
    const key = { type: 'ssh-ed25519', sha256: 'SHA256:x', md5: 'MD5:00', publicKey: 'ssh-ed25519 AAAA' };
    t.emit('run:prompt', { kind: 'hostkey', runId: 'r1', promptId: 'p1', host: 'h', port: 22, key, status: 'unknown', previous: [] });
    expect(run.store.getState().prompts).toHaveLength(1);
    await run.store.getState().answer({ promptId: 'p1', kind: 'hostkey', decision: 'once' });
    expect(run.store.getState().prompts).toHaveLength(0);
    expect(t.calls.find((c) => c.channel === 'prompt:answer')?.args).toEqual(['r1', { promptId: 'p1', kind: 'hostkey', decision: 'once' }]);
  });
});
