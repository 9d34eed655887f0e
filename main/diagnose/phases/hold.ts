import type { HoldFacts } from '../../../shared/types';
import { RunAborted, type PhaseModule, type PhaseOutcome } from '../context';

/** Longest hold the engine accepts (the CLI and the window say so before a run). */
export const MAX_HOLD_SECONDS = 3600;
/** How long the round trip after the hold may take before the session counts as silently dropped. */
const PROBE_MS = 5000;

/**
 * Stay connected: after the listing (and the write test), send nothing for holdSeconds, then
 * prove the session still answers with one SFTP round trip. A reset or close while idle is seen
 * as it happens (its time is exact); a black hole (a router that forgot the connection and drops
 * its packets) shows only when the round trip gets no answer, so then the time is an upper bound.
 * The hold does not count against the time budget (the clock is stopped while idle); the round
 * trip does. Keepalives, when the request asks for them, are ssh2's own (transport.ts).
 */
export const holdPhase: PhaseModule = {
  phase: 'hold',
  async run(ctx): Promise<PhaseOutcome> {
    const seconds = Math.min(MAX_HOLD_SECONDS, Math.max(0, Math.floor(ctx.request.holdSeconds ?? 0)));
    if (!seconds) return { status: 'skipped', detail: 'Not asked for', facts: {} };
    const s = ctx.link.sftp;
    const transport = ctx.link.transport;
    if (!s || !transport) return { status: 'skipped', detail: 'No session to hold', facts: {} };
    const keepalive = ctx.request.keepaliveSeconds && ctx.request.keepaliveSeconds > 0 ? ctx.request.keepaliveSeconds : undefined;
    const hold: HoldFacts = { seconds, outcome: 'alive', survivedMs: 0, exact: true, ...(keepalive ? { keepaliveSeconds: keepalive } : {}) };
    const kaNote = keepalive ? ` (keepalive every ${keepalive} s)` : '';

    const started = Date.now();
    const resume = ctx.pauseBudget();
    const ticker = setInterval(() => ctx.progress(`Idle for ${Math.round((Date.now() - started) / 1000)} of ${seconds} s${kaNote}…`), 1000);
    ctx.progress(`Idle for 0 of ${seconds} s${kaNote}…`);
    let waited: Awaited<ReturnType<typeof transport.waitFor<true>>>;
    try {
      waited = await transport.waitFor<true>(() => (s.wire.closed ? true : undefined), seconds * 1000, ctx.signal);
    } finally {
      clearInterval(ticker);
      resume();
    }
    if (waited === 'aborted') throw (ctx.signal.reason as Error) ?? new RunAborted('cancelled');

    const died = (exact: boolean): PhaseOutcome => {
      const f = transport.failure;
      hold.outcome = f ? (f.kind === 'reset' ? 'reset' : 'closed') : s.wire.closed ? 'closed' : 'silent';
      hold.exact = exact && !!f;
      hold.survivedMs = hold.exact && f ? Math.max(0, transport.startedAt + f.atMs - started) : Math.min(Date.now() - started, seconds * 1000);
      if (f) hold.error = f.message.slice(0, 300);
      else if (s.wire.closed) hold.error = 'the server closed the SFTP session';
      const when = hold.exact ? `after ${(hold.survivedMs / 1000).toFixed(1)} s idle` : `within ${seconds} s idle`;
      return { status: 'fail', detail: `The connection was dropped ${when}`, facts: { hold }, stop: true };
    };
    if (waited !== 'timeout') return died(true);

    // Still looks alive: one round trip proves it (a black hole only shows here).
    ctx.progress(`Idle for ${seconds} s; checking that the session still answers…`);
    const t0 = Date.now();
    const limit = Math.max(1000, Math.min(PROBE_MS, ctx.remaining()));
    const answered = await new Promise<'yes' | 'no' | 'aborted'>((resolve) => {
      let settled = false;
      const finish = (v: 'yes' | 'no' | 'aborted') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unwatch();
        ctx.signal.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('no'), limit);
      const unwatch = s.wire.watch(() => {
        if (s.wire.closed) finish('no');
      });
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      s.wire.realpath('.').then(
        () => finish('yes'),
        () => finish('no'),
      );
    });
    hold.probeMs = Date.now() - t0;
    if (answered === 'aborted') {
      const reason = ctx.signal.reason as unknown;
      if (reason instanceof RunAborted && reason.reason === 'cancelled') throw reason;
    }
    if (answered !== 'yes') return died(false);
    hold.survivedMs = Date.now() - started;
    return { status: 'ok', detail: `Stayed connected ${seconds} s idle${kaNote}; the session still answers (${hold.probeMs} ms)`, facts: { hold } };
  },
};
