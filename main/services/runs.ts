/**
 * Keeps the diagnosis runs a front end started: routes their events and prompts back to the
 * client that started them, and the client's answers back to the waiting engine.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectionRequest, PromptAnswer, PromptRequest, RunEvent, RunResult } from '../../shared/types';
import type { DiagnoseOptions } from '../diagnose/options';

export type DiagnoseFn = (request: ConnectionRequest, options: DiagnoseOptions) => Promise<RunResult>;

/** Where a run's events go: one connected window or browser tab. */
export interface RunClient {
  sendEvent(event: RunEvent): void;
  sendPrompt(prompt: PromptRequest): void;
}

interface ActiveRun {
  client: RunClient;
  controller: AbortController;
  prompts: Map<string, (answer: PromptAnswer) => void>;
}

/** How long a question may wait for the user before the run gives up on it. */
const PROMPT_TIMEOUT_MS = 10 * 60 * 1000;

export class RunManager {
  readonly #runs = new Map<string, ActiveRun>();
  /** Finished results, kept for the bundle writer and the log view (most recent last, bounded). */
  readonly #finished = new Map<string, RunResult>();

  constructor(
    private readonly diagnose: DiagnoseFn,
    private readonly knownHostsPath: () => string,
  ) {}

  start(request: ConnectionRequest, client: RunClient): string {
    const runId = randomUUID();
    const run: ActiveRun = { client, controller: new AbortController(), prompts: new Map() };
    this.#runs.set(runId, run);
    const options: DiagnoseOptions = {
      runId,
      signal: run.controller.signal,
      defaultKnownHostsPath: this.knownHostsPath(),
      onEvent: (event) => client.sendEvent(event),
      prompt: (prompt) => this.#ask(run, prompt),
    };
    void this.diagnose(request, options)
      .then((result) => {
        this.#finished.set(runId, result);
        while (this.#finished.size > 20) this.#finished.delete(this.#finished.keys().next().value!);
      })
      .catch((err: unknown) => {
        // The engine reports problems as diagnoses; reaching here is a bug. Tell the user plainly.
        client.sendEvent({ type: 'log', runId, ms: 0, source: 'engine', text: `internal error: ${err instanceof Error ? err.message : String(err)}` });
      })
      .finally(() => {
        for (const resolve of run.prompts.values()) resolve({ promptId: '', kind: 'secret', answers: null });
        this.#runs.delete(runId);
      });
    return runId;
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

  result(runId: string): RunResult | undefined {
    return this.#finished.get(runId);
  }

  #ask(run: ActiveRun, prompt: PromptRequest): Promise<PromptAnswer> {
    return new Promise((resolve) => {
      const cancelAnswer: PromptAnswer =
        prompt.kind === 'hostkey' ? { promptId: prompt.promptId, kind: 'hostkey', decision: 'cancel' } : { promptId: prompt.promptId, kind: 'secret', answers: null };
      const timer = setTimeout(() => finish(cancelAnswer), PROMPT_TIMEOUT_MS);
      const onAbort = () => finish(cancelAnswer);
      const finish = (answer: PromptAnswer) => {
        clearTimeout(timer);
        run.controller.signal.removeEventListener('abort', onAbort);
        run.prompts.delete(prompt.promptId);
        resolve(answer.kind === prompt.kind ? answer : cancelAnswer);
      };
      run.controller.signal.addEventListener('abort', onAbort, { once: true });
      run.prompts.set(prompt.promptId, finish);
      run.client.sendPrompt(prompt);
    });
  }
}
