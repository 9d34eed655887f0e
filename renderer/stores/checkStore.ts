/** "Check all": many saved sites at once, a table that fills in live, each row's full result kept. */
import { createStore, useStore } from 'zustand';
import type { SftpDoctorApi } from '../../shared/api';
import type { CheckEvent, CheckRow, CheckSelection } from '../../shared/check';
import type { RunResult } from '../../shared/types';
import { api } from '../api';
import { errorMessage } from '../api/errors';

export interface CheckState {
  open: boolean;
  /** What is being checked, in words: "all 12 saved sites", "the folder Work". */
  scope: string;
  checkId: string | null;
  state: 'idle' | 'starting' | 'running' | 'done' | 'cancelled' | 'failed';
  rows: CheckRow[];
  results: Record<string, RunResult>;
  error: string | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Events that arrived before check:start told us the id. */
  early: CheckEvent[];
  start(selection: Omit<CheckSelection, 'jobs'>, scope: string): Promise<void>;
  cancel(): Promise<void>;
  show(): void;
  hide(): void;
}

function applyEvent(s: CheckState, ev: CheckEvent, now: number): Partial<CheckState> {
  const rows = s.rows.slice();
  if (ev.index >= 0 && ev.index < rows.length && rows[ev.index]!.siteId === ev.row.siteId) rows[ev.index] = ev.row;
  const results = ev.result ? { ...s.results, [ev.row.siteId]: ev.result } : s.results;
  if (!ev.finished) return { rows, results };
  return { rows, results, state: s.state === 'cancelled' ? 'cancelled' : 'done', endedAt: now };
}

export function createCheckStore(getApi: () => SftpDoctorApi, now: () => number = () => performance.now()) {
  const store = createStore<CheckState>()((set, get) => ({
    open: false,
    scope: '',
    checkId: null,
    state: 'idle',
    rows: [],
    results: {},
    error: null,
    startedAt: null,
    endedAt: null,
    early: [],
    async start(selection, scope) {
      if (get().state === 'running' || get().state === 'starting') await get().cancel();
      set({ open: true, scope, checkId: null, state: 'starting', rows: [], results: {}, error: null, startedAt: now(), endedAt: null, early: [] });
      try {
        const started = await getApi().invoke('check:start', selection);
        set((s) => {
          let next: CheckState = { ...s, checkId: started.checkId, rows: started.rows, state: 'running', early: [] };
          for (const ev of s.early) if (ev.checkId === started.checkId) next = { ...next, ...applyEvent(next, ev, now()) };
          return next;
        });
      } catch (err) {
        set({ state: 'failed', error: errorMessage(err), endedAt: now() });
      }
    },
    async cancel() {
      const { checkId, state } = get();
      if (state !== 'running' || !checkId) return;
      set({ state: 'cancelled' });
      await getApi()
        .invoke('check:cancel', checkId)
        .catch(() => undefined);
    },
    show: () => set({ open: true }),
    hide: () => set({ open: false }),
  }));
  return {
    store,
    /** Listen to the service's check events; call once at start-up. */
    attach() {
      return getApi().on('check:event', (ev) =>
        store.setState((s) => {
          if (s.checkId === null) return s.state === 'starting' && s.early.length < 10_000 ? { early: [...s.early, ev] } : {};
          return ev.checkId === s.checkId ? applyEvent(s, ev, now()) : {};
        }),
      );
    },
  };
}

export const check = createCheckStore(api);
export const useCheck = <T>(selector: (s: CheckState) => T): T => useStore(check.store, selector);
