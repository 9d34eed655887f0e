/** Saved sites (data in main through sites:*), the selection, and deletion with undo. */
import { createStore, useStore } from 'zustand';
import type { SftpDoctorApi } from '../../shared/api';
import type { Site, SiteDraft } from '../../shared/sites';
import { api } from '../api';
import { errorMessage } from '../api/errors';
import { toSiteSettings } from '../logic/form';
import { copyName, normaliseFolder, shownName, splitSitePath, typedOrStored } from '../logic/sites';
import { form as formStore } from './formStore';

/** How long "Undo" stays offered after a delete. */
export const UNDO_MS = 8000;

export interface SitesState {
  sites: Site[];
  loaded: boolean;
  error: string | null;
  /** Shown next to the list after an action ("Saved.", "Deleted Backup."). */
  status: string | null;
  selectedId: string | null;
  /** Hidden from the list, deleted in main when the undo time runs out. */
  pendingDelete: Site | null;
  collapsed: Record<string, boolean>;
  load(): Promise<void>;
  select(id: string): void;
  newSite(): void;
  toggleFolder(path: string): void;
  saveCurrent(options: { name: string; folder: string; savePassword: boolean; asNew: boolean }): Promise<boolean>;
  rename(id: string, text: string): Promise<boolean>;
  duplicate(id: string): Promise<void>;
  /** Stores a password for a site (OS keychain); returns why not, or null. */
  rememberPassword(id: string, password: string): Promise<string | null>;
  remove(id: string): void;
  undoDelete(): void;
  commitDelete(): Promise<void>;
}

export function createSitesStore(getApi: () => SftpDoctorApi, form = formStore) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const store = createStore<SitesState>()((set, get) => {
    const upsert = (site: Site) => set((s) => ({ sites: [...s.sites.filter((x) => x.id !== site.id), site] }));
    const draftOf = (site: Site, patch: Partial<SiteDraft>): SiteDraft => ({ id: site.id, name: site.name, folder: site.folder, settings: site.settings, ...patch });
    return {
      sites: [],
      loaded: false,
      error: null,
      status: null,
      selectedId: null,
      pendingDelete: null,
      collapsed: {},
      async load() {
        try {
          const sites = await getApi().invoke('sites:list');
          set({ sites, loaded: true, error: null });
        } catch (err) {
          set({ loaded: true, error: `Saved sites could not be loaded: ${errorMessage(err)}` });
        }
      },
      select(id) {
        const site = get().sites.find((s) => s.id === id);
        if (!site) return;
        set({ selectedId: id, status: null });
        form.getState().loadSite(site);
      },
      newSite() {
        set({ selectedId: null, status: null });
        form.getState().newSite();
      },
      toggleFolder: (path) => set((s) => ({ collapsed: { ...s.collapsed, [path]: !s.collapsed[path] } })),
      async saveCurrent({ name, folder, savePassword, asNew }) {
        const f = form.getState();
        const id = asNew ? undefined : (f.siteId ?? undefined);
        const draft: SiteDraft = { name: name.trim() || 'New site', folder: normaliseFolder(folder), settings: toSiteSettings(f.values) };
        if (id) draft.id = id;
        if (savePassword && f.values.password !== '') draft.password = f.values.password;
        if (!savePassword && f.siteHasPassword && !asNew) draft.forgetPassword = true;
        try {
          const site = await getApi().invoke('sites:save', draft);
          upsert(site);
          set({ selectedId: site.id, status: `Saved "${shownName(site.name)}".`, error: null });
          form.setState({ siteId: site.id, siteSettings: site.settings, siteHasPassword: site.hasSavedPassword });
          return true;
        } catch (err) {
          set({ error: `The site was not saved: ${errorMessage(err)}` });
          return false;
        }
      },
      async rename(id, text) {
        const site = get().sites.find((s) => s.id === id);
        if (!site) return false;
        // The field showed the stored name made visible: what was left as shown keeps its bytes.
        const typed = splitSitePath(text, shownName(site.folder));
        const name = typedOrStored(typed.name, site.name);
        const folder = typedOrStored(typed.folder, site.folder);
        if (!name) {
          set({ error: 'A site needs a name. Type one, or press Escape to keep the old name.' });
          return false;
        }
        if (name === site.name && folder === site.folder) return true;
        try {
          const saved = await getApi().invoke('sites:save', draftOf(site, { name, folder }));
          upsert(saved);
          set({ status: `Renamed to "${shownName(saved.name)}".`, error: null });
          return true;
        } catch (err) {
          set({ error: `The site was not renamed: ${errorMessage(err)}` });
          return false;
        }
      },
      async rememberPassword(id, password) {
        const site = get().sites.find((s) => s.id === id);
        if (!site) return 'The site no longer exists.';
        try {
          const saved = await getApi().invoke('sites:save', draftOf(site, { password }));
          upsert(saved);
          if (form.getState().siteId === id) form.setState({ siteHasPassword: saved.hasSavedPassword });
          set({ status: `The password of "${shownName(saved.name)}" is saved.`, error: null });
          return null;
        } catch (err) {
          return `The password was not saved: ${errorMessage(err)}`;
        }
      },
      async duplicate(id) {
        const site = get().sites.find((s) => s.id === id);
        if (!site) return;
        try {
          const draft = draftOf(site, { name: copyName(site.name, site.folder, get().sites) });
          delete draft.id;
          const saved = await getApi().invoke('sites:save', draft);
          upsert(saved);
          set({ status: `Created "${shownName(saved.name)}". Saved passwords are not copied.`, error: null, selectedId: saved.id });
          form.getState().loadSite(saved);
        } catch (err) {
          set({ error: `The site was not duplicated: ${errorMessage(err)}` });
        }
      },
      remove(id) {
        const site = get().sites.find((s) => s.id === id);
        if (!site) return;
        // One undo at a time: an earlier deletion becomes final now.
        void get().commitDelete();
        set((s) => ({
          sites: s.sites.filter((x) => x.id !== id),
          pendingDelete: site,
          selectedId: s.selectedId === id ? null : s.selectedId,
          status: null,
        }));
        timer = setTimeout(() => void get().commitDelete(), UNDO_MS);
      },
      undoDelete() {
        const site = get().pendingDelete;
        if (!site) return;
        if (timer) clearTimeout(timer);
        timer = null;
        set((s) => ({ pendingDelete: null, sites: [...s.sites, site], status: `"${shownName(site.name)}" is back.` }));
      },
      async commitDelete() {
        const site = get().pendingDelete;
        if (!site) return;
        if (timer) clearTimeout(timer);
        timer = null;
        set({ pendingDelete: null });
        try {
          await getApi().invoke('sites:delete', site.id);
        } catch (err) {
          set((s) => ({ sites: [...s.sites, site], error: `"${shownName(site.name)}" could not be deleted: ${errorMessage(err)}` }));
        }
      },
    };
  });
  return store;
}

export const sites = createSitesStore(api);
export const useSites = <T>(selector: (s: SitesState) => T): T => useStore(sites, selector);
