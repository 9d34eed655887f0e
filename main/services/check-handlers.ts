/** The window's "Check all": the check service run through the run manager, rows streamed as events. */
import { randomUUID } from 'node:crypto';
import type { ApiRequests } from '../../shared/api';
import type { SiteStore } from '../store/sites';
import { ApiError } from './errors';
import { CheckSelectionError, checkSites, requestForSite, selectSites, waitingRow } from './check';
import type { RunClient, RunManager } from './runs';
import type { UnlockedKeys } from './unlocked-keys';

interface CallContext {
  client: RunClient;
}

type Args<K extends keyof ApiRequests> = ApiRequests[K]['args'];
type Result<K extends keyof ApiRequests> = Promise<ApiRequests[K]['result']>;

export function checkHandlers(deps: { runs: RunManager; sites: SiteStore; unlocked?: UnlockedKeys<RunClient> }) {
  const active = new Map<string, { client: RunClient; controller: AbortController }>();
  const handlers = {
    'check:start': async ([selection]: Args<'check:start'>, ctx: CallContext): Result<'check:start'> => {
      let picked;
      try {
        picked = await selectSites(deps.sites, selection);
      } catch (err) {
        if (err instanceof CheckSelectionError) throw new ApiError('INVALID_ARGUMENT', err.message);
        throw err;
      }
      if (picked.length === 0) throw new ApiError('INVALID_ARGUMENT', 'There are no saved sites to check yet. Save a site first, or import your sites.');
      const checkId = randomUUID();
      const controller = new AbortController();
      active.set(checkId, { client: ctx.client, controller });
      const send = (event: Parameters<RunClient['sendCheck']>[0]) => ctx.client.sendCheck(event);
      // Start after the answer is on its way, so the window knows the check's id before its first row.
      setImmediate(() => {
        void checkSites(picked, {
          ...(selection.jobs !== undefined ? { jobs: selection.jobs } : {}),
          signal: controller.signal,
          run: async (site, signal) => {
            const request = await requestForSite(deps.sites, site);
            return deps.runs.runQuietly(deps.unlocked ? await deps.unlocked.fillPassphrase(ctx.client, request) : request, ctx.client, signal);
          },
          onRow: (index, row, result) => send({ checkId, index, row, ...(result ? { result } : {}), finished: false }),
        })
          .then((rows) => send({ checkId, index: rows.length - 1, row: rows[rows.length - 1]!, finished: true }))
          .finally(() => active.delete(checkId));
      });
      return { checkId, rows: picked.map(waitingRow) };
    },
    'check:cancel': async ([checkId]: Args<'check:cancel'>, ctx: CallContext): Result<'check:cancel'> => {
      const check = active.get(checkId);
      if (!check || check.client !== ctx.client) return { cancelled: false };
      check.controller.abort();
      return { cancelled: true };
    },
  };
  return {
    handlers,
    /** Stops the checks of a client that went away. */
    dropClient(client: RunClient) {
      for (const check of active.values()) if (check.client === client) check.controller.abort();
    },
  };
}
