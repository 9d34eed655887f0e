import { randomUUID } from 'node:crypto';
import { PHASES, type Phase } from '../../shared/codes';
import type { ConnectionRequest, Facts, RequestSummary, RunEvent, RunResult, StepSummary } from '../../shared/types';
import { RunAborted, type LinkState, type PhaseModule, type PhaseOutcome, type RunContext } from './context';
import type { DiagnoseOptions } from './options';
import { authPhase } from './phases/auth';
import { bannerPhase } from './phases/banner';
import { dnsPhase } from './phases/dns';
import { hostkeyPhase } from './phases/hostkey';
import { inputPhase } from './phases/input';
import { kexPhase } from './phases/kex';
import { sftpPhase } from './phases/sftp';
import { tcpPhase } from './phases/tcp';
import { diagnoseFacts, type RunEnd } from './rules';

export type { DiagnoseOptions } from './options';
// Helpers front ends share with the engine (the form's live checks, the CLI's TARGET and --trust-host-key).
export { checkInput, parseHostField, parsePort } from './phases/input';
export { fingerprintMatches, describeHostKey } from './phases/hostkey';
export { FIX_CATALOG, FIX_IDS, makeFix, type FixId } from './fixes';
export { TEXTS, FIX_TEXTS } from './texts';
export { clientAlgorithms, ssh2AlgorithmOption } from './algorithms';

/**
 * The phases, in order. Each reads the facts so far and returns its own; the first that stops the
 * run hands the facts to the rules. The input phase also opens the private key (before any
 * network); auth answers ctx.link.transport.authTurns; sftp opens the session and lists the start
 * folder. A run that passes every phase ends with OK.
 */
export const ENGINE_PHASES: readonly PhaseModule[] = [inputPhase, dnsPhase, tcpPhase, bannerPhase, kexPhase, hostkeyPhase, authPhase, sftpPhase];

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Share of the budget kept for the port probes that follow a failure (capped at 3 s). */
const PROBE_SHARE = 0.3;
const PROBE_CAP_MS = 3000;
/** The hard stop fires a little after the budget so phases can report their own timeouts first. */
const HARD_STOP_GRACE_MS = 300;

export function summarizeRequest(request: ConnectionRequest, timeoutMs: number): RequestSummary {
  return {
    protocol: request.protocol,
    host: request.host,
    port: request.port ?? null,
    user: request.user,
    passwordGiven: !!request.password,
    keyGiven: !!(request.privateKey?.path || request.privateKey?.text || request.privateKey?.base64),
    keyPath: request.privateKey?.path ?? null,
    passphraseGiven: !!request.passphrase,
    useAgent: request.useAgent ?? true,
    identitiesOnly: request.identitiesOnly ?? false,
    legacyAlgorithms: request.legacyAlgorithms ?? [],
    knownHostsPath: request.knownHostsPath ?? null,
    startPath: request.startPath ?? null,
    timeoutMs,
  };
}

/** Removes every secret of the request from a text (belt and braces: no secret is given to ssh2 here). */
function makeRedactor(request: ConnectionRequest): (text: string) => string {
  const secrets = [request.password, request.passphrase, request.privateKey?.text, request.privateKey?.base64].filter((s): s is string => !!s && s.length >= 3);
  if (secrets.length === 0) return (t) => t;
  return (t) => secrets.reduce((acc, s) => acc.split(s).join('[secret]'), t);
}

/**
 * Runs a real connection phase by phase and returns ONE diagnosis. Never throws for network or
 * server problems; honours options.signal (CANCELLED) and request.timeoutMs (default 10 s).
 */
