/**
 * The services as the command line calls them: in its own process, with its terminal as the only
 * client. The pieces are the ones the window's handlers (handlers.ts, check-handlers.ts,
 * repair-handlers.ts, bundle-handlers.ts, import/site-handlers.ts) are built from: the same site
 * store and data folder, the same engine with the app's known_hosts, the same site selection for
 * "Check all", the same repair context and log, the same importers and the same bundle assembly.
 * The CLI reaches store/, diagnose/, repair/, import/ and bundle/ only through here (the linter
 * holds that line).
 *
 * Start-up cost: commands load this module with `await import()` inside their handler, and it
 * loads the engine only; the site store (zod), the repair dispatcher, the importers and the
 * bundle writer are each loaded the first time they are asked for, so a run on an address never
 * loads them.
 */
import os from 'node:os';
import type { RepairInput } from '../../shared/api';
import type { CheckSelection } from '../../shared/check';
import type { ImportSource, Site } from '../../shared/sites';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import { LEGACY_ALGORITHMS, DEFAULT_ALGORITHMS } from '../diagnose/algorithms';
import { diagnose as engine } from '../diagnose/index';
import type { DiagnoseOptions } from '../diagnose/options';
import type { ImportEnvironment, ImportOutcome } from '../import/index';
import type { RepairContext } from '../repair/index';
import type { PasswordVault } from '../store/password-vault';
import { appKnownHostsPath, dataDirFrom } from '../store/paths';
import type { SiteStore } from '../store/sites';
import type { CheckOptions } from './check';
import type { Services } from './handlers';

export type { ImportEnvironment, ImportOutcome, PasswordVault };

export interface LocalServicesOptions {
  /** The command's environment: SFTP_DOCTOR_HOME picks the data folder. */
  env: Record<string, string | undefined>;
  /** The data folder (tests); default: from env, as the window's. */
  dataDir?: string;
  /** Encrypts saved passwords; default: a vault that refuses, saying why (no keychain here). */
  vault?: PasswordVault;
  /** Why no password can be saved, for the refusing default vault. */
  noVaultReason?: string;
}

export type LocalServices = ReturnType<typeof localServices>;
export type LocalRepairs = Awaited<ReturnType<LocalServices['repairs']>>;

async function vaultOf(options: LocalServicesOptions): Promise<PasswordVault | undefined> {
  if (options.vault) return options.vault;
  if (!options.noVaultReason) return undefined;
  const { noVault } = await import('../store/password-vault');
  return noVault(options.noVaultReason);
}

/** The window's own table of handlers (dispatch by channel, arguments checked), on the command's data folder. */
export async function appServicesFor(options: LocalServicesOptions): Promise<Services> {
  const [{ createAppServices }, vault] = await Promise.all([import('./app-services'), vaultOf(options)]);
  return createAppServices({ host: 'cli', dataDir: options.dataDir ?? dataDirFrom(options.env), ...(vault ? { vault } : {}) });
}

/** The services behind `sftp-doctor ui`: the window's, for a browser tab (no keychain, paths gated). */
export async function browserServices(env: Record<string, string | undefined>): Promise<Services> {
  const { createAppServices } = await import('./app-services');
  return createAppServices({ host: 'browser', dataDir: dataDirFrom(env) });
}

