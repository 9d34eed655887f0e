/** Export support bundle: preview exactly what goes in, then save the zip (main) or download it (browser). */
import { createStore, useStore } from 'zustand';
import type { BundleExportResult, BundleFilePreview, SftpDoctorApi } from '../../shared/api';
import { api } from '../api';
import { errorMessage } from '../api/errors';

export interface BundleState {
  open: boolean;
  runId: string | null;
  anonymise: boolean;
  preview: BundleFilePreview[] | null;
  previewing: boolean;
  exporting: boolean;
  exported: BundleExportResult | null;
  error: string | null;
  show(runId: string): void;
  close(): void;
  setAnonymise(on: boolean): void;
  loadPreview(): Promise<void>;
  exportBundle(): Promise<BundleExportResult | null>;
}

export function createBundleStore(getApi: () => SftpDoctorApi) {
  let generation = 0;
  return createStore<BundleState>()((set, get) => ({
    open: false,
    runId: null,
    anonymise: false,
    preview: null,
    previewing: false,
    exporting: false,
    exported: null,
    error: null,
    show(runId) {
      generation++;
      set({ open: true, runId, preview: null, exported: null, error: null, previewing: false, exporting: false });
      void get().loadPreview();
    },
    close() {
      generation++;
      set({ open: false, runId: null, preview: null, exported: null, error: null, previewing: false, exporting: false });
    },
    setAnonymise(anonymise) {
      set({ anonymise, exported: null });
      void get().loadPreview();
    },
    async loadPreview() {
      const { runId, anonymise } = get();
      if (!runId) return;
      const gen = ++generation;
      set({ previewing: true, error: null });
      try {
        const preview = await getApi().invoke('bundle:preview', runId, { anonymise });
        if (gen === generation) set({ preview, previewing: false });
      } catch (err) {
        if (gen === generation) set({ preview: null, previewing: false, error: errorMessage(err) });
      }
    },
    async exportBundle() {
      const { runId, anonymise } = get();
      if (!runId) return null;
      const gen = generation;
      set({ exporting: true, error: null, exported: null });
      try {
        const exported = await getApi().invoke('bundle:export', runId, { anonymise });
        if (gen !== generation) return null;
        set({ exporting: false, exported });
        return exported;
      } catch (err) {
        if (gen === generation) set({ exporting: false, error: errorMessage(err) });
        return null;
      }
    },
  }));
}

export const bundle = createBundleStore(api);
export const useBundle = <T>(selector: (s: BundleState) => T): T => useStore(bundle, selector);
