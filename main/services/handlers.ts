/**
 * One table of handlers serves both transports (Electron IPC and the UI host's WebSocket), so
 * they cannot drift: each transport validates nothing itself and calls `dispatch`.
 */
import type { ApiRequests, RequestChannel } from '../../shared/api';
import { REQUEST_CHANNELS } from '../../shared/api';
import type { AppInfo } from '../../shared/types';
import { APP_NAME, APP_VERSION } from '../common/version';
import { appKnownHostsPath } from '../store/paths';
import { siteHandlers } from '../import/site-handlers';
import type { PasswordVault } from '../store/password-vault';
import { SiteStore } from '../store/sites';
import { browserGate, openGate } from './browser-paths';
import { ApiError } from './errors';
import { bundleHandlers } from './bundle-handlers';
import { checkHandlers } from './check-handlers';
import { keyHandlers } from './key-handlers';
import { repairHandlers } from './repair-handlers';
import { RunManager, type DiagnoseFn, type RunClient } from './runs';
import { UnlockedKeys } from './unlocked-keys';
import { argSchemas, describeIssues } from './schemas';

export interface ServiceDeps {
  host: AppInfo['host'];
  dataDir: string;
  diagnose: DiagnoseFn;
  /** Encrypts saved passwords (Electron safeStorage); a refusing vault where there is none. */
  vault: PasswordVault;
  /** Desktop app: a save dialog for exports. Absent (browser host): files go back to the page. */
  chooseSavePath?: (suggestedName: string) => Promise<string | null>;
  /** Extra version facts (Electron, Chromium) from the host. */
  versions?: Record<string, string>;
}

/** Who is calling: the window or browser tab that events and prompts go back to. */
export interface CallContext {
  client: RunClient;
}

type Handlers = { [K in RequestChannel]: (args: ApiRequests[K]['args'], ctx: CallContext) => Promise<ApiRequests[K]['result']> };

export interface Services {
  dispatch(channel: string, args: unknown, ctx: CallContext): Promise<unknown>;
  runs: RunManager;
  sites: SiteStore;
  dropClient(client: RunClient): void;
}

export function createServices(deps: ServiceDeps, extra: Partial<Handlers> = {}): Services {
  const sites = new SiteStore({ dataDir: deps.dataDir, vault: deps.vault });
  const runs = new RunManager(deps.diagnose, () => appKnownHostsPath(deps.dataDir));
  const unlocked = new UnlockedKeys<RunClient>();
  const checks = checkHandlers({ runs, sites, unlocked });
  const gate = deps.host === 'browser' ? browserGate(sites) : openGate;
  const siteChannels = siteHandlers(sites);
  const repairChannels = repairHandlers({ runs, sites, dataDir: deps.dataDir, knownHostsPath: () => appKnownHostsPath(deps.dataDir) });
  const versions = { node: process.versions.node, ...readLibraryVersions(), ...deps.versions };

  const handlers: Handlers = {
    'app:info': async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      host: deps.host,
      canSavePasswords: deps.vault.available,
      ...(deps.vault.available ? {} : { savePasswordsUnavailable: deps.vault.reason ?? 'Passwords cannot be remembered here: the system keychain is not available.' }),
      versions,
    }),
    'diagnose:start': async ([request], ctx) => {
      await gate.connection(request);
      // A saved site's password stays in main: fill it in here when the form sent none.
      if (request.siteId && !request.password) {
        const saved = await sites.getPassword(request.siteId).catch(() => undefined);
        if (saved) request = { ...request, password: saved.reveal() };
      }
      // A key this window unlocked in the key inspector is not asked for again.
      request = await unlocked.fillPassphrase(ctx.client, request);
      return { runId: runs.start(request, ctx.client) };
    },
    'diagnose:cancel': async ([runId], ctx) => ({ cancelled: runs.cancel(runId, ctx.client) }),
    'prompt:answer': async ([runId, answer], ctx) => ({ accepted: runs.answer(runId, answer, ctx.client) }),
    ...siteChannels,
    'sites:save': async (args) => {
      await gate.draft(args[0]);
      return siteChannels['sites:save'](args);
    },
    'sites:import-preview': async (args) => {
      gate.importFile(typeof args[1] === 'string' ? args[1] : undefined);
      return siteChannels['sites:import-preview'](args);
    },
    'sites:import': async (args) => {
      gate.importFile(typeof args[2].file === 'string' ? args[2].file : undefined);
      return siteChannels['sites:import'](args);
    },
    ...repairChannels,
    'repair:apply': async (args, ctx) => {
      gate.repairInput(args[2]);
      const outcome = await repairChannels['repair:apply'](args, ctx);
      // A key the repair wrote is one the host issued: the window may name it from now on.
      if (outcome.settings?.privateKey?.path) gate.issued(outcome.settings.privateKey.path);
      return outcome;
    },
    ...bundleHandlers({ runs, versions, ...(deps.chooseSavePath ? { chooseSavePath: deps.chooseSavePath } : {}) }),
    ...keyHandlers({ gate, unlocked }),
    ...checks.handlers,
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

  return { dispatch, runs, sites, dropClient: (client) => {
      checks.dropClient(client);
      runs.dropClient(client);
      unlocked.forget(client);
    },
  };
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
