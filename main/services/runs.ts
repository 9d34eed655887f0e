/**
 * Keeps the diagnosis runs a front end started: routes their events and prompts back to the
 * client that started them, and the client's answers back to the waiting engine.
 */
import { randomUUID } from 'node:crypto';
import type { CheckEvent } from '../../shared/check';
import { PHASES } from '../../shared/codes';
import type { ConnectionRequest, PromptAnswer, PromptRequest, RunEvent, RunResult } from '../../shared/types';
import { Secret } from '../common/secret';
import { summarizeRequest } from '../diagnose/index';
import type { DiagnoseOptions } from '../diagnose/options';
import { timeoutOf } from '../../shared/defaults';

export type DiagnoseFn = (request: ConnectionRequest, options: DiagnoseOptions) => Promise<RunResult>;

/** Where a run's events go: one connected window or browser tab. */
export interface RunClient {
  sendEvent(event: RunEvent): void;
  sendPrompt(prompt: PromptRequest): void;
  /** A row of a "Check all" changed. */
  sendCheck(event: CheckEvent): void;
}

interface ActiveRun {
  client: RunClient;
  controller: AbortController;
  prompts: Map<string, (answer: PromptAnswer) => void>;
}

/**
 * What main remembers of a run after it ended, for the support bundle and for repairs that re-run
 * it. Lives in main's memory only; the request's secrets never leave main.
 */
export interface RunRecord {
  runId: string;
  client: RunClient;
  request: ConnectionRequest;
  events: RunEvent[];
  /** Answers typed into the server's questions (one-time codes, new passwords): secrets too. */
  answers: Secret[];
  result?: RunResult;
  /** The run this one re-checks after a fix, if any, and the fix. */
  previous?: { runId: string; fix: { id: string; label: string; detail?: string } };
}

/** Events kept per run for the bundle's timeline (a hostile server cannot make this unbounded). */
const MAX_EVENTS_PER_RUN = 20_000;
/** Finished runs remembered (most recent kept): enough for a "Check all" of dozens of sites. */
const MAX_RECORDS = 120;

/** How long a question may wait for the user before the run gives up on it. */
const PROMPT_TIMEOUT_MS = 10 * 60 * 1000;

export class RunManager {
  readonly #runs = new Map<string, ActiveRun>();
  /** Runs, finished or not, kept for the bundle writer and repairs (most recent last, bounded). */
  readonly #records = new Map<string, RunRecord>();

  constructor(
    private readonly diagnose: DiagnoseFn,
    private readonly knownHostsPath: () => string,
  ) {}

  start(request: ConnectionRequest, client: RunClient, previous?: RunRecord['previous']): string {
    return this.#start(request, client, { ...(previous ? { previous } : {}) }).runId;
  }

  /**
   * A run nobody watches live (one site of "Check all"): its events are kept for the bundle but
   * not sent to the client, and nothing is asked (the diagnosis says what was needed). The record
   * belongs to the client, so it can open, repair and bundle the result afterwards.
   */
  runQuietly(request: ConnectionRequest, client: RunClient, signal: AbortSignal): Promise<RunResult> {
    const { runId, done } = this.#start(request, client, { quiet: true });
    const onAbort = () => this.#runs.get(runId)?.controller.abort();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return done.finally(() => signal.removeEventListener('abort', onAbort));
  }

