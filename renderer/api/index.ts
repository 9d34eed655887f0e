/**
 * The one way the renderer reaches main. Electron's preload exposes the API object itself;
 * in a plain browser (the `sftp-doctor ui` host) we open the WebSocket bridge with the page's
 * token. Only stores import this module: components never call the API directly.
 */
import { API_GLOBAL, type SftpDoctorApi } from '../../shared/api';
import { BRIDGE_PATH, TOKEN_FRAGMENT, tokenFromFragment } from '../../shared/bridge';
import { createBridgeClient, type BridgeState } from './bridge-client';
import { ApiError } from './errors';

export type ConnectionState = 'electron' | BridgeState | 'no-token';

export interface ApiHandle {
  api: SftpDoctorApi;
  state(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

export const NO_TOKEN_MESSAGE =
  'This page was opened without its access key. Open the full link that `sftp-doctor ui` printed (it ends with #token=...).';

/** The socket's address: no token in it (the token is the first message). */
export function bridgeUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${loc.host}${BRIDGE_PATH}`;
}

const TOKEN_STORAGE = 'sftp-doctor-token';

/**
 * The page's token: taken from the #fragment once, then kept in this tab's sessionStorage (only
 * this origin, i.e. this port, can read it) and wiped from the address bar and history.
 */
export function takePageToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'>): string | null {
  const fromFragment = tokenFromFragment(win.location.hash);
  if (fromFragment) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE, fromFragment);
    } catch {
      // storage disabled: the token lives in memory for this page only
    }
    if (new URLSearchParams(win.location.hash.slice(1)).has(TOKEN_FRAGMENT)) {
      win.history.replaceState(null, '', win.location.pathname + win.location.search);
    }
    return fromFragment;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE);
  } catch {
    return null;
  }
}

function fixedHandle(api: SftpDoctorApi, state: ConnectionState): ApiHandle {
  return { api, state: () => state, onState: () => () => undefined };
}

function openApi(): ApiHandle {
  const exposed = (window as unknown as Record<string, unknown>)[API_GLOBAL];
  if (exposed && typeof exposed === 'object') return fixedHandle(exposed as SftpDoctorApi, 'electron');

  const token = takePageToken(window);
  if (!token) {
    const refuse: SftpDoctorApi = {
      invoke: () => Promise.reject(new ApiError('FORBIDDEN', NO_TOKEN_MESSAGE)),
      on: () => () => undefined,
    };
    return fixedHandle(refuse, 'no-token');
  }
  const client = createBridgeClient(new WebSocket(bridgeUrl(window.location)), token);
  return client;
}

let handle: ApiHandle | null = null;

/** The API of this window, opened on first use. */
export function apiHandle(): ApiHandle {
  handle ??= openApi();
  return handle;
}

export function api(): SftpDoctorApi {
  return apiHandle().api;
}
