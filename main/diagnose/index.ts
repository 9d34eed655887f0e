import { randomUUID } from 'node:crypto';
import { PHASES, type Phase } from '../../shared/codes';
import type { ConnectionRequest, Facts, JumpHost, RequestSummary, RunEvent, RunResult, StepSummary } from '../../shared/types';
import { RunAborted, type LinkState, type PhaseModule, type PhaseOutcome, type RunContext } from './context';
import type { DiagnoseOptions } from './options';
import { authPhase } from './phases/auth';
import { bannerPhase } from './phases/banner';
import { dnsPhase } from './phases/dns';
import { hostkeyPhase } from './phases/hostkey';
import { inputPhase } from './phases/input';
import { kexPhase } from './phases/kex';
import { forwardTcpPhase, hostPort, proxyLabel, proxyTcpPhase, remoteDnsPhase } from './phases/path';
import { sftpPhase } from './phases/sftp';
import { tcpPhase } from './phases/tcp';
import { holdPhase } from './phases/hold';
import { writePhase } from './phases/write';
import { speedPhase } from './phases/speed';
import { diagnoseFacts, type RunEnd } from './rules/index';
import { DEFAULT_TIMEOUT_MS, timeoutOf } from '../../shared/defaults';

export type { DiagnoseOptions } from './options';
// Helpers front ends share with the engine (the form's live checks, the CLI's TARGET and --trust-host-key).
export { checkInput, parseHostField, parsePort } from './phases/input';
export { fingerprintMatches, describeHostKey } from './phases/hostkey';
export { FIX_META, FIX_IDS, makeFix, type FixId } from '../../shared/fixes';
export { TEXTS, FIX_TEXTS } from '../../shared/texts/index';
export { clientAlgorithms, ssh2AlgorithmOption } from './algorithms';

/**
 * The phases, in order. Each reads the facts so far and returns its own; the first that stops the
 * run hands the facts to the rules. The input phase also opens the private key (before any
 * network); auth answers ctx.link.transport.authTurns; sftp opens the session and lists the start
 * folder; write creates, reads back and removes a test file there (unless switched off); hold
 * stays idle as long as asked, then proves the session still answers. A run that passes every
 * phase ends with OK (OK_READ_ONLY when writing was not checked).
 */
export const ENGINE_PHASES: readonly PhaseModule[] = [inputPhase, dnsPhase, tcpPhase, bannerPhase, kexPhase, hostkeyPhase, authPhase, sftpPhase, writePhase, holdPhase, speedPhase];

/** A jump host runs these (its form is the request's; it has no SFTP session of its own). */
const JUMP_PHASES: readonly PhaseModule[] = [dnsPhase, tcpPhase, bannerPhase, kexPhase, hostkeyPhase, authPhase];
/** The target, once the form is checked. */
const TARGET_PHASES: readonly PhaseModule[] = ENGINE_PHASES.filter((m) => m !== inputPhase);

/** A leg's phases: the name lookup and the connection are the proxy's or the jump host's when the leg is reached through one. */
function legModules(link: LinkState, phases: readonly PhaseModule[]): PhaseModule[] {
  const via = link.via;
  if (!via) return [...phases];
  return phases.map((m) => (m === dnsPhase ? remoteDnsPhase : m === tcpPhase ? (via.kind === 'proxy' ? proxyTcpPhase : forwardTcpPhase) : m));
}

/** The jump hosts of a request with their ports filled in. */
function planPath(request: ConnectionRequest): { hops: (JumpHost & { port: number })[] } {
  return { hops: (request.jumpHosts ?? []).map((h) => ({ ...h, host: h.host.trim(), port: h.port ?? 22 })) };
}

export { DEFAULT_TIMEOUT_MS };
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
    ...(request.legacyAlgorithmsAuto ? { legacyAlgorithmsAuto: true } : {}),
    knownHostsPath: request.knownHostsPath ?? null,
    startPath: request.startPath ?? null,
    timeoutMs,
    ...(request.jumpHosts?.length ? { jumpHosts: request.jumpHosts.map((h) => `${h.user ? `${h.user}@` : ''}${hostPort(h.host, h.port ?? 22)}`) } : {}),
    ...(request.proxy ? { proxy: `${request.proxy.type}://${request.proxy.user ? `${request.proxy.user}@` : ''}${hostPort(request.proxy.host, request.proxy.port)}` } : {}),
    writeTest: request.writeTest !== false,
    holdSeconds: request.holdSeconds ?? 0,
    keepaliveSeconds: request.keepaliveSeconds ?? 0,
  };
}