export async function diagnose(request: ConnectionRequest, options: DiagnoseOptions): Promise<RunResult> {
  const runId = options.runId ?? randomUUID();
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const timeoutMs = request.timeoutMs && request.timeoutMs > 0 ? request.timeoutMs : DEFAULT_TIMEOUT_MS;
  const redact = makeRedactor(request);
  const emit = (event: RunEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A front end's listener failing must not break the run.
    }
  };

  // Budget: a deadline that can be paused while a person answers a prompt.
  let deadline = started + timeoutMs;
  let probeMark = deadline - Math.min(timeoutMs * PROBE_SHARE, PROBE_CAP_MS);
  const abort = new AbortController();
  let hardStop: NodeJS.Timeout | undefined;
  const armHardStop = () => {
    if (hardStop) clearTimeout(hardStop);
    hardStop = setTimeout(() => abort.abort(new RunAborted('timeout')), Math.max(0, deadline - Date.now() + HARD_STOP_GRACE_MS));
  };
  armHardStop();
  const onCancel = () => abort.abort(new RunAborted('cancelled'));
  if (options.signal?.aborted) onCancel();
  else options.signal?.addEventListener('abort', onCancel, { once: true });

  const cleanups: (() => void)[] = [];
  const facts: Facts = {};
  const link: LinkState = {};
  const steps: StepSummary[] = [];
  let current: { phase: Phase; started: number } | null = null;

  const ctx: RunContext = {
    runId,
    request,
    options,
    facts,
    link,
    signal: abort.signal,
    elapsed: () => Date.now() - started,
    remaining: () => Math.max(0, deadline - Date.now()),
    remainingBeforeProbes: () => Math.max(0, probeMark - Date.now()),
    pauseBudget: () => {
      const pausedAt = Date.now();
      if (hardStop) clearTimeout(hardStop);
      let resumed = false;
      return () => {
        if (resumed) return;
        resumed = true;
        const paused = Date.now() - pausedAt;
        deadline += paused;
        probeMark += paused;
        armHardStop();
      };
    },
    log: (text, source = 'engine') => emit({ type: 'log', runId, ms: Date.now() - started, source, text: redact(text) }),
    progress: (detail) => {
      if (current) emit({ type: 'phase', runId, phase: current.phase, status: 'running', ms: Date.now() - current.started, detail: redact(detail), budgetMs: Math.max(0, deadline - Date.now()) });
    },
    onCleanup: (fn) => cleanups.push(fn),
  };

  let end: RunEnd = { stoppedAt: null, lastPhase: 'input' };
  try {
    for (const mod of ENGINE_PHASES) {
      if (abort.signal.aborted) break;
      current = { phase: mod.phase, started: Date.now() };
      emit({ type: 'phase', runId, phase: mod.phase, status: 'running', ms: 0, detail: '', budgetMs: Math.max(0, deadline - Date.now()) });
      let outcome: PhaseOutcome;
      try {
        outcome = await mod.run(ctx);
      } catch (err) {
        if (err instanceof RunAborted) outcome = { status: 'fail', detail: err.message, stop: true };
        else throw err;
      }
      Object.assign(facts, outcome.facts ?? {});
      const ms = Date.now() - current.started;
      const detail = redact(outcome.detail);
      steps.push({ phase: mod.phase, status: outcome.status, ms, detail });
      emit({ type: 'phase', runId, phase: mod.phase, status: outcome.status, ms, detail });
      end = { stoppedAt: outcome.stop ? mod.phase : null, lastPhase: mod.phase };
      if (outcome.stop) break;
    }
    const reason = abort.signal.reason as unknown;
    if (abort.signal.aborted && reason instanceof RunAborted && reason.reason === 'cancelled') end = { ...end, cancelled: true };
  } catch (err) {
    end = { ...end, stoppedAt: current?.phase ?? 'input', internalError: err instanceof Error ? err.message : String(err) };
    if (current && !steps.some((s) => s.phase === current!.phase)) steps.push({ phase: current.phase, status: 'fail', ms: Date.now() - current.started, detail: 'Internal error' });
  } finally {
    if (hardStop) clearTimeout(hardStop);
    options.signal?.removeEventListener('abort', onCancel);
    for (const fn of cleanups.reverse()) {
      try {
        fn();
      } catch {
        // clean-ups are best effort and must all run
      }
    }
  }

  // Phases that did not run are reported as skipped, so every front end shows the whole list.
  const ran = new Set(steps.map((s) => s.phase));
  for (const phase of PHASES) {
    if (ran.has(phase)) continue;
    const implemented = ENGINE_PHASES.some((m) => m.phase === phase);
    const detail = implemented ? 'Not reached' : 'Not checked by this version';
    steps.push({ phase, status: 'skipped', ms: 0, detail });
    emit({ type: 'phase', runId, phase, status: 'skipped', ms: 0, detail });
  }

  const timings = steps.filter((st) => st.status !== 'skipped').map((st) => ({ phase: st.phase, ms: st.ms }));
  const diagnosis = diagnoseFacts(facts, { ...end, timings });
  const result: RunResult = { runId, request: summarizeRequest(request, timeoutMs), diagnosis, steps, facts, startedAt, totalMs: Date.now() - started };
  emit({ type: 'done', runId, result });
  return result;
}
