/**
 * Import sites from other tools (sites:import-preview, sites:import) and the first-start offer
 * (sites:discover). The dialog's steps: choose a source, preview it with checkboxes, import.
 */
import { createStore, useStore } from 'zustand';
import type { DiscoveredImportSource, FileUpload, SftpDoctorApi } from '../../shared/api';
import type { ImportPreview, ImportSource } from '../../shared/sites';
import { api } from '../api';
import { errorMessage } from '../api/errors';
import { hostKeysFor, importedMessage, initialSelection, offerSource, offerText, sourceInfo } from '../logic/importSites';
import { sites as sitesStore } from './sitesStore';

/** Remembered in localStorage once the user answered the first-start offer (holds no secret). */
export const OFFER_DISMISSED_KEY = 'sftp-doctor.import-offer-dismissed';

/** The part of window.localStorage the store needs (absent in tests and when storage is blocked). */
export type OfferMemory = Pick<Storage, 'getItem' | 'setItem'> | null;

export type ImportStep = 'choose' | 'preview';

export interface ImportState {
  open: boolean;
  step: ImportStep;
  source: ImportSource;
  /** A path typed by the user; empty: the tool's usual place. */
  file: string;
  preview: ImportPreview | null;
  /** A file chosen in the browser window (sent as its bytes; the browser host reads no typed path). */
  upload: FileUpload | null;
  /** The file the preview was read from (what sites:import reads again). */
  previewFile: string | FileUpload;
  selected: Set<string>;
  includePasswords: boolean;
  loading: boolean;
  importing: boolean;
  error: string | null;
  /** The first-start offer: what sites:discover found, once per window. */
  offer: { text: string; source: ImportSource } | null;
  offerChecked: boolean;
  show(source?: ImportSource): void;
  close(): void;
  setSource(source: ImportSource): void;
  setFile(file: string): void;
  setUpload(upload: FileUpload | null): void;
  loadPreview(): Promise<void>;
  back(): void;
  toggle(key: string, on: boolean): void;
  selectAll(on: boolean): void;
  setIncludePasswords(on: boolean): void;
  runImport(options: { canSavePasswords: boolean }): Promise<boolean>;
  checkOffer(): Promise<void>;
  acceptOffer(): void;
  dismissOffer(): void;
}

function defaultMemory(): OfferMemory {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function createImportStore(getApi: () => SftpDoctorApi, sites = sitesStore, memory: () => OfferMemory = defaultMemory) {
  let generation = 0;
  const remembered = () => {
    try {
      return memory()?.getItem(OFFER_DISMISSED_KEY) === '1';
    } catch {
      return false;
    }
  };
  const remember = () => {
    try {
      memory()?.setItem(OFFER_DISMISSED_KEY, '1');
    } catch {
      // Storage full or blocked: the offer may come back next time, which does no harm.
    }
  };
  const fresh = { step: 'choose' as ImportStep, preview: null, previewFile: '', selected: new Set<string>(), includePasswords: false, loading: false, importing: false, error: null };

  return createStore<ImportState>()((set, get) => ({
    open: false,
    source: 'openssh',
    file: '',
    upload: null,
    ...fresh,
    offer: null,
    offerChecked: false,
    show(source) {
      generation++;
      set({ open: true, ...fresh, ...(source ? { source, file: '', upload: null } : {}) });
    },
    close() {
      generation++;
      set({ open: false, ...fresh });
    },
    setSource(source) {
      if (source !== get().source) set({ source, file: '', upload: null, error: null });
    },
    setFile: (file) => set({ file, error: null }),
    setUpload: (upload) => set({ upload, error: null }),
    async loadPreview() {
      const { source } = get();
      const file = get().upload ?? get().file.trim();
      const gen = ++generation;
      set({ loading: true, error: null });
      try {
        const preview = await (file ? getApi().invoke('sites:import-preview', source, file) : getApi().invoke('sites:import-preview', source));
        if (gen !== generation) return;
        set({ loading: false, step: 'preview', preview, previewFile: file, selected: initialSelection(preview), includePasswords: false });
      } catch (err) {
        if (gen === generation) set({ loading: false, error: `${sourceInfo(source).label} could not be read: ${errorMessage(err)}` });
      }
    },
    back() {
      generation++;
      set({ ...fresh });
    },
    toggle(key, on) {
      const selected = new Set(get().selected);
      if (on) selected.add(key);
      else selected.delete(key);
      set({ selected });
    },
    selectAll(on) {
      const preview = get().preview;
      set({ selected: new Set(on && preview ? preview.candidates.map((c) => c.key) : []) });
    },
    setIncludePasswords: (includePasswords) => set({ includePasswords }),
    async runImport({ canSavePasswords }) {
      const { preview, selected, previewFile, includePasswords, source } = get();
      if (!preview || selected.size === 0 || get().importing) return false;
      const keys = preview.candidates.filter((c) => selected.has(c.key)).map((c) => c.key);
      const wantPasswords = includePasswords && canSavePasswords && preview.candidates.some((c) => c.hasPassword && selected.has(c.key));
      const gen = generation;
      set({ importing: true, error: null });
      try {
        const imported = await getApi().invoke('sites:import', source, keys, { ...(previewFile ? { file: previewFile } : {}), includePasswords: wantPasswords });
        // Saved in main whatever the dialog does now: the list shows them in any case.
        await sites.getState().load();
        const status = importedMessage({
          label: sourceInfo(source).label,
          imported: imported.length,
          asked: keys.length,
          hostKeys: hostKeysFor(preview, selected),
          passwordsFound: preview.candidates.some((c) => c.hasPassword && selected.has(c.key)),
          passwordsSaved: imported.some((s) => s.hasSavedPassword),
        });
        sites.setState({ status });
        remember();
        set({ offer: null });
        if (gen === generation) set({ open: false, ...fresh });
        return true;
      } catch (err) {
        if (gen === generation) set({ importing: false, error: `The sites were not imported: ${errorMessage(err)}` });
        return false;
      }
    },
    async checkOffer() {
      if (get().offerChecked) return;
      set({ offerChecked: true });
      if (remembered()) return;
      let found: DiscoveredImportSource[];
      try {
        found = await getApi().invoke('sites:discover');
      } catch {
        return; // Only an offer: without it the user still has "Import sites…".
      }
      const text = offerText(found);
      const source = offerSource(found);
      // The user may have saved or imported a site meanwhile: then there is nothing to offer.
      if (text && source && sites.getState().sites.length === 0) set({ offer: { text, source } });
    },
    acceptOffer() {
      const offer = get().offer;
      remember();
      set({ offer: null });
      if (!offer) return;
      get().show(offer.source);
      void get().loadPreview();
    },
    dismissOffer() {
      remember();
      set({ offer: null });
    },
  }));
}

export const importer = createImportStore(api);
export const useImport = <T>(selector: (s: ImportState) => T): T => useStore(importer, selector);