export function localServices(options: LocalServicesOptions) {
  const dataDir = options.dataDir ?? dataDirFrom(options.env);
  const knownHostsPath = appKnownHostsPath(dataDir);
  let store: Promise<SiteStore> | undefined;
  /** The saved sites (the window's sites:* channels use the same store on the same folder). */
  const siteStore = (): Promise<SiteStore> =>
    (store ??= Promise.all([import('../store/sites'), vaultOf(options)]).then(([{ SiteStore }, vault]) => new SiteStore({ dataDir, ...(vault ? { vault } : {}) })));

  return {
    dataDir,
    knownHostsPath,
    siteStore,

    /** One run of the engine, with the app's own known_hosts when the request names none (as the window's runs). */
    diagnose(request: ConnectionRequest, run: Omit<DiagnoseOptions, 'defaultKnownHostsPath'> = {}): Promise<RunResult> {
      return engine(request, { defaultKnownHostsPath: knownHostsPath, ...run });
    },

    /** A TARGET that may name a saved site ("Folder/Name"): its request, none, or why it is ambiguous. */
    async siteTarget(target: string) {
      const { resolveSiteTarget } = await import('../store/sites');
      return resolveSiteTarget(target, await siteStore());
    },

    /** The sites a selection names ("Check all", `check`): the sites, or a sentence saying why none. */
    async selectSites(selection: CheckSelection & { names?: string[] }): Promise<{ sites: Site[] } | { problem: string }> {
      const { CheckSelectionError, selectSites } = await import('./check');
      try {
        return { sites: await selectSites(await siteStore(), selection) };
      } catch (err) {
        if (err instanceof CheckSelectionError) return { problem: err.message };
        throw err;
      }
    },
    /** Checks the sites, a bounded number at a time: the service behind the window's "Check all". */
    async checkSites(sites: readonly Site[], check: CheckOptions) {
      const { checkSites } = await import('./check');
      return checkSites(sites, check);
    },
    /** A saved site's request, with its saved password where this process can read it. */
    async requestForSite(site: Site): Promise<ConnectionRequest> {
      const { requestForSite } = await import('./check');
      return requestForSite(await siteStore(), site);
    },

    /** The weak algorithms the engine can enable, and those it offers anyway (for --legacy-algorithms). */
    algorithms: { legacy: LEGACY_ALGORITHMS, defaults: DEFAULT_ALGORITHMS },

    /** The repair dispatcher as the window's repair:plan / repair:apply run it. */
    async repairs() {
      const [{ applyRepair, findFix, isAutoApplicable, planRepair, RepairError }, { saveRepairedSite }, { repairContextFor }, sites] = await Promise.all([
        import('../repair/index'),
        import('../repair/save-site'),
        import('./repair-handlers'),
        siteStore(),
      ]);
      return {
        /** The context of the window's repairs for this attempt (store, known_hosts, repairs.log). */
        context: (request: ConnectionRequest, result: RunResult): RepairContext => repairContextFor({ sites, dataDir, knownHostsPath: () => knownHostsPath }, request, result),
        find: findFix,
        isAutoApplicable,
        plan: planRepair,
        apply: (ctx: RepairContext, fixId: string, input: RepairInput) => applyRepair(ctx, fixId, input),
        /** A repair that cannot go ahead: one sentence for the user. */
        refusal: (err: unknown): string | null => (err instanceof RepairError ? err.message : null),
        /** Keeps a repaired request as the saved site NAME (made when it does not exist). */
        saveSite: (name: string, request: ConnectionRequest) => saveRepairedSite(sites, name, request),
      };
    },

    /** The importers, on the same store, as the window's sites:import-preview / sites:import. */
    async imports() {
      const [{ defaultImportEnvironment, importSelected, previewImport }, sites] = await Promise.all([import('../import/index'), siteStore()]);
      return {
        /** Where the importers look, with the command's own home folder. */
        environment(env: NodeJS.ProcessEnv): ImportEnvironment {
          const base = defaultImportEnvironment(env);
          const home = (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
          return { ...base, home };
        },
        preview: (source: ImportSource, environment: ImportEnvironment, file?: string) => previewImport(source, { store: sites, environment, ...(file ? { file } : {}) }),
        importSelected: (source: ImportSource, keys: string[], o: { environment: ImportEnvironment; includePasswords: boolean; file?: string }): Promise<ImportOutcome> =>
          importSelected(source, keys, { store: sites, environment: o.environment, includePasswords: o.includePasswords, ...(o.file ? { file: o.file } : {}) }),
      };
    },

    /** Writes the support bundle of these runs, as the window's bundle:export does; a bundle refused (a secret found) says why. */
    async writeBundle(args: { rounds: RunResult[]; events: RunEvent[]; request: ConnectionRequest; answers: readonly string[]; out: string; anonymise: boolean }): Promise<{ path: string; bytes: number } | { refused: string }> {
      const [{ assembleBundleInput, BundleSecretError, secretsOfRequest, writeBundleFile }, { runKeyInspection }] = await Promise.all([import('../bundle/index'), import('./run-key')]);
      try {
        const input = await assembleBundleInput({ rounds: args.rounds, events: args.events, secrets: await secretsOfRequest(args.request, [...args.answers]), keyInspection: await runKeyInspection(args.request) });
        return await writeBundleFile(input, args.out, { anonymise: args.anonymise });
      } catch (err) {
        if (err instanceof BundleSecretError) return { refused: err.message };
        throw err;
      }
    },
  };
}
