import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Site, SiteDraft } from '../../shared/sites';
import { createFormStore } from './formStore';
import { createSitesStore, UNDO_MS } from './sitesStore';
import { testApi } from './testApi';

afterEach(() => vi.useRealTimers());

function world() {
  let sites: Site[] = [
    { id: 'a', name: 'Alpha', folder: '', settings: { protocol: 'sftp', host: 'alpha.example', user: 'al', port: 2222 }, hasSavedPassword: true, createdAt: '', updatedAt: '' },
  ];
  let next = 0;
  const t = testApi({
    'sites:list': () => sites,
    'sites:save': (d: SiteDraft) => {
      const site: Site = { id: d.id ?? `n${++next}`, name: d.name, folder: d.folder, settings: d.settings, hasSavedPassword: false, createdAt: '', updatedAt: '' };
      sites = [...sites.filter((s) => s.id !== site.id), site];
      return site;
    },
    'sites:delete': (id: string) => {
      sites = sites.filter((s) => s.id !== id);
      return { deleted: true };
    },
  });
  const form = createFormStore();
  const store = createSitesStore(() => t.api, form);
  return { t, form, store, stored: () => sites };
}

describe('sites store', () => {
  it('loads a site into the form and only hands main the site id while the form still targets it', async () => {
    const w = world();
    await w.store.getState().load();
    w.store.getState().select('a');
    expect(w.form.getState().values).toMatchObject({ host: 'alpha.example', user: 'al', port: '2222' });
    expect(w.form.getState().request().siteId).toBe('a');
    w.form.getState().setText('host', 'evil.example');
    expect(w.form.getState().request().siteId).toBeUndefined();
  });

  it('deletes with undo: nothing is deleted in main until the undo time is over', async () => {
    vi.useFakeTimers();
    const w = world();
    await w.store.getState().load();
    w.store.getState().remove('a');
    expect(w.store.getState().sites).toEqual([]);
    w.store.getState().undoDelete();
    expect(w.store.getState().sites.map((s) => s.id)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(UNDO_MS + 10);
    expect(w.stored()).toHaveLength(1);
    w.store.getState().remove('a');
    await vi.advanceTimersByTimeAsync(UNDO_MS + 10);
    expect(w.t.calls.filter((c) => c.channel === 'sites:delete')).toHaveLength(1);
    expect(w.stored()).toEqual([]);
  });

  it('saves the form as a site without its password or loaded key, renames into folders, duplicates', async () => {
    const w = world();
    await w.store.getState().load();
    w.form.getState().setText('host', 'beta.example');
    w.form.getState().setText('user', 'bo');
    w.form.getState().setText('password', 'hunter2');
    w.form.getState().setKey({ source: 'content', name: 'k', size: 3, text: 'KEY' });
    expect(await w.store.getState().saveCurrent({ name: 'Beta', folder: ' Work / Clients ', savePassword: false, asNew: true })).toBe(true);
    const saved = w.t.calls.find((c) => c.channel === 'sites:save')!.args[0] as SiteDraft;
    expect(saved).toMatchObject({ name: 'Beta', folder: 'Work/Clients', settings: { host: 'beta.example', user: 'bo' } });
    expect(JSON.stringify(saved)).not.toMatch(/hunter2|KEY/);
    const id = w.store.getState().selectedId!;
    expect(await w.store.getState().rename(id, 'Home/Beta box')).toBe(true);
    expect(w.stored().find((s) => s.id === id)).toMatchObject({ name: 'Beta box', folder: 'Home' });
    await w.store.getState().duplicate(id);
    expect(w.stored().map((s) => s.name).sort()).toEqual(['Alpha', 'Beta box', 'Beta box (copy)']);
  });
});
