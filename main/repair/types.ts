import type { RepairInput, RepairOutcome, RepairPlan } from '../../shared/api';
import type { SiteSettings } from '../../shared/sites';
import type { FixFor, FixId } from '../../shared/fixes';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import type { SiteStore } from '../store/sites';

/** Everything a repair may use: the attempt it repairs (request with its secrets, main only) and where things live. */
export interface RepairContext {
  request: ConnectionRequest;
  result: RunResult;
  /** known_hosts used when the request names none (the app's own store). */
  defaultKnownHostsPath: string;
  /** Saved sites: per-site settings are stored with the site when request.siteId names one. */
  sites?: SiteStore;
  /** Append-only log of every change made (no secrets). Absent: changes are only returned. */
  logFile?: string;
  /** The user's home folder (default os.homedir()): ~/.ssh for new keys. */
  homeDir?: string;
  /** Time budget for server-side work, in ms (default: the request's timeout or 10 s). */
  timeoutMs?: number;
}

/** What one fix contributes to a plan (the common fields are added by planRepair). */
export interface PlanBody {
  changes: string[];
  needs: RepairPlan['needs'];
  notes?: string[];
}

/** What applying a fix did, before the re-check run is started. */
export interface RepairApplied extends Omit<RepairOutcome, 'runId'> {
  /** The request to re-check with, or null when nothing can be re-checked (admin message, FTP). */
  nextRequest: ConnectionRequest | null;
}

/** Carries out the fixes with the ids I (typed params: fix.params matches the catalog). */
export interface FixHandler<I extends FixId = FixId> {
  plan(fix: FixFor<I>, ctx: RepairContext): Promise<PlanBody>;
  apply(fix: FixFor<I>, ctx: RepairContext, input: RepairInput): Promise<Omit<RepairApplied, 'fixId'>>;
}

export type RepairErrorCode = 'NOT_OFFERED' | 'NEEDS_CONFIRMATION' | 'NEEDS_INPUT' | 'REFUSED' | 'FAILED';

/** A repair that cannot go ahead, with one sentence saying why and what to do. */
export class RepairError extends Error {
  override readonly name = 'RepairError';
  constructor(
    readonly code: RepairErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type SettingsPatch = Partial<SiteSettings>;
