/**
 * One-click repairs: a fix offered by a diagnosis is planned (dry run: the exact changes and what
 * the user must supply) and applied (the change, then a request to re-check with). The front ends
 * (services for the window, the CLI) start the re-check run themselves.
 *
 *   const plan = await planRepair(ctx, 'trust-host-key');
 *   const applied = await applyRepair(ctx, 'trust-host-key', { confirmed: true, fingerprint: 'SHA256:...' });
 *   if (applied.nextRequest) diagnose(applied.nextRequest, ...);
 */
import type { RepairInput, RepairPlan } from '../../shared/api';
import { FIX_META, isFixId, makeFix, type Fix, type FixId } from '../../shared/fixes';
import type { RunResult } from '../../shared/types';
import { requireConfirmed } from './common';
import { formFixes } from './form-fixes';
import { hostKeyFixes } from './host-keys';
import { keyFixes } from './key-fixes';
import { serverFixes } from './server-fixes';
import { RepairError, type FixHandler, type RepairApplied, type RepairContext } from './types';

export { RepairError, type RepairApplied, type RepairContext } from './types';

/** Every fix of the catalog has its handler here: a fix id without one does not compile. */
const HANDLERS: { [I in FixId]: FixHandler<I> } = {
  ...formFixes,
  ...hostKeyFixes,
  ...keyFixes,
  ...serverFixes,
};

/** Fix ids this module can carry out (all of the catalog). */
export const REPAIRABLE_FIX_IDS: readonly FixId[] = Object.keys(HANDLERS) as FixId[];

const TIMEOUT_CODES = new Set(['TCP_TIMEOUT', 'BANNER_TIMEOUT']);

/**
 * Fixes that may be applied although the diagnosis did not list them: a new key pair (when the user
 * has none), a keepalive, and more time after a timeout.
 */
function unlistedFix(id: FixId, result: RunResult): Fix | null {
  switch (id) {
    case 'generate-ed25519-key':
      return makeFix('generate-ed25519-key');
    case 'keepalive':
      return makeFix('keepalive', { seconds: 30 });
    case 'increase-timeout':
      return TIMEOUT_CODES.has(result.diagnosis.code) ? makeFix('increase-timeout', { seconds: Math.min(120, Math.round((result.request.timeoutMs * 2) / 1000)) }) : null;
    default:
      return null;
  }
}

/** The fix as offered by this diagnosis (with its params), or null when it does not apply here. */
export function findFix(result: RunResult, fixId: string): Fix | null {
  if (!isFixId(fixId)) return null;
  return result.diagnosis.fixes.find((f) => f.id === fixId) ?? unlistedFix(fixId, result);
}

/** Fixes --yes may apply on its own: safe, carried out here, and needing nothing from the user. */
export function isAutoApplicable(fix: Fix): boolean {
  return fix.risk === 'safe' && FIX_META[fix.id].risk === 'safe';
}

function resolve(ctx: RepairContext, fixId: string): { fix: Fix; handler: FixHandler } {
  if (!isFixId(fixId)) throw new RepairError('NOT_OFFERED', `There is no fix called "${fixId.slice(0, 64)}".`);
  const fix = findFix(ctx.result, fixId);
  if (!fix) throw new RepairError('NOT_OFFERED', `This diagnosis (${ctx.result.diagnosis.code}) does not offer "${fixId}". Use one of the fixes shown with it.`);
  // The id selects the handler; its params were built for that id by makeFix.
  return { fix, handler: HANDLERS[fixId] as FixHandler };
}

/** The dry run: exactly what applying the fix would change, and what the user must give first. */
export async function planRepair(ctx: RepairContext, fixId: string): Promise<RepairPlan> {
  const { fix, handler } = resolve(ctx, fixId);
  const body = await handler.plan(fix, ctx);
  return { fixId: fix.id, label: fix.label, risk: fix.risk, kind: fix.kind, ...body };
}

/** Applies the fix (after the checks of its plan) and returns what changed and the request to re-check with. */
export async function applyRepair(ctx: RepairContext, fixId: string, input: RepairInput): Promise<RepairApplied> {
  const { fix, handler } = resolve(ctx, fixId);
  requireConfirmed(fix, input.confirmed);
  const applied = await handler.apply(fix, ctx, input);
  return { fixId: fix.id, ...applied };
}
