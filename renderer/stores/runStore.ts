/** The connection run: started from the form, filled in from 'run:event', answered through prompts. */
import { createStore, useStore } from 'zustand';
import type { SftpDoctorApi } from '../../shared/api';
import type { DiagnosisCode } from '../../shared/codes';
import type { ConnectionRequest, PromptAnswer, RunResult } from '../../shared/types';
import { api } from '../api';
import { errorMessage } from '../api/errors';
import { addPrompt, finishedRun, idleRun, reduceRunEvent, removePrompt, runFailed, runStarted, startingRun, type RunView } from '../logic/run';
import { DEFAULT_TIMEOUT_MS } from '../../shared/defaults';

/** How long to wait for the engine to confirm a cancel before the window stops waiting. */
export const CANCEL_GRACE_MS = 3000;
/** The engine's default time budget for a run (when the request names none). */
export const DEFAULT_RUN_BUDGET_MS = DEFAULT_TIMEOUT_MS;

export interface AppliedFix {
  label: string;
  changes: string[];
  /** The diagnosis the fix was meant to cure. */
  previousCode: DiagnosisCode;
}

export interface RunState extends RunView {
  cancelling: boolean;
  /** The fix applied right before this run, to say whether it worked. */
  appliedFix: AppliedFix | null;
  promptError: string | null;
  /** The whole run's time budget (the request's timeout), for the overall progress. */
  budgetMs: number | null;
  start(request: ConnectionRequest, appliedFix?: AppliedFix | null): Promise<void>;
  cancel(): Promise<void>;
  answer(answer: PromptAnswer): Promise<void>;
  reset(): void;
  /** Shows a run that finished elsewhere (a row of Check all). */
  showResult(result: RunResult): void;
}

export function createRunStore(getApi: () => SftpDoctorApi, now: () => number = () => performance.now()) {
  let generation = 0;
  const store = createStore<RunState>()((set, get) => ({
    ...idleRun(),
    cancelling: false,
    appliedFix: null,
    promptError: null,
    budgetMs: null,
    async start(request, appliedFix = null) {
      const previous = get();
      if (previous.runId && (previous.state === 'running' || previous.state === 'starting')) void get().cancel();
      const gen = ++generation;
      set({ ...startingRun(now()), cancelling: false, appliedFix, promptError: null, budgetMs: request.timeoutMs ?? DEFAULT_RUN_BUDGET_MS });
      try {
        const { runId } = await getApi().invoke('diagnose:start', request);
        if (gen !== generation) {
          // A newer run replaced this one while it was starting.
          void getApi().invoke('diagnose:cancel', runId).catch(() => undefined);
          return;
        }
        set((s) => runStarted(s, runId, now()));
        if (get().cancelling) void get().cancel();
      } catch (err) {
        if (gen === generation) set((s) => runFailed(s, errorMessage(err), now()));
      }
    },
    async cancel() {
      const { runId, state } = get();
      if (state !== 'running' && state !== 'starting') return;
      set({ cancelling: true });
      if (!runId) return; // cancelled as soon as the id arrives
      const gen = generation;
      try {
        await getApi().invoke('diagnose:cancel', runId);
      } catch {
        // The grace timer below covers a service that no longer answers.
      }
      setTimeout(() => {
        const s = get();
        if (gen === generation && (s.state === 'running' || s.state === 'starting')) {
          set((st) => runFailed(st, 'The run was stopped in this window; the SFTP Doctor service did not confirm it. Connect again when you are ready.', now()));
        }
      }, CANCEL_GRACE_MS);
    },
    async answer(answer) {
      const { runId } = get();
      if (!runId) return;
      set((s) => ({ ...removePrompt(s, answer.promptId), promptError: null }));
      try {
        const { accepted } = await getApi().invoke('prompt:answer', runId, answer);
        if (!accepted) set({ promptError: 'The question had already expired, so the answer was not used. Connect again to retry.' });
      } catch (err) {
        set({ promptError: `The answer could not be sent: ${errorMessage(err)}` });
      }
    },
    showResult(result) {
      const s = get();
      if (s.state === 'running' || s.state === 'starting') void get().cancel();
      generation++;
      set({ ...finishedRun(result, now()), cancelling: false, appliedFix: null, promptError: null });
    },
    reset() {
      generation++;
      set({ ...idleRun(), cancelling: false, appliedFix: null, promptError: null });
    },
  }));
  return {
    store,
    /** Listen to the engine's events; call once at start-up. Returns the unsubscribe function. */
    attach() {
      const a = getApi();
      const offEvent = a.on('run:event', (ev) => store.setState((s) => reduceRunEvent(s, ev, now())));
      const offPrompt = a.on('run:prompt', (p) => store.setState((s) => addPrompt(s, p)));
      return () => {
        offEvent();
        offPrompt();
      };
    },
  };
}

export const run = createRunStore(api);
export const useRun = <T>(selector: (s: RunState) => T): T => useStore(run.store, selector);
