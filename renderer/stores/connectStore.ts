/** Connect from a saved site that has no stored password: ask for it first (WinSCP's login prompt). */
import { createStore, useStore } from 'zustand';

export interface ConnectState {
  /** The password question is open for this site. */
  askingFor: { siteId: string; name: string } | null;
  ask(site: { siteId: string; name: string }): void;
  close(): void;
}

export const connectAsk = createStore<ConnectState>()((set) => ({
  askingFor: null,
  ask: (site) => set({ askingFor: site }),
  close: () => set({ askingFor: null }),
}));
export const useConnectAsk = <T>(selector: (s: ConnectState) => T): T => useStore(connectAsk, selector);
