/**
 * The connection run as the window shows it, reduced from the engine's events. Pure: the run
 * store feeds it events and the clock; the tests feed it recorded sequences.
 */
import { PHASES, type Phase, type PhaseStatus } from '../../shared/codes';
import type { PromptRequest, RunEvent, RunResult } from '../../shared/types';

export interface StepView {
  phase: Phase;
  /** The jump host this step belongs to (its index on the path); absent for the server itself. */
  hop?: number;
  /** "Jump host bastion:22", as the engine names the hop. */
  hopLabel?: string;
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

const stepKey = (s: { hop?: number; phase: Phase }) => `${s.hop ?? 't'}:${s.phase}`;

/**
 * Where a jump host's step goes: after the steps of earlier hops (they run first, in order), after
 * the form check, before the server's own network steps.
 */
function withHopStep(steps: StepView[], hop: number, phase: Phase, hopLabel: string | undefined): StepView[] {
  const step: StepView = { phase, hop, ...(hopLabel ? { hopLabel } : {}), status: 'pending', ms: null, detail: '', budgetMs: null, startedAt: null };
  let at = steps.findIndex((s) => s.hop === undefined && s.phase !== 'input');
  for (let i = steps.length - 1; i >= 0; i--) {
    const h = steps[i]!.hop;
    if (h !== undefined && h <= hop) {
      at = i + 1;
      break;
    }
  }
  if (at < 0) at = steps.length;
  return [...steps.slice(0, at), step, ...steps.slice(at)];
}

/** The label of each jump host of a finished run (from its path facts). */
function hopLabels(result: RunResult): Map<number, string> {
  const hops = result.facts.path?.hops ?? [];
  return new Map(hops.map((h) => [h.index, `Jump host ${hops.length > 1 ? `${h.index + 1} ` : ''}${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`]));
}

function finishSteps(steps: StepView[], result: RunResult): StepView[] {
  const labels = hopLabels(result);
  for (const sum of result.steps) {
    if (sum.hop !== undefined && !steps.some((s) => s.hop === sum.hop && s.phase === sum.phase)) steps = withHopStep(steps, sum.hop, sum.phase, labels.get(sum.hop));
  }
  const summary = new Map(result.steps.map((s) => [stepKey(s), s]));
  return steps.map((s) => {
    const sum = summary.get(stepKey(s));
    if (sum) return { ...s, status: sum.status, ms: sum.ms, detail: sum.detail || s.detail, startedAt: null };
    if (s.status === 'running') return { ...s, status: result.diagnosis.phase === s.phase && s.hop === undefined && !result.diagnosis.ok ? 'fail' : 'skipped', startedAt: null };
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
      const base = ev.hop !== undefined && !view.steps.some((s) => s.hop === ev.hop && s.phase === ev.phase) ? withHopStep(view.steps, ev.hop, ev.phase, ev.hopLabel) : view.steps;
      const steps = base.map((s) => {
        if (s.phase !== ev.phase || s.hop !== ev.hop) return s;
        const running = ev.status === 'running';
        return {
          ...s,
          status: ev.status,
          ms: running ? null : ev.ms,
          detail: ev.detail || (running ? '' : s.detail),
          budgetMs: ev.budgetMs ?? s.budgetMs,
          // A running step that reports progress (e.g. "checking the usual SSH ports") keeps its clock.
          startedAt: running ? (s.status === 'running' && s.startedAt !== null ? s.startedAt : now) : null,
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
