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
import type { Fix, RunResult } from '../../shared/types';
import { FIX_CATALOG, makeFix, type FixId } from '../diagnose/index';
import { adminFix, adminMessage } from './admin';
import { requireConfirmed } from './common';
import { formFixes } from './form-fixes';
import { hostKeyFixes } from './host-keys';
import { keyFixes } from './key-fixes';
import { serverFixes } from './server-fixes';
import { siteSettingFixes } from './site-settings';
import { RepairError, type FixHandler, type RepairApplied, type RepairContext } from './types';

export { RepairError, type RepairApplied, type RepairContext } from './types';
export { matchFingerprint, type FingerprintCheck } from './fingerprint';
export { adminMessage };
export { algorithmRisk } from './site-settings';

const HANDLERS: Record<string, FixHandler> = {
  ...formFixes,
  ...hostKeyFixes,
  ...siteSettingFixes,
  ...keyFixes,
  ...serverFixes,
  'ask-admin': adminFix,
};

/** Fix ids this module can carry out. */
export const REPAIRABLE_FIX_IDS: readonly string[] = Object.keys(HANDLERS);

const TIMEOUT_CODES = new Set(['TCP_TIMEOUT', 'BANNER_TIMEOUT']);

/**
 * Fixes that may be applied although the diagnosis did not list them: a new key pair (when the user
 * has none), a keepalive, more time after a timeout, and a message for the administrator.
 */
function unlistedFix(id: string, result: RunResult): Fix | null {
  switch (id) {
    case 'generate-ed25519-key':
      return makeFix('generate-ed25519-key');
    case 'keepalive':
      return makeFix('keepalive', { seconds: 30 });
    case 'increase-timeout':
      return TIMEOUT_CODES.has(result.diagnosis.code) ? makeFix('increase-timeout', { seconds: Math.round((result.request.timeoutMs * 2) / 1000) }) : null;
    case 'ask-admin':
      return result.diagnosis.ok ? null : makeFix('ask-admin', {});
    default:
      return null;
  }
}

/** The fix as offered by this diagnosis (with its params), or null when it does not apply here. */
export function findFix(result: RunResult, fixId: string): Fix | null {
  return result.diagnosis.fixes.find((f) => f.id === fixId) ?? unlistedFix(fixId, result);
}

/** Fixes --yes may apply on its own: safe, carried out here, and needing nothing from the user. */
export function isAutoApplicable(fix: Fix): boolean {
  return fix.risk === 'safe' && fix.kind !== 'admin' && fix.id in HANDLERS && FIX_CATALOG[fix.id as FixId]?.risk === 'safe';
}

function resolve(ctx: RepairContext, fixId: string): { fix: Fix; handler: FixHandler } {
  const handler = HANDLERS[fixId];
  if (!handler) {
    const known = fixId in FIX_CATALOG;
    throw new RepairError('NOT_OFFERED', known ? `"${fixId}" is done in the form itself (type the value and connect again); there is nothing to repair here.` : `There is no fix called "${fixId.slice(0, 64)}".`);
  }
  const fix = findFix(ctx.result, fixId);
  if (!fix) throw new RepairError('NOT_OFFERED', `This diagnosis (${ctx.result.diagnosis.code}) does not offer "${fixId}". Use one of the fixes shown with it.`);
  return { fix, handler };
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
