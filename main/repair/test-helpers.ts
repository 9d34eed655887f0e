/** Shared by the repair tests: run the real engine, apply a fix, re-check with the engine again. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RepairInput } from '../../shared/api';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { diagnose, ENGINE_PHASES } from '../diagnose/index';
import { applyRepair, planRepair, type RepairApplied, type RepairContext } from './index';

/** Engine part 2 (auth + SFTP) is present: a full run ends with OK instead of OK_TRANSPORT. */
export const ENGINE_HAS_AUTH = ENGINE_PHASES.some((p) => p.phase === 'auth');
/** What a run to a working server ends with, whichever parts of the engine exist. */
export const WORKING = ENGINE_HAS_AUTH ? 'OK' : 'OK_TRANSPORT';

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `repair-${prefix}-`));
}

export async function check(request: ConnectionRequest, knownHosts: string): Promise<RunResult> {
  return diagnose({ timeoutMs: 4000, ...request }, { defaultKnownHostsPath: knownHosts });
}

export interface Repaired {
  before: RunResult;
  applied: RepairApplied;
  after: RunResult | null;
}

/** Diagnoses, applies one fix, and diagnoses again with the request the fix returned. */
export async function repairOnce(request: ConnectionRequest, knownHosts: string, fixId: string, input: RepairInput, extra: Partial<RepairContext> = {}): Promise<Repaired> {
  const before = await check(request, knownHosts);
  const ctx: RepairContext = { request, result: before, defaultKnownHostsPath: knownHosts, ...extra };
  const applied = await applyRepair(ctx, fixId, input);
  const after = applied.nextRequest ? await check(applied.nextRequest, knownHosts) : null;
  return { before, applied, after };
}

export { planRepair };

/** Mode bits of a local file, as "600". */
export async function modeOf(file: string): Promise<string> {
  return ((await fs.stat(file)).mode & 0o777).toString(8);
}
