/**
 * Checks many saved sites at once, with bounded concurrency: the one service behind the window's
 * "Check all" and `sftp-doctor check`. Each site runs the full diagnosis without anyone to ask
 * (no host-key question, no passphrase prompt: the diagnosis says what was needed), and becomes
 * one row: site, result code, time, first fix.
 */
import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { DEFAULT_CHECK_JOBS, MAX_CHECK_JOBS, type CheckRow, type CheckSelection } from '../../shared/check';
import type { Site } from '../../shared/sites';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { normalizeFolder, resolveSiteTarget, siteFullName, type SiteStore } from '../store/sites';

/** Runs one site's diagnosis (the caller decides how: the run manager, or the engine directly). */
export type SiteRunner = (site: Site, signal: AbortSignal) => Promise<RunResult>;

export class CheckSelectionError extends Error {
  override readonly name = 'CheckSelectionError';
}

function describeTarget(s: Site['settings']): string {
  const port = s.port !== undefined && String(s.port) !== '' && String(s.port) !== '22' ? `:${s.port}` : '';
  return `${s.user ? `${s.user}@` : ''}${s.host}${port}`;
}

function byFullName(a: Site, b: Site): number {
  return siteFullName(a).localeCompare(siteFullName(b));
}

/** Sites in a folder and its sub-folders (case-insensitive, like site names). */
export function sitesInFolder(sites: readonly Site[], folder: string): Site[] {
  const want = normalizeFolder(folder).toLowerCase();
  if (want === '') return [...sites];
  return sites.filter((s) => {
    const f = s.folder.toLowerCase();
    return f === want || f.startsWith(`${want}/`);
  });
}

/**
 * The sites a selection names, sorted by full name. Names (CLI) resolve like diagnose's TARGET;
 * ids (window) must exist. Throws CheckSelectionError with a message a user can act on.
 */
export async function selectSites(store: SiteStore, selection: CheckSelection & { names?: string[] }): Promise<Site[]> {
  const all = await store.list();
  if (selection.names && selection.names.length > 0) {
    const out: Site[] = [];
    for (const name of selection.names) {
      const found = await resolveSiteTarget(name, store);
      if (found.kind === 'ambiguous') throw new CheckSelectionError(found.message);
      if (found.kind === 'none') throw new CheckSelectionError(`There is no saved site called "${name}". "sftp-doctor sites list" shows their names.`);
      if (!out.some((s) => s.id === found.site.id)) out.push(found.site);
    }
    return out;
  }
  if (selection.siteIds) {
    const wanted = new Set(selection.siteIds);
    const picked = all.filter((s) => wanted.has(s.id));
    if (picked.length < wanted.size) throw new CheckSelectionError('Some of the chosen sites no longer exist. Reload the site list and try again.');
    return picked.sort(byFullName);
  }
  if (selection.folder !== undefined) {
    const picked = sitesInFolder(all, selection.folder);
    if (picked.length === 0) throw new CheckSelectionError(`There are no saved sites in the folder "${selection.folder}".`);
    return picked.sort(byFullName);
  }
  return [...all].sort(byFullName);
}

/** The request for a saved site, with its saved password (main only) when it has one. */
export async function requestForSite(store: SiteStore, site: Site): Promise<ConnectionRequest> {
  const request: ConnectionRequest = { ...site.settings, siteId: site.id };
  if (site.hasSavedPassword) {
    const saved = await store.getPassword(site.id).catch(() => undefined);
    if (saved) request.password = saved.reveal();
  }
  return request;
}

export function waitingRow(site: Site): CheckRow {
  return { siteId: site.id, site: siteFullName(site), target: describeTarget(site.settings), state: 'waiting' };
}

export function finishedRow(site: Site, result: RunResult): CheckRow {
  const d = result.diagnosis;
  const fix = d.fixes[0];
  return {
    ...waitingRow(site),
    state: 'done',
    ok: d.ok,
    code: d.code,
    title: d.title,
    phase: d.phase,
    ms: result.totalMs,
    firstFix: fix ? { id: fix.id, label: fix.label } : null,
    nextStep: d.nextStep,
    runId: result.runId,
  };
}

/**
 * At most this many checks talk to the same server at once: OpenSSH starts refusing new
 * connections at random beyond 10 unauthenticated ones (MaxStartups), which would turn a
 * healthy site into a false failure.
 */
export const MAX_PER_SERVER = 8;

function serverKey(site: Site): string {
  return `${site.settings.host.trim().toLowerCase()}|${String(site.settings.port ?? 22).trim()}`;
}

export function clampJobs(jobs: number | undefined): number {
  if (jobs === undefined || !Number.isFinite(jobs)) return DEFAULT_CHECK_JOBS;
  return Math.max(1, Math.min(MAX_CHECK_JOBS, Math.floor(jobs)));
}

export interface CheckOptions {
  jobs?: number;
  signal?: AbortSignal;
  run: SiteRunner;
  /** A row changed (started or finished), with the site's result once finished. */
  onRow?: (index: number, row: CheckRow, result?: RunResult) => void;
}

/**
 * Checks the sites, at most `jobs` at a time, and returns one row per site in the given order.
 * Cancelling (signal) stops starting new sites and aborts the running ones; their rows end as
 * the engine reports them (CANCELLED).
 */
export async function checkSites(sites: readonly Site[], options: CheckOptions): Promise<CheckRow[]> {
  const rows = sites.map(waitingRow);
  const jobs = Math.min(clampJobs(options.jobs), Math.max(1, sites.length));
  const signal = options.signal ?? new AbortController().signal;
  // Every running site's engine listens to this one signal (several listeners each).
  setMaxListeners(Math.max(defaultMaxListeners, jobs * 8), signal);
  const perServer = Math.max(1, Math.min(jobs, MAX_PER_SERVER));
  const waiting = sites.map((_, i) => i);
  const busy = new Map<string, number>();
  const running = new Set<Promise<void>>();

  const checkOne = async (index: number) => {
    const site = sites[index]!;
    rows[index] = { ...rows[index]!, state: 'running' };
    options.onRow?.(index, rows[index]!);
    try {
      const result = await options.run(site, signal);
      rows[index] = finishedRow(site, result);
      options.onRow?.(index, rows[index]!, result);
    } catch (err) {
      // The engine reports problems as diagnoses; reaching here is a fault of ours. Say so in the row.
      rows[index] = { ...waitingRow(site), state: 'done', ok: false, code: 'INTERNAL_ERROR', title: `SFTP Doctor could not check this site: ${(err as Error).message}`, firstFix: null };
      options.onRow?.(index, rows[index]!);
    }
  };

  // Start the next waiting site whose server has room, until `jobs` run; wait for one to end.
  while (waiting.length > 0 && !signal.aborted) {
    const pick = running.size < jobs ? waiting.findIndex((i) => (busy.get(serverKey(sites[i]!)) ?? 0) < perServer) : -1;
    if (pick < 0) {
      await Promise.race(running);
      continue;
    }
    const index = waiting.splice(pick, 1)[0]!;
    const key = serverKey(sites[index]!);
    busy.set(key, (busy.get(key) ?? 0) + 1);
    const job: Promise<void> = checkOne(index).finally(() => {
      busy.set(key, busy.get(key)! - 1);
      running.delete(job);
    });
    running.add(job);
  }
  await Promise.all(running);
  return rows;
}
