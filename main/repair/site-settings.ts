/**
 * Per-site settings: stored with the saved site when the attempt came from one (request.siteId),
 * never globally; otherwise returned as form settings for the window (and the CLI's next round).
 */
import { promises as fs } from 'node:fs';
import type { ConnectionRequest, Fix } from '../../shared/types';
import { list, logChanges, num, requireConfirmed, withRequest } from './common';
import { RepairError, type FixHandler, type PlanBody, type RepairContext, type SettingsPatch } from './types';

/** Why each weak algorithm is weak, in plain words (matched by name). */
const RISKS: { test: RegExp; risk: string }[] = [
  { test: /^diffie-hellman-group1-sha1$/, risk: 'a 1024-bit key exchange group shared by many servers; a well-funded attacker can break it and read the session (Logjam).' },
  { test: /^diffie-hellman-group(14|-exchange)-sha1$/, risk: 'a key exchange that relies on SHA-1, a hash with practical collisions.' },
  { test: /^ssh-dss$/, risk: 'DSA server keys of 1024 bits, too short today and removed from OpenSSH.' },
  { test: /^ssh-rsa$/, risk: 'RSA signatures with SHA-1: a forged server identity is within reach of a determined attacker.' },
  { test: /^3des-cbc$/, risk: 'Triple DES: slow and with a 64-bit block, so long sessions leak data (Sweet32).' },
  { test: /-cbc$/, risk: 'CBC mode: SSH packets in CBC mode allow recovering bits of plaintext in some attacks.' },
  { test: /^arcfour|^blowfish|^cast128/, risk: 'an old cipher with known weaknesses.' },
  { test: /md5|sha1-96|-96$/, risk: 'a weak integrity check (MD5 or truncated) that can let an attacker tamper with data.' },
  { test: /^hmac-sha1/, risk: 'an integrity check with SHA-1; still hard to attack in HMAC form, but outdated.' },
];

export function algorithmRisk(name: string): string {
  return RISKS.find((r) => r.test.test(name))?.risk ?? 'an old algorithm that modern servers and clients no longer use by default.';
}

/** Stores the patch with the saved site (when the attempt came from one). Returns what it did. */
async function persist(ctx: RepairContext, patch: SettingsPatch): Promise<{ changes: string[]; backups: string[]; where: string }> {
  const id = ctx.request.siteId;
  if (!id || !ctx.sites) return { changes: [], backups: [], where: 'for this attempt (the form); press Save to keep it for the site' };
  const site = await ctx.sites.get(id);
  if (!site) return { changes: [], backups: [], where: 'for this attempt (the saved site no longer exists)' };
  const existed = await fs.stat(ctx.sites.file).then(() => true, () => false);
  await ctx.sites.save({ id: site.id, name: site.name, folder: site.folder, settings: { ...site.settings, ...patch } });
  return { changes: [`Saved site "${site.folder ? `${site.folder}/` : ''}${site.name}": ${describe(patch)}`], backups: existed ? [`${ctx.sites.file}.bak`] : [], where: `for the saved site "${site.name}" only` };
}

function describe(patch: SettingsPatch): string {
  return Object.entries(patch)
    .map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join('; ');
}

interface SettingFix {
  patch(fix: Fix, request: ConnectionRequest): { patch: SettingsPatch; request: Partial<ConnectionRequest>; changes: string[]; notes?: string[] };
}

function handler(def: SettingFix): FixHandler {
  return {
    async plan(fix, ctx): Promise<PlanBody> {
      const p = def.patch(fix, ctx.request);
      const where = ctx.request.siteId && ctx.sites && (await ctx.sites.get(ctx.request.siteId)) ? 'Stored with this saved site only (no other site changes).' : 'For this attempt (the form); press Save to keep it for the site. No other site changes.';
      return { changes: [...p.changes, where], needs: fix.risk === 'safe' ? [] : ['confirmation'], ...(p.notes ? { notes: p.notes } : {}) };
    },
    async apply(fix, ctx, input) {
      requireConfirmed(fix, input.confirmed);
      const p = def.patch(fix, ctx.request);
      const saved = await persist(ctx, p.patch);
      const changes = [...p.changes, ...saved.changes];
      const logProblem = saved.changes.length ? await logChanges(ctx, fix.id, saved.changes, saved.backups) : null;
      return {
        applied: true,
        changes,
        backups: saved.backups,
        settings: p.patch,
        nextRequest: withRequest(ctx.request, p.request),
        message: `${p.changes.join('; ')} (${saved.where}). Connecting again to check.${logProblem ? ` ${logProblem}` : ''}`,
      };
    },
  };
}

export const siteSettingFixes: Record<string, FixHandler> = {
  'allow-legacy-algorithms': handler({
    patch(fix, request) {
      const wanted = list(fix.params, 'algorithms');
      if (wanted.length === 0) throw new RepairError('FAILED', 'This fix names no algorithm to allow. Ask the administrator to enable modern algorithms on the server.');
      const current = request.legacyAlgorithms ?? [];
      const merged = [...current, ...wanted.filter((a) => !current.includes(a))];
      return {
        patch: { legacyAlgorithms: merged },
        request: { legacyAlgorithms: merged },
        changes: [`Allow these weak algorithms for this site only: ${wanted.join(', ')}`],
        notes: [
          ...wanted.map((a) => `${a}: ${algorithmRisk(a)}`),
          'Every other site keeps the modern defaults. Best: ask the administrator to enable modern algorithms, then remove these from the site.',
        ],
      };
    },
  }),
  'identities-only': handler({
    patch() {
      return {
        patch: { identitiesOnly: true, useAgent: false },
        request: { identitiesOnly: true, useAgent: false },
        changes: ['Offer only the selected key (identities only); do not offer the key agent\'s other keys'],
      };
    },
  }),
  keepalive: handler({
    patch(fix) {
      // As often as the diagnosis worked out (a router that drops after 4 s idle needs 2 s), at least every second.
      const seconds = Math.min(3600, Math.max(1, Math.round(num(fix.params, 'seconds') ?? 30)));
      return { patch: { keepaliveSeconds: seconds }, request: { keepaliveSeconds: seconds }, changes: [`Send a keepalive every ${seconds} second${seconds === 1 ? '' : 's'} so idle connections are not dropped`] };
    },
  }),
  'use-remote-folder': handler({
    patch(fix, request) {
      const path = fix.params?.path;
      if (typeof path !== 'string' || !path.trim() || path.length > 4096 || [...path].some((c) => c.charCodeAt(0) < 0x20)) throw new RepairError('FAILED', 'This fix names no usable folder. Type the remote folder in the Advanced settings instead.');
      return {
        patch: { startPath: path },
        request: { startPath: path },
        changes: [`Remote folder: ${request.startPath ? `"${request.startPath}"` : 'the home folder'} → "${path}" (a test file could be created there)`],
      };
    },
  }),
  'use-scp': handler({
    patch(_fix, request) {
      return {
        patch: { protocol: 'scp' },
        request: { protocol: 'scp' },
        changes: [`Protocol: ${request.protocol.toUpperCase()} → SCP`],
        notes: ['SCP copies files but cannot list folders, rename or resume; programs like WinSCP still work with it.'],
      };
    },
  }),
};

