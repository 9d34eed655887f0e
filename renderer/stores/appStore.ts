/** App-level state: what main told us about itself, and whether the service is reachable. */
import { createStore, useStore } from 'zustand';
import type { AppInfo } from '../../shared/types';
import type { ApiHandle, ConnectionState } from '../api';
import { apiHandle } from '../api';
import { errorMessage } from '../api/errors';

export interface AppState {
  info: AppInfo | null;
  infoError: string | null;
  connection: ConnectionState;
  loadInfo(): Promise<void>;
}

export function createAppStore(getHandle: () => ApiHandle) {
  const store = createStore<AppState>()((set) => ({
    info: null,
    infoError: null,
    connection: 'connecting',
    async loadInfo() {
      set({ infoError: null });
      try {
        const info = await getHandle().api.invoke('app:info');
        set({ info });
      } catch (err) {
        set({ infoError: errorMessage(err) });
      }
    },
  }));
  return {
    store,
    /** Follow the connection state of the API; call once at start-up. */
    attach() {
      const h = getHandle();
      store.setState({ connection: h.state() });
      return h.onState((connection) => store.setState({ connection }));
    },
  };
}

export const app = createAppStore(apiHandle);
export const useApp = <T>(selector: (s: AppState) => T): T => useStore(app.store, selector);
