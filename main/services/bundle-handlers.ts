/** The bundle:* channels: preview and export the support bundle of a finished run (and its repairs). */
import type { ApiRequests, BundleOptions } from '../../shared/api';
import { assembleBundleInput, BundleSecretError, exportBundle, previewBundle, secretsOfRequest, writeBundleFile, type BundleInput, type BundleRound } from '../bundle/index';
import { Secret } from '../common/secret';
import { ApiError } from './errors';
import { runKeyInspection } from './run-key';
import type { CallContext } from './handlers';
import type { RunManager } from './runs';

type BundleChannel = 'bundle:preview' | 'bundle:export';
export type BundleHandlers = { [K in BundleChannel]: (args: ApiRequests[K]['args'], ctx: CallContext) => Promise<ApiRequests[K]['result']> };

export interface BundleDeps {
  runs: RunManager;
  versions: Record<string, string>;
  /** Desktop app: asks where to save (null = cancelled). Absent: the zip goes back to the caller. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
}

async function inputFor(runId: string, ctx: CallContext, deps: BundleDeps): Promise<BundleInput> {
  const chain = deps.runs.chain(runId, ctx.client);
  const last = chain.at(-1);
  if (!last) throw new ApiError('INVALID_ARGUMENT', 'That attempt is no longer in memory: connect again, then export the bundle.');
  if (!last.result) throw new ApiError('FAILED', 'The check is still running: wait for its result, then export the bundle.');
  const rounds: BundleRound[] = chain
    .filter((r) => r.result)
    .map((r) => ({ result: r.result!, ...(r.previous ? { appliedFix: r.previous.fix } : {}) }));
  const secrets: Secret[] = [];
  for (const r of chain) secrets.push(...(await secretsOfRequest(r.request, r.answers)));
  return assembleBundleInput({
    rounds,
    events: chain.flatMap((r) => r.events),
    secrets,
    keyInspection: await runKeyInspection(last.request),
    environment: { versions: deps.versions },
  });
}

function refused(err: unknown): never {
  if (err instanceof BundleSecretError) throw new ApiError('FAILED', err.message);
  throw err;
}

export function bundleHandlers(deps: BundleDeps): BundleHandlers {
  return {
    'bundle:preview': async ([runId, options]: [string, BundleOptions], ctx) => previewBundle(await inputFor(runId, ctx, deps), options).catch(refused),
    'bundle:export': async ([runId, options], ctx) => {
      const input = await inputFor(runId, ctx, deps);
      const built = await exportBundle(input, options).catch(refused);
      if (deps.chooseSavePath) {
        const target = await deps.chooseSavePath(built.fileName);
        if (!target) throw new ApiError('FAILED', 'Export cancelled: nothing was saved.');
        const written = await writeBundleFile(input, target, options).catch(refused);
        return { fileName: built.fileName, bytes: written.bytes, savedTo: written.path, base64: null };
      }
      return { fileName: built.fileName, bytes: built.bytes, savedTo: null, base64: Buffer.from(built.zip).toString('base64') };
    },
  };
}
