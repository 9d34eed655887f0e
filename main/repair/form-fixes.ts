/**
 * Fixes of kind 'form': they change only the attempt's settings, through the same applyFormFix the
 * window uses (shared/form-fix.ts). When the attempt came from a saved site (request.siteId), or
 * `repair --save-site` named one, what the fix changed is stored with that site only (no secret,
 * nothing global); otherwise it lasts for this attempt and the window's Save keeps it.
 */
import { promises as fs } from 'node:fs';
import { FIX_META, type FormFix, type FormFixId } from '../../shared/fixes';
import { applyFormFix, sitePatch, type FormFixResult } from '../../shared/form-fix';
import { logChanges, requireConfirmed, withRequest } from './common';
import { matchFingerprint } from '../../shared/fingerprint';
import { RepairError, type FixHandler, type PlanBody, type RepairContext, type SettingsPatch } from './types';

function describe(patch: SettingsPatch): string {
  return Object.entries(patch)
    .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v ? JSON.stringify(v) : String(v)}`)
    .join('; ');
}

/** Stores the patch with the saved site (when the attempt came from one). Returns what it did. */
async function persist(ctx: RepairContext, patch: SettingsPatch): Promise<{ changes: string[]; backups: string[]; where: string }> {
  const id = ctx.request.siteId;
  if (!id || !ctx.sites || Object.keys(patch).length === 0) return { changes: [], backups: [], where: 'for this attempt (the form); press Save to keep it for the site' };
  const site = await ctx.sites.get(id);
  if (!site) return { changes: [], backups: [], where: 'for this attempt (the saved site no longer exists)' };
  const existed = await fs.stat(ctx.sites.file).then(
    () => true,
    () => false,
  );
  await ctx.sites.save({ id: site.id, name: site.name, folder: site.folder, settings: { ...site.settings, ...patch } });
  return { changes: [`Saved site "${site.folder ? `${site.folder}/` : ''}${site.name}": ${describe(patch)}`], backups: existed ? [`${ctx.sites.file}.bak`] : [], where: `for the saved site "${site.name}" only` };
}

function run(fix: FormFix, ctx: RepairContext): Extract<FormFixResult, { ok: true }> {
  const out = applyFormFix(ctx.request, fix);
  if (!out.ok) throw new RepairError('FAILED', out.message);
  return out;
}

const formHandler: FixHandler<FormFixId> = {
  async plan(fix, ctx): Promise<PlanBody> {
    const out = run(fix, ctx);
    const onSite = ctx.request.siteId && ctx.sites && (await ctx.sites.get(ctx.request.siteId));
    const where = Object.keys(sitePatch(out.patch)).length === 0 ? [] : onSite ? ['Stored with this saved site only (no other site changes).'] : ['For this attempt (the form); press Save to keep it for the site. No other site changes.'];
    return { changes: [...out.changes, ...where], needs: fix.risk === 'safe' ? [] : ['confirmation'], ...(out.notes.length ? { notes: out.notes } : {}) };
  },
  async apply(fix, ctx, input) {
    requireConfirmed(fix, input.confirmed);
    if (fix.id === 'connect-once') {
      const key = ctx.result.facts.hostkey?.key;
      if (!key) throw new RepairError('FAILED', 'This attempt has no server key to accept. Connect again first.');
      // A fingerprint typed by the user (CLI --trust-host-key) must name the same key.
      if (input.fingerprint !== undefined && !matchFingerprint(input.fingerprint, key).ok) {
        throw new RepairError('REFUSED', `The fingerprint given does not match the server's key (${key.sha256}). Nothing was accepted.`);
      }
    }
    const out = run(fix, ctx);
    const settings = sitePatch(out.patch);
    const saved = await persist(ctx, settings);
    const logProblem = saved.changes.length ? await logChanges(ctx, fix.id, saved.changes, saved.backups) : null;
    return {
      applied: true,
      changes: [...out.changes, ...saved.changes],
      backups: saved.backups,
      settings,
      nextRequest: withRequest(ctx.request, out.patch),
      message: `${out.changes.join('; ')} (${saved.where}). Connecting again to check.${logProblem ? ` ${logProblem}` : ''}`,
    };
  },
};

/** One handler per form fix id: all of them go through applyFormFix. */
export const formFixes = Object.fromEntries(
  Object.keys(FIX_META)
    .filter((id) => FIX_META[id as keyof typeof FIX_META].kind === 'form')
    .map((id) => [id, formHandler]),
) as { [I in FormFixId]: FixHandler<FormFixId> };