/** Removes every secret of the request from a text (belt and braces: no secret is given to ssh2 here). */
function makeRedactor(request: ConnectionRequest): (text: string) => string {
  const secrets = [request.password, request.passphrase, request.privateKey?.text, request.privateKey?.base64, request.proxy?.password, ...(request.jumpHosts ?? []).map((h) => h.password)].filter((s): s is string => !!s && s.length >= 3);
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
  const timeoutMs = timeoutOf(request);
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
  let pauses = 0;
  let pausedAt = 0;
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
  let current: { phase: Phase; started: number; hop?: number; hopLabel?: string } | null = null;
  const hopFields = (hop?: number, hopLabel?: string) => (hop === undefined ? {} : { hop, ...(hopLabel ? { hopLabel } : {}) });

  const makeContext = (req: ConnectionRequest, legFacts: Facts, legLink: LinkState): RunContext => ({
    runId,
    request: req,
    options,
    facts: legFacts,
    link: legLink,
    signal: abort.signal,
    elapsed: () => Date.now() - started,
    remaining: () => Math.max(0, deadline - Date.now()),
    remainingBeforeProbes: () => Math.max(0, probeMark - Date.now()),
    pauseBudget: () => {
      // Pauses nest (a passphrase prompt inside the key check): only the outermost one moves the deadline.
      if (pauses++ === 0) {
        pausedAt = Date.now();
        if (hardStop) clearTimeout(hardStop);
      }
      let resumed = false;
      return () => {
        if (resumed) return;
        resumed = true;
        if (--pauses > 0) return;
        const paused = Date.now() - pausedAt;
        deadline += paused;
        probeMark += paused;
        armHardStop();
      };
    },
    log: (text, source = 'engine') => emit({ type: 'log', runId, ms: Date.now() - started, source, text: redact(text) }),
    progress: (detail) => {
      if (current) emit({ type: 'phase', runId, phase: current.phase, status: 'running', ms: Date.now() - current.started, detail: redact(detail), budgetMs: Math.max(0, deadline - Date.now()), ...hopFields(current.hop, current.hopLabel) });
    },
    onCleanup: (fn) => cleanups.push(fn),
  });
  const ctx = makeContext(request, facts, link);

  /** Runs one phase module of one leg; returns the outcome (facts merged into the leg's facts). */
  const runPhase = async (mod: PhaseModule, legCtx: RunContext, legFacts: Facts, hop?: number, hopLabel?: string): Promise<PhaseOutcome> => {
    current = { phase: mod.phase, started: Date.now(), ...hopFields(hop, hopLabel) };
    emit({ type: 'phase', runId, phase: mod.phase, status: 'running', ms: 0, detail: '', budgetMs: Math.max(0, deadline - Date.now()), ...hopFields(hop, hopLabel) });
    let outcome: PhaseOutcome;
    try {
      outcome = await mod.run(legCtx);
    } catch (err) {
      if (err instanceof RunAborted) outcome = { status: 'fail', detail: err.message, stop: true };
      else throw err;
    }
    Object.assign(legFacts, outcome.facts ?? {});
    const ms = Date.now() - current.started;
    const detail = redact(outcome.detail);
    steps.push({ phase: mod.phase, ...(hop === undefined ? {} : { hop }), status: outcome.status, ms, detail });
    emit({ type: 'phase', runId, phase: mod.phase, status: outcome.status, ms, detail, ...hopFields(hop, hopLabel) });
    return outcome;
  };

  let end: RunEnd = { stoppedAt: null, lastPhase: 'input' };
  try {
    const plan = planPath(request);
    // The target's form (and the private key every hop may use) first.
    const inputOutcome = abort.signal.aborted ? null : await runPhase(inputPhase, ctx, facts);
    if (inputOutcome) end = { stoppedAt: inputOutcome.stop ? 'input' : null, lastPhase: 'input' };
    let stopped = !inputOutcome || !!inputOutcome.stop;
    if (plan.hops.length) facts.path = { hops: plan.hops.map((h, index) => ({ index, host: h.host, port: h.port, user: h.user || facts.input?.user || request.user, status: 'not-reached' as const })) };

    // Each jump host: its own phases, on a connection the proxy or the previous jump host made.
    let previous: { client: import('ssh2').Client; label: string; hop: number } | null = null;
    for (let i = 0; i < plan.hops.length && !stopped && !abort.signal.aborted; i++) {
      const hop = plan.hops[i]!;
      const user = hop.user || facts.input!.user;
      const hopRequest: ConnectionRequest = { ...request, host: hop.host, port: hop.port, user, password: hop.password, acceptHostKey: undefined, startPath: undefined, jumpHosts: undefined, proxy: undefined };
      const hopFacts: Facts = { input: { host: hop.host, port: hop.port, user, warnings: [] } };
      const hopLink: LinkState = { ...(link.key ? { key: link.key } : {}) };
      const label = hostPort(hop.host, hop.port);
      if (previous) {
        hopLink.via = { kind: 'jump', hop: previous.hop, label: previous.label, client: previous.client };
        hopLink.resolvedBy = `the jump host ${previous.label}`;
      } else if (request.proxy) {
        hopLink.via = { kind: 'proxy', proxy: request.proxy };
        hopLink.resolvedBy = `the proxy ${proxyLabel(request.proxy)}`;
      }
      const hopCtx = makeContext(hopRequest, hopFacts, hopLink);
      const hopLabel = `Jump host ${plan.hops.length > 1 ? `${i + 1} ` : ''}${label}`;
      for (const mod of legModules(hopLink, JUMP_PHASES)) {
        if (abort.signal.aborted) break;
        const outcome = await runPhase(mod, hopCtx, hopFacts, i, hopLabel);
        end = { stoppedAt: outcome.stop ? mod.phase : null, lastPhase: mod.phase };
        if (outcome.stop) {
          stopped = true;
          break;
        }
      }
      const hopFactsOut = facts.path!.hops[i]!;
      if (stopped || abort.signal.aborted) {
        const d = diagnoseFacts(hopFacts, { stoppedAt: end.stoppedAt ?? end.lastPhase, lastPhase: end.lastPhase });
        Object.assign(hopFactsOut, { status: 'failed', code: d.code, phase: d.phase, title: d.title, explanation: d.explanation, nextStep: d.nextStep, evidence: d.evidence, fixes: d.fixes, actions: d.actions });
        facts.path!.failedHop = i;
        if (hopFacts.proxy) facts.proxy = hopFacts.proxy;
        if (hopFacts.forward) facts.forward = hopFacts.forward;
        stopped = true;
      } else {
        hopFactsOut.status = 'ok';
      }
      if (hopFacts.server?.software) hopFactsOut.software = hopFacts.server.software;
      if (hopFacts.hostkey) hopFactsOut.hostKey = `${hopFacts.hostkey.key.type} ${hopFacts.hostkey.key.sha256}`;
      if (!hopLink.via && hopFacts.tcp?.local) hopFactsOut.local = hopFacts.tcp.local;
      if (hopFacts.proxy && !stopped) facts.proxy = hopFacts.proxy;
      if (!stopped) previous = { client: hopLink.transport!.client, label, hop: i };
    }

    // The target, directly or over the path.
    if (!stopped) {
      if (previous) {
        link.via = { kind: 'jump', hop: previous.hop, label: previous.label, client: previous.client };
        link.resolvedBy = `the jump host ${previous.label}`;
      } else if (request.proxy) {
        link.via = { kind: 'proxy', proxy: request.proxy };
        link.resolvedBy = `the proxy ${proxyLabel(request.proxy)}`;
      }
      for (const mod of legModules(link, TARGET_PHASES)) {
        if (abort.signal.aborted) break;
        const outcome = await runPhase(mod, ctx, facts);
        end = { stoppedAt: outcome.stop ? mod.phase : null, lastPhase: mod.phase };
        if (outcome.stop) break;
      }
    }
    const reason = abort.signal.reason as unknown;
    if (abort.signal.aborted && reason instanceof RunAborted && reason.reason === 'cancelled') end = { ...end, cancelled: true };
  } catch (err) {
    const cur = current as { phase: Phase; started: number; hop?: number } | null;
    const phase: Phase = cur?.phase ?? 'input';
    const hop = cur?.hop;
    end = { ...end, stoppedAt: phase, internalError: err instanceof Error ? err.message : String(err) };
    if (cur && !steps.some((s) => s.phase === phase && s.hop === hop)) steps.push({ phase, ...(hop === undefined ? {} : { hop }), status: 'fail', ms: Date.now() - cur.started, detail: 'Internal error' });
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

  // The target's phases that did not run are reported as skipped, so every front end shows the whole list.
  const ran = new Set(steps.filter((s) => s.hop === undefined).map((s) => s.phase));
  for (const phase of PHASES) {
    if (ran.has(phase)) continue;
    const implemented = ENGINE_PHASES.some((m) => m.phase === phase);
    const detail = implemented ? 'Not reached' : 'Not checked by this version';
    steps.push({ phase, status: 'skipped', ms: 0, detail });
    emit({ type: 'phase', runId, phase, status: 'skipped', ms: 0, detail });
  }

  const timings = steps.filter((st) => st.status !== 'skipped' && st.hop === undefined).map((st) => ({ phase: st.phase, ms: st.ms }));
  const diagnosis = diagnoseFacts(facts, { ...end, timings });
  const result: RunResult = { runId, request: summarizeRequest(request, timeoutMs), diagnosis, steps, facts, startedAt, totalMs: Date.now() - started };
  emit({ type: 'done', runId, result });
  return result;
}