  #start(request: ConnectionRequest, client: RunClient, how: { previous?: RunRecord['previous']; quiet?: boolean }): { runId: string; done: Promise<RunResult> } {
    const { previous, quiet = false } = how;
    const runId = randomUUID();
    const run: ActiveRun = { client, controller: new AbortController(), prompts: new Map() };
    this.#runs.set(runId, run);
    const record: RunRecord = { runId, client, request, events: [], answers: [], ...(previous ? { previous } : {}) };
    this.#records.set(runId, record);
    while (this.#records.size > MAX_RECORDS) this.#records.delete(this.#records.keys().next().value!);
    const started = Date.now();
    const options: DiagnoseOptions = {
      runId,
      signal: run.controller.signal,
      defaultKnownHostsPath: this.knownHostsPath(),
      onEvent: (event) => {
        if (record.events.length < MAX_EVENTS_PER_RUN) record.events.push(event);
        if (!quiet) client.sendEvent(event);
      },
      ...(quiet ? {} : { prompt: (prompt: PromptRequest) => this.#ask(run, record, prompt) }),
    };
    const done = this.diagnose(request, options)
      .then((result) => {
        record.result = result;
        return result;
      })
      .catch((err: unknown) => {
        // The engine reports problems as diagnoses; reaching here is a bug. End the run visibly.
        const message = err instanceof Error ? err.message : String(err);
        const result = internalErrorResult(runId, request, message, started);
        record.result = result;
        if (!quiet) {
          client.sendEvent({ type: 'log', runId, ms: Date.now() - started, source: 'engine', text: `internal error: ${message}` });
          client.sendEvent({ type: 'done', runId, result });
        }
        return result;
      })
      .finally(() => {
        for (const resolve of run.prompts.values()) resolve({ promptId: '', kind: 'secret', answers: null });
        this.#runs.delete(runId);
      });
    return { runId, done };
  }

  cancel(runId: string, client: RunClient): boolean {
    const run = this.#runs.get(runId);
    if (!run || run.client !== client) return false;
    run.controller.abort();
    return true;
  }

  answer(runId: string, answer: PromptAnswer, client: RunClient): boolean {
    const run = this.#runs.get(runId);
    if (!run || run.client !== client) return false;
    const resolve = run.prompts.get(answer.promptId);
    if (!resolve) return false;
    run.prompts.delete(answer.promptId);
    resolve(answer);
    return true;
  }

  /** Cancels every run of a client that went away (window closed, tab closed). */
  dropClient(client: RunClient): void {
    for (const run of this.#runs.values()) if (run.client === client) run.controller.abort();
  }

  /** A run this client started (finished or not). */
  record(runId: string, client: RunClient): RunRecord | undefined {
    const record = this.#records.get(runId);
    return record && record.client === client ? record : undefined;
  }

  /** The chain of runs ending at this one: the first attempt, then each re-check after a fix. */
  chain(runId: string, client: RunClient): RunRecord[] {
    const out: RunRecord[] = [];
    let record = this.record(runId, client);
    while (record && out.length < MAX_RECORDS) {
      out.unshift(record);
      record = record.previous ? this.record(record.previous.runId, client) : undefined;
    }
    return out;
  }

  #ask(run: ActiveRun, record: RunRecord, prompt: PromptRequest): Promise<PromptAnswer> {
    return new Promise((resolve) => {
      const cancelAnswer: PromptAnswer =
        prompt.kind === 'hostkey' ? { promptId: prompt.promptId, kind: 'hostkey', decision: 'cancel' } : { promptId: prompt.promptId, kind: 'secret', answers: null };
      const timer = setTimeout(() => finish(cancelAnswer), PROMPT_TIMEOUT_MS);
      const onAbort = () => finish(cancelAnswer);
      const finish = (answer: PromptAnswer) => {
        clearTimeout(timer);
        run.controller.signal.removeEventListener('abort', onAbort);
        run.prompts.delete(prompt.promptId);
        if (answer.kind === 'secret' && answer.answers) for (const a of answer.answers) if (a) record.answers.push(new Secret(a));
        resolve(answer.kind === prompt.kind ? answer : cancelAnswer);
      };
      run.controller.signal.addEventListener('abort', onAbort, { once: true });
      run.prompts.set(prompt.promptId, finish);
      run.client.sendPrompt(prompt);
    });
  }
}

/** The result of a run the engine could not finish (a bug): said plainly, with a next step. */
function internalErrorResult(runId: string, request: ConnectionRequest, message: string, started: number): RunResult {
  return {
    runId,
    request: summarizeRequest(request, timeoutOf(request)),
    diagnosis: {
      code: 'INTERNAL_ERROR',
      ok: false,
      phase: PHASES[0],
      title: 'SFTP Doctor stopped because of an error of its own',
      explanation: `The check could not finish because of a fault in SFTP Doctor, not in your connection (${message}).`,
      nextStep: 'Try again. If it happens again, export a support bundle and report it to the SFTP Doctor team.',
      evidence: [{ label: 'Error', value: message, mono: true }],
      fixes: [],
      actions: [],
    },
    steps: [],
    facts: {},
    startedAt: new Date(started).toISOString(),
    totalMs: Date.now() - started,
  };
}
