/**
 * The connection run as the window shows it, reduced from the engine's events. Pure: the run
 * store feeds it events and the clock; the tests feed it recorded sequences.
 */
import { PHASES, type Phase, type PhaseStatus } from '../../shared/codes';
import type { PromptRequest, RunEvent, RunResult } from '../../shared/types';

export interface StepView {
  phase: Phase;
  status: PhaseStatus;
  /** How long the phase took (from the engine), once it ended. */
  ms: number | null;
  detail: string;
  budgetMs: number | null;
  /** Local clock (ms) when the phase started running, for the live elapsed time. */
  startedAt: number | null;
}

export interface LogLine {
  ms: number;
  source: 'engine' | 'ssh';
  text: string;
}

export type RunStateName = 'idle' | 'starting' | 'running' | 'done' | 'failed';

export interface RunView {
  state: RunStateName;
  runId: string | null;
  steps: StepView[];
  logs: LogLine[];
  /** Lines dropped from the start of a very long log. */
  logsDropped: number;
  result: RunResult | null;
  /** Why the run could not be started or followed (service gone, refused request). */
  error: string | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Events that arrived before diagnose:start told us the run id. */
  early: RunEvent[];
  earlyPrompts: PromptRequest[];
  prompts: PromptRequest[];
}

export const MAX_LOG_LINES = 5000;
const MAX_EARLY = 1000;

function freshSteps(): StepView[] {
  return PHASES.map((phase) => ({ phase, status: 'pending', ms: null, detail: '', budgetMs: null, startedAt: null }));
}

export function idleRun(): RunView {
  return { state: 'idle', runId: null, steps: freshSteps(), logs: [], logsDropped: 0, result: null, error: null, startedAt: null, endedAt: null, early: [], earlyPrompts: [], prompts: [] };
}

export function startingRun(now: number): RunView {
  return { ...idleRun(), state: 'starting', startedAt: now };
}

/** diagnose:start answered: adopt the id and replay what already arrived for it. */
export function runStarted(view: RunView, runId: string, now: number): RunView {
  let next: RunView = { ...view, runId, state: view.state === 'starting' ? 'running' : view.state, early: [], earlyPrompts: [] };
  for (const ev of view.early) next = reduceRunEvent(next, ev, now);
  for (const p of view.earlyPrompts) next = addPrompt(next, p);
  return next;
}

export function runFailed(view: RunView, message: string, now: number): RunView {
  return {
    ...view,
    state: 'failed',
    error: message,
    endedAt: now,
    prompts: [],
    steps: view.steps.map((s) => (s.status === 'running' ? { ...s, status: 'fail', startedAt: null } : s)),
  };
}

function finishSteps(steps: StepView[], result: RunResult): StepView[] {
  const summary = new Map(result.steps.map((s) => [s.phase, s]));
  return steps.map((s) => {
    const sum = summary.get(s.phase);
    if (sum) return { ...s, status: sum.status, ms: sum.ms, detail: sum.detail || s.detail, startedAt: null };
    if (s.status === 'running') return { ...s, status: result.diagnosis.phase === s.phase && !result.diagnosis.ok ? 'fail' : 'skipped', startedAt: null };
    if (s.status === 'pending') return { ...s, status: 'skipped' };
    return s;
  });
}

export function reduceRunEvent(view: RunView, ev: RunEvent, now: number): RunView {
  if (view.runId === null) {
    if (view.state !== 'starting') return view;
    return view.early.length < MAX_EARLY ? { ...view, early: [...view.early, ev] } : view;
  }
  if (ev.runId !== view.runId || view.state === 'done' || view.state === 'failed') return view;
  switch (ev.type) {
    case 'phase': {
      const steps = view.steps.map((s) => {
        if (s.phase !== ev.phase) return s;
        const running = ev.status === 'running';
        return {
          ...s,
          status: ev.status,
          ms: running ? null : ev.ms,
          detail: ev.detail || (running ? '' : s.detail),
          budgetMs: ev.budgetMs ?? s.budgetMs,
          startedAt: running ? now : null,
        };
      });
      return { ...view, steps };
    }
    case 'log': {
      const line: LogLine = { ms: ev.ms, source: ev.source, text: ev.text };
      const logs = [...view.logs, line];
      const over = logs.length - MAX_LOG_LINES;
      return over > 0 ? { ...view, logs: logs.slice(over), logsDropped: view.logsDropped + over } : { ...view, logs };
    }
    case 'done':
      return {
        ...view,
        state: 'done',
        result: ev.result,
        endedAt: now,
        prompts: [],
        steps: finishSteps(view.steps, ev.result),
      };
  }
}

/** A finished run shown as it ended (a row of "Check all" opened): its steps and result, no live log. */
export function finishedRun(result: RunResult, now: number): RunView {
  return { ...idleRun(), state: 'done', runId: result.runId, result, startedAt: now, endedAt: now, steps: finishSteps(idleRun().steps, result) };
}

/** A question from the engine: kept only while it belongs to the current run. */
export function addPrompt(view: RunView, prompt: PromptRequest): RunView {
  if (view.runId === null && view.state === 'starting') {
    return view.earlyPrompts.length < 16 ? { ...view, earlyPrompts: [...view.earlyPrompts, prompt] } : view;
  }
  if (view.runId !== prompt.runId || view.state !== 'running') return view;
  if (view.prompts.some((p) => p.promptId === prompt.promptId)) return view;
  return { ...view, prompts: [...view.prompts, prompt] };
}

export function removePrompt(view: RunView, promptId: string): RunView {
  return { ...view, prompts: view.prompts.filter((p) => p.promptId !== promptId) };
}

/** "0.4 s", "12 ms", "1 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The log as plain text, one line per entry, for copying. */
export function logText(logs: readonly LogLine[]): string {
  return logs.map((l) => `[${String(Math.round(l.ms)).padStart(6)} ms] ${l.source === 'ssh' ? 'ssh   ' : 'engine'} ${l.text}`).join('\n');
}
