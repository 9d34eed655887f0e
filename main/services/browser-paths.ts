/**
 * Which file paths a front end may name. The desktop window (native file dialogs) and the CLI
 * name any path; the browser host (`sftp-doctor ui`) may not: whoever holds its token could
 * otherwise make it read any file (a private key, handed out converted) or write any file (a
 * known_hosts "trust" into ~/.bashrc). Over the browser host a path is accepted only when it is:
 * - one the host itself issued: a file a repair wrote in this session (a converted or new key);
 * - a setting a saved site already holds (saved by the desktop app or the CLI, or imported from
 *   the tool's usual place): a saved site still connects with its key and its known_hosts from
 *   the browser, and editing or copying the site keeps them;
 * and never for reading a key's content back (keys:inspect / keys:convert): there only the bytes
 * of a file the user chose in the window are read. Files to import arrive as uploaded bytes.
 * Everything else is refused with a sentence saying what to do instead.
 */
import path from 'node:path';
import type { KeyInput, RepairInput } from '../../shared/api';
import type { SiteDraft } from '../../shared/sites';
import type { ConnectionRequest } from '../../shared/types';
import type { SiteStore } from '../store/sites';
import { ApiError } from './errors';

export const BROWSER_KEY_PATH_REFUSED =
  'In the browser window a private key is read only from a file you choose or drop here, not from a typed path. Use "Choose file…" (or drop the key file on the window), or use the desktop app or the command line to name a key by its path.';
export const BROWSER_KNOWN_HOSTS_REFUSED =
  'In the browser window no other known_hosts file can be named: SFTP Doctor uses its own list (or the file a saved site already names). Clear the "Known hosts file" field, or use the desktop app or the command line to name another file.';
export const BROWSER_IMPORT_PATH_REFUSED =
  'In the browser window a file to import is read only when you choose it here ("Choose file…"), not from a typed path. Leave the file empty to read the tool’s usual place.';
export const BROWSER_FOLDER_REFUSED =
  'In the browser window the folder for a new key cannot be named: it is saved in your .ssh folder. Use the desktop app or the command line to choose another folder.';

export interface PathGate {
  /** diagnose:start: the key and known_hosts paths of a connection. */
  connection(request: ConnectionRequest): Promise<void>;
  /** sites:save: the paths a site will keep. */
  draft(draft: SiteDraft): Promise<void>;
  /** keys:inspect, keys:convert. */
  key(key: KeyInput): void;
  /** sites:import-preview, sites:import: a file named by path. */
  importFile(file: string | undefined): void;
  /** repair:apply: a folder to write in. */
  repairInput(input: RepairInput): void;
  /** A file the host wrote itself (a repair's new key): the window may use it from now on. */
  issued(file: string): void;
}

/** The desktop window and the CLI: the user's own dialogs and arguments, any path. */
export const openGate: PathGate = {
  connection: async () => undefined,
  draft: async () => undefined,
  key: () => undefined,
  importFile: () => undefined,
  repairInput: () => undefined,
  issued: () => undefined,
};

const same = (a: string, b: string) => path.resolve(a) === path.resolve(b);

export function browserGate(sites: SiteStore): PathGate {
  const issued = new Set<string>();
  const isIssued = (p: string) => [...issued].some((i) => same(i, p));

  /** The paths the saved sites hold now (set by the desktop app, the CLI or an import from the tool's usual place). */
  const savedPaths = async () => {
    const all = await sites.list();
    return {
      keys: all.map((s) => s.settings.privateKey?.path).filter((p): p is string => !!p),
      knownHosts: all.map((s) => s.settings.knownHostsPath).filter((p): p is string => !!p),
    };
  };

  const checkPaths = async (settings: { privateKey?: { path?: string }; knownHostsPath?: string }) => {
    const keyPath = settings.privateKey?.path || undefined;
    const knownHosts = settings.knownHostsPath || undefined;
    if (keyPath === undefined && knownHosts === undefined) return;
    const saved = await savedPaths();
    if (keyPath !== undefined && !isIssued(keyPath) && !saved.keys.some((p) => same(p, keyPath))) throw new ApiError('FORBIDDEN', BROWSER_KEY_PATH_REFUSED);
    if (knownHosts !== undefined && !saved.knownHosts.some((p) => same(p, knownHosts))) throw new ApiError('FORBIDDEN', BROWSER_KNOWN_HOSTS_REFUSED);
  };

  return {
    connection: (request) => checkPaths(request),
    draft: (draft) => checkPaths(draft.settings),
    key: (key) => {
      if (key.path !== undefined && !isIssued(key.path)) throw new ApiError('FORBIDDEN', BROWSER_KEY_PATH_REFUSED);
    },
    importFile: (file) => {
      if (file) throw new ApiError('FORBIDDEN', BROWSER_IMPORT_PATH_REFUSED);
    },
    repairInput: (input) => {
      if (input.folder?.trim()) throw new ApiError('FORBIDDEN', BROWSER_FOLDER_REFUSED);
    },
    issued: (file) => {
      if (issued.size < 1000) issued.add(path.resolve(file));
    },
  };
}
