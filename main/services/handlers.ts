/**
 * One table of handlers serves both transports (Electron IPC and the UI host's WebSocket), so
 * they cannot drift: each transport validates nothing itself and calls `dispatch`.
 */
import type { ApiErrorShape, ApiRequests, RequestChannel } from '../../shared/api';
import { REQUEST_CHANNELS } from '../../shared/api';
import type { AppInfo } from '../../shared/types';
import { APP_NAME, APP_VERSION } from '../common/version';
import { appKnownHostsPath } from '../store/paths';
import { RunManager, type DiagnoseFn, type RunClient } from './runs';
import { argSchemas, describeIssues } from './schemas';

export interface ServiceDeps {
  host: AppInfo['host'];
  dataDir: string;
  diagnose: DiagnoseFn;
  /** Whether saved passwords can be encrypted here (Electron safeStorage). */
  canSavePasswords: boolean;
  /** Extra version facts (Electron, Chromium) from the host. */
  versions?: Record<string, string>;
}

/** Who is calling: the window or browser tab that events and prompts go back to. */
export interface CallContext {
  client: RunClient;
}

type Handlers = { [K in RequestChannel]: (args: ApiRequests[K]['args'], ctx: CallContext) => Promise<ApiRequests[K]['result']> };

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
  ) {
    super(message);
  }
  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }
}

export interface Services {
  dispatch(channel: string, args: unknown, ctx: CallContext): Promise<unknown>;
  runs: RunManager;
  dropClient(client: RunClient): void;
}

export function createServices(deps: ServiceDeps, extra: Partial<Handlers> = {}): Services {
  const runs = new RunManager(deps.diagnose, () => appKnownHostsPath(deps.dataDir));
  const versions = { node: process.versions.node, ...readLibraryVersions(), ...deps.versions };

  const notYet = (what: string) => async (): Promise<never> => {
    throw new ApiError('FAILED', `${what} is not available in this build yet.`);
  };

  const handlers: Handlers = {
    'app:info': async () => ({ name: APP_NAME, version: APP_VERSION, host: deps.host, canSavePasswords: deps.canSavePasswords, versions }),
    'diagnose:start': async ([request], ctx) => ({ runId: runs.start(request, ctx.client) }),
    'diagnose:cancel': async ([runId], ctx) => ({ cancelled: runs.cancel(runId, ctx.client) }),
    'prompt:answer': async ([runId, answer], ctx) => ({ accepted: runs.answer(runId, answer, ctx.client) }),
    'sites:list': notYet('The site list'),
    'sites:save': notYet('Saving sites'),
    'sites:delete': notYet('Deleting sites'),
    'sites:import-preview': notYet('Importing sites'),
    'sites:import': notYet('Importing sites'),
    'bundle:preview': notYet('The support bundle'),
    'bundle:export': notYet('The support bundle'),
    'keys:inspect': notYet('The key inspector'),
    'keys:convert': notYet('Key conversion'),
    ...extra,
  };

  async function dispatch(channel: string, args: unknown, ctx: CallContext): Promise<unknown> {
    if (!(REQUEST_CHANNELS as readonly string[]).includes(channel)) {
      throw new ApiError('UNKNOWN_CHANNEL', `There is no "${channel.slice(0, 64)}" request.`);
    }
    const name = channel as RequestChannel;
    const parsed = argSchemas[name].safeParse(args);
    if (!parsed.success) throw new ApiError('INVALID_ARGUMENT', `Invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
    const handler = handlers[name] as (a: unknown, c: CallContext) => Promise<unknown>;
    return handler(parsed.data, ctx);
  }

  return { dispatch, runs, dropClient: (client) => runs.dropClient(client) };
}

/** Turns anything thrown by a handler into what may cross the bridge: a code and a user-facing sentence. */
export function toApiError(err: unknown): ApiErrorShape {
  if (err instanceof ApiError) return err.toShape();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'FAILED', message };
}

function readLibraryVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['ssh2', 'sshpk']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not resolvable from a bundle without node_modules: leave it out
    }
  }
  return out;
}
