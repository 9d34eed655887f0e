/** The repair:* channels: a fix's dry run, then applying it and re-checking in a new run (chained for the bundle). */
import path from 'node:path';
import type { ApiRequests } from '../../shared/api';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { applyRepair, planRepair, RepairError, type RepairContext } from '../repair/index';
import type { SiteStore } from '../store/sites';
import { ApiError } from './errors';
import type { CallContext } from './handlers';
import type { RunManager } from './runs';

type RepairChannel = 'repair:plan' | 'repair:apply';
export type RepairHandlers = { [K in RepairChannel]: (args: ApiRequests[K]['args'], ctx: CallContext) => Promise<ApiRequests[K]['result']> };

export interface RepairDeps {
  runs: RunManager;
  sites: SiteStore;
  dataDir: string;
  /** The app's own known_hosts (used when a request names none). */
  knownHostsPath: () => string;
}

/** The log of every change made by a repair (JSON lines, no secrets), in the app's data folder. */
export const REPAIR_LOG = 'repairs.log';

/** The context a repair of this attempt runs in: the saved sites, the app's known_hosts, the repair log. */
export function repairContextFor(deps: Omit<RepairDeps, 'runs'>, request: ConnectionRequest, result: RunResult): RepairContext {
  return { request, result, defaultKnownHostsPath: deps.knownHostsPath(), sites: deps.sites, logFile: path.join(deps.dataDir, REPAIR_LOG) };
}

function contextFor(runId: string, ctx: CallContext, deps: RepairDeps): RepairContext {
  const record = deps.runs.record(runId, ctx.client);
  if (!record) throw new ApiError('INVALID_ARGUMENT', 'That attempt is no longer in memory: connect again, then apply the fix.');
  // The 'done' event reaches the window a moment before the run's promise settles: use it too.
  const done = record.events.findLast((e) => e.type === 'done');
  const result = record.result ?? (done?.type === 'done' ? done.result : undefined);
  if (!result) throw new ApiError('FAILED', 'The check is still running: wait for its result, then apply the fix.');
  return repairContextFor(deps, record.request, result);
}

function asApiError(err: unknown): never {
  if (err instanceof RepairError) throw new ApiError(err.code === 'NOT_OFFERED' ? 'INVALID_ARGUMENT' : 'FAILED', err.message);
  throw err;
}

export function repairHandlers(deps: RepairDeps): RepairHandlers {
  return {
    'repair:plan': async ([runId, fixId], ctx) => planRepair(contextFor(runId, ctx, deps), fixId).catch(asApiError),
    'repair:apply': async ([runId, fixId, input], ctx) => {
      const repairCtx = contextFor(runId, ctx, deps);
      const applied = await applyRepair(repairCtx, fixId, input).catch(asApiError);
      const { nextRequest, ...outcome } = applied;
      let recheck: string | null = null;
      if (nextRequest) {
        const fix = repairCtx.result.diagnosis.fixes.find((f) => f.id === fixId);
        recheck = deps.runs.start(nextRequest, ctx.client, { runId, fix: { id: fixId, label: fix?.label ?? fixId, detail: applied.changes.join('; ') || applied.message } });
      }
      return { ...outcome, runId: recheck };
    },
  };
}
