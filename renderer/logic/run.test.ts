import { describe, expect, it } from 'vitest';
import type { Phase, PhaseStatus } from '../../shared/codes';
import type { PromptRequest, RunEvent, RunResult } from '../../shared/types';
import { addPrompt, formatMs, idleRun, logText, MAX_LOG_LINES, reduceRunEvent, runFailed, runStarted, startingRun, type RunView } from './run';

const phase = (runId: string, p: Phase, status: PhaseStatus, ms = 0, extra: { detail?: string; budgetMs?: number } = {}): RunEvent => ({
  type: 'phase',
  runId,
  phase: p,
  status,
  ms,
  detail: extra.detail ?? '',
  ...(extra.budgetMs !== undefined ? { budgetMs: extra.budgetMs } : {}),
});

const result = (runId: string, ok: boolean, failPhase: Phase, steps: RunResult['steps'] = []): RunResult => ({
  runId,
  request: {} as RunResult['request'],
  diagnosis: { code: ok ? 'OK' : 'TCP_REFUSED', ok, phase: failPhase, title: 't', explanation: 'e', nextStep: 'n', evidence: [], fixes: [], actions: [] },
  steps,
  facts: {},
  startedAt: '2026-01-01T00:00:00Z',
  totalMs: 900,
});

const feed = (view: RunView, events: RunEvent[], now = 1000) => events.reduce((v, ev) => reduceRunEvent(v, ev, now), view);
const statusOf = (v: RunView) => Object.fromEntries(v.steps.map((s) => [s.phase, s.status]));

describe('stepper reduction from run events', () => {
  it('fills phases in as they run and end, with their timings', () => {
    let v = runStarted(startingRun(0), 'r1', 0);
    v = feed(v, [phase('r1', 'input', 'running'), phase('r1', 'input', 'ok', 3), phase('r1', 'dns', 'running'), phase('r1', 'dns', 'ok', 12, { detail: '127.0.0.1' }), phase('r1', 'tcp', 'running', 0, { budgetMs: 5000 })], 500);
    expect(statusOf(v)).toMatchObject({ input: 'ok', dns: 'ok', tcp: 'running', banner: 'pending' });
    const tcp = v.steps.find((s) => s.phase === 'tcp')!;
    expect(tcp).toMatchObject({ budgetMs: 5000, startedAt: 500, ms: null });
    expect(v.steps.find((s) => s.phase === 'dns')).toMatchObject({ ms: 12, detail: '127.0.0.1' });
  });

  it('a running step that reports progress keeps its clock and budget (the port scan after a timeout stays visible)', () => {
    let v = runStarted(startingRun(0), 'r1', 0);
    v = feed(v, [phase('r1', 'tcp', 'running', 0, { budgetMs: 7000 })], 500);
    v = feed(v, [phase('r1', 'tcp', 'running', 0, { detail: 'checking the usual SSH ports' })], 7600);
    expect(v.steps.find((s) => s.phase === 'tcp')).toMatchObject({ status: 'running', startedAt: 500, budgetMs: 7000, detail: 'checking the usual SSH ports' });
  });

  it('keeps events that arrive before the run id is known and replays them', () => {
    let v = startingRun(0);
    v = feed(v, [phase('r9', 'input', 'running'), phase('r9', 'input', 'ok', 2)]);
    expect(statusOf(v).input).toBe('pending');
    v = runStarted(v, 'r9', 10);
    expect(v.state).toBe('running');
    expect(statusOf(v).input).toBe('ok');
    expect(v.early).toEqual([]);
  });

  it('ignores events of other runs (an older run still finishing)', () => {
    let v = runStarted(startingRun(0), 'new', 0);
    v = feed(v, [phase('old', 'dns', 'fail', 5), { type: 'done', runId: 'old', result: result('old', false, 'dns') }]);
    expect(v.state).toBe('running');
    expect(statusOf(v).dns).toBe('pending');
  });

  it('on done: takes the final step summary, marks the failing running phase and skips the rest', () => {
    let v = runStarted(startingRun(0), 'r1', 0);
    v = feed(v, [phase('r1', 'input', 'ok', 1), phase('r1', 'dns', 'ok', 2), phase('r1', 'tcp', 'running')]);
    v = reduceRunEvent(v, { type: 'done', runId: 'r1', result: result('r1', false, 'tcp', [{ phase: 'input', status: 'ok', ms: 1, detail: 'checked' }]) }, 2000);
    expect(v.state).toBe('done');
    expect(v.endedAt).toBe(2000);
    expect(statusOf(v)).toEqual({ input: 'ok', dns: 'ok', tcp: 'fail', banner: 'skipped', kex: 'skipped', hostkey: 'skipped', auth: 'skipped', sftp: 'skipped', write: 'skipped', hold: 'skipped', speed: 'skipped' });
    expect(v.steps[0]!.detail).toBe('checked');
    // Nothing changes after the end.
    expect(reduceRunEvent(v, phase('r1', 'banner', 'ok', 1), 3000)).toBe(v);
  });

  it('keeps the log bounded and copyable', () => {
    let v = runStarted(startingRun(0), 'r1', 0);
    for (let i = 0; i < MAX_LOG_LINES + 10; i++) v = reduceRunEvent(v, { type: 'log', runId: 'r1', ms: i, source: 'engine', text: `line ${i}` }, 0);
    expect(v.logs).toHaveLength(MAX_LOG_LINES);
    expect(v.logsDropped).toBe(10);
    expect(v.logs[0]!.text).toBe('line 10');
    expect(logText([{ ms: 42, source: 'ssh', text: 'Remote ident' }])).toBe('[    42 ms] ssh    Remote ident');
  });

  it('marks a running phase failed when the service is lost', () => {
    let v = runStarted(startingRun(0), 'r1', 0);
    v = feed(v, [phase('r1', 'tcp', 'running')]);
    v = runFailed(v, 'gone', 9);
    expect(v.state).toBe('failed');
    expect(statusOf(v).tcp).toBe('fail');
  });

  it('queues prompts of the current run only', () => {
    const v = runStarted(startingRun(0), 'r1', 0);
    const p = (runId: string, promptId: string): PromptRequest => ({ kind: 'secret', runId, promptId, purpose: 'passphrase', title: 't', instructions: '', prompts: [] });
    const withOne = addPrompt(addPrompt(addPrompt(v, p('r1', 'a')), p('other', 'b')), p('r1', 'a'));
    expect(withOne.prompts.map((x) => x.promptId)).toEqual(['a']);
    expect(addPrompt(idleRun(), p('r1', 'a')).prompts).toEqual([]);
    // A question that overtakes the run id waits for it.
    const early = addPrompt(startingRun(0), p('r2', 'c'));
    expect(early.prompts).toEqual([]);
    expect(runStarted(early, 'r2', 1).prompts.map((x) => x.promptId)).toEqual(['c']);
    expect(runStarted(addPrompt(startingRun(0), p('zz', 'd')), 'r2', 1).prompts).toEqual([]);
  });

  it('formats durations for people', () => {
    expect(formatMs(12)).toBe('12 ms');
    expect(formatMs(400)).toBe('400 ms');
    expect(formatMs(1450)).toBe('1.4 s');
    expect(formatMs(65_000)).toBe('1 min 5 s');
  });
});
