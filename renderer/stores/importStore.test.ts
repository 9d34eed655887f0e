import { describe, expect, it } from 'vitest';
import type { DiscoveredImportSource } from '../../shared/api';
import type { ImportPreview, ImportSource, Site } from '../../shared/sites';
import { createFormStore } from './formStore';
import { createImportStore, OFFER_DISMISSED_KEY, type OfferMemory } from './importStore';
import { createSitesStore } from './sitesStore';
import { testApi } from './testApi';

const site = (id: string, name: string, host: string, hasSavedPassword = false): Site => ({
  id,
  name,
  folder: '',
  settings: { protocol: 'sftp', host, user: 'anna' },
  hasSavedPassword,
  createdAt: '',
  updatedAt: '',
});

const preview = (source: ImportSource): ImportPreview => ({
  source,
  files: ['/home/anna/.ssh/config'],
  candidates: [
    { key: 'k1', site: { name: 'web', folder: '', settings: { protocol: 'sftp', host: 'web.example.com', user: 'anna' } }, hasPassword: true, hostKeys: [{ host: 'web.example.com', port: 22, type: 'ssh-ed25519', sha256: 'SHA256:x' }] },
    { key: 'k2', site: { name: 'db', folder: 'Work', settings: { protocol: 'sftp', host: 'db.example.com', user: 'anna' } }, hasPassword: false },
    { key: 'k3', site: { name: 'old', folder: '', settings: { protocol: 'sftp', host: 'old.example.com', user: 'anna' } }, hasPassword: false, duplicateOf: 's0' },
  ],
  problems: [{ file: '/home/anna/.ssh/config', line: 7, message: 'Port "twenty" is not a number.' }],
  hostKeys: [{ host: 'web.example.com', port: 22, type: 'ssh-ed25519', sha256: 'SHA256:x' }],
});

function memory(): { store: Map<string, string>; get: () => OfferMemory } {
  const store = new Map<string, string>();
  return { store, get: () => ({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) }) };
}

function world(options: { saved?: Site[]; found?: DiscoveredImportSource[]; failPreview?: string } = {}) {
  let saved = options.saved ?? [];
  const t = testApi({
    'sites:list': () => saved,
    'sites:import-preview': (source) => {
      if (options.failPreview) throw new Error(options.failPreview);
      return preview(source);
    },
    'sites:import': (_source, keys, opts) => {
      const created = keys.map((k) => site(`n-${k}`, k, `${k}.example.com`, opts.includePasswords && k === 'k1'));
      saved = [...saved, ...created];
      return created;
    },
    'sites:discover': () => options.found ?? [],
  });
  const sites = createSitesStore(() => t.api, createFormStore());
  const mem = memory();
  const store = createImportStore(() => t.api, sites, mem.get);
  return { t, sites, store, mem };
}

describe('import store', () => {
  it('previews a source with new sites ticked, imports the ticked ones, and refreshes the site list with a confirmation', async () => {
    const w = world();
    const s = w.store.getState();
    s.show();
    s.setSource('openssh');
    s.setFile('  ~/other/config ');
    await s.loadPreview();
    expect(w.t.calls.at(-1)).toEqual({ channel: 'sites:import-preview', args: ['openssh', '~/other/config'] });
    expect(w.store.getState().step).toBe('preview');
    expect([...w.store.getState().selected].sort()).toEqual(['k1', 'k2']);
    w.store.getState().toggle('k2', false);
    expect(await w.store.getState().runImport({ canSavePasswords: true })).toBe(true);
    expect(w.t.calls.find((c) => c.channel === 'sites:import')?.args).toEqual(['openssh', ['k1'], { file: '~/other/config', includePasswords: false }]);
    expect(w.store.getState().open).toBe(false);
    expect(w.sites.getState().sites.map((x) => x.name)).toEqual(['k1']);
    expect(w.sites.getState().status).toBe('Imported 1 site from OpenSSH. 1 host key of this server is now trusted. Saved passwords were not imported: type them when you connect. Pick one in the list to connect.');
  });

  it('asks main for passwords only when the user ticked it and they can be stored', async () => {
    const w = world();
    w.store.getState().show('filezilla');
    await w.store.getState().loadPreview();
    expect(w.t.calls.at(-1)!.args).toEqual(['filezilla']); // empty file: the usual place
    w.store.getState().setIncludePasswords(true);
    await w.store.getState().runImport({ canSavePasswords: false });
    expect((w.t.calls.find((c) => c.channel === 'sites:import')!.args[2] as { includePasswords: boolean }).includePasswords).toBe(false);
    expect(w.sites.getState().status).toContain('Saved passwords were not imported');

    const w2 = world();
    w2.store.getState().show('filezilla');
    await w2.store.getState().loadPreview();
    w2.store.getState().setIncludePasswords(true);
    await w2.store.getState().runImport({ canSavePasswords: true });
    expect(w2.t.calls.find((c) => c.channel === 'sites:import')!.args[2]).toEqual({ includePasswords: true });
    expect(w2.sites.getState().status).not.toContain('Saved passwords were not imported');
  });

  it('does not import with nothing ticked, and keeps the dialog open with the reason when main refuses', async () => {
    const w = world({ failPreview: 'C:\\x\\WinSCP.ini cannot be read (permission denied).' });
    w.store.getState().show('winscp');
    w.store.getState().setFile('C:\\x\\WinSCP.ini');
    await w.store.getState().loadPreview();
    expect(w.store.getState()).toMatchObject({ step: 'choose', open: true, loading: false, error: 'WinSCP could not be read: C:\\x\\WinSCP.ini cannot be read (permission denied).' });

    const ok = world();
    ok.store.getState().show();
    await ok.store.getState().loadPreview();
    ok.store.getState().selectAll(false);
    expect(await ok.store.getState().runImport({ canSavePasswords: true })).toBe(false);
    expect(ok.t.calls.some((c) => c.channel === 'sites:import')).toBe(false);
    ok.store.getState().selectAll(true);
    expect(ok.store.getState().selected.size).toBe(3);
    ok.store.getState().back();
    expect(ok.store.getState()).toMatchObject({ step: 'choose', preview: null });
  });

  it('a preview that arrives after the dialog was closed is dropped', async () => {
    const w = world();
    w.store.getState().show();
    const pending = w.store.getState().loadPreview();
    w.store.getState().close();
    await pending;
    expect(w.store.getState()).toMatchObject({ open: false, preview: null, step: 'choose' });
  });
});

describe('first-start offer', () => {
  const found: DiscoveredImportSource[] = [
    { source: 'openssh', label: 'OpenSSH', sites: 2, hostKeys: 0 },
    { source: 'filezilla', label: 'FileZilla', sites: 4, hostKeys: 0 },
  ];

  it('offers the tool with the most sites once, opens its preview when accepted, and remembers the answer', async () => {
    const w = world({ found });
    await w.sites.getState().load();
    await w.store.getState().checkOffer();
    expect(w.store.getState().offer).toEqual({ text: 'Found 4 sites in FileZilla and 2 in OpenSSH. Import them?', source: 'filezilla' });
    await w.store.getState().checkOffer();
    expect(w.t.calls.filter((c) => c.channel === 'sites:discover')).toHaveLength(1);
    w.store.getState().acceptOffer();
    expect(w.store.getState()).toMatchObject({ offer: null, open: true, source: 'filezilla', loading: true });
    await Promise.resolve();
    await Promise.resolve();
    expect(w.store.getState().step).toBe('preview');
    expect(w.mem.store.get(OFFER_DISMISSED_KEY)).toBe('1');
    // Nothing secret or identifying is kept: one flag.
    expect([...w.mem.store.keys()]).toEqual([OFFER_DISMISSED_KEY]);
  });

  it('"Not now" is remembered: a new window does not ask main again', async () => {
    const w = world({ found });
    await w.store.getState().checkOffer();
    w.store.getState().dismissOffer();
    expect(w.store.getState().offer).toBeNull();
    const again = createImportStore(() => w.t.api, w.sites, w.mem.get);
    await again.getState().checkOffer();
    expect(again.getState().offer).toBeNull();
    expect(w.t.calls.filter((c) => c.channel === 'sites:discover')).toHaveLength(1);
  });

  it('offers nothing when only host keys were found, when discovery fails, or when sites exist by then', async () => {
    const keysOnly = world({ found: [{ source: 'putty', label: 'PuTTY', sites: 0, hostKeys: 3 }] });
    await keysOnly.store.getState().checkOffer();
    expect(keysOnly.store.getState().offer).toBeNull();

    const failing = world();
    failing.t.api.invoke = () => Promise.reject(new Error('bridge closed'));
    await failing.store.getState().checkOffer();
    expect(failing.store.getState().offer).toBeNull();

    const busy = world({ found, saved: [site('s1', 'Mine', 'mine.example.com')] });
    await busy.sites.getState().load();
    await busy.store.getState().checkOffer();
    expect(busy.store.getState().offer).toBeNull();
  });

  it('works without localStorage (blocked or absent)', async () => {
    const w = world({ found });
    const noStore = createImportStore(() => w.t.api, w.sites, () => null);
    await noStore.getState().checkOffer();
    expect(noStore.getState().offer?.source).toBe('filezilla');
    noStore.getState().dismissOffer();
    const throwing = createImportStore(() => w.t.api, w.sites, () => ({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceeded');
      },
    }));
    await throwing.getState().checkOffer();
    expect(throwing.getState().offer?.source).toBe('filezilla');
    expect(() => throwing.getState().dismissOffer()).not.toThrow();
  });
});
