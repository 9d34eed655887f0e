import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../services/handlers';
import { noVault } from '../store/password-vault';
import { SiteStore } from '../store/sites';
import type { ImportEnvironment } from './index';
import { siteHandlers } from './site-handlers';

const fixtures = path.join(__dirname, 'fixtures');
const environment = (home: string): ImportEnvironment => ({ home, platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null });

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'discover-handler-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('sites:discover (the first-start offer)', () => {
  it('names each tool with something to import, counting only sites not saved yet', async () => {
    const store = new SiteStore({ dataDir: dir });
    const h = siteHandlers(store, environment(path.join(fixtures, 'home')));
    const before = await h['sites:discover']([]);
    expect(before.map((f) => f.source).sort()).toEqual(['filezilla', 'openssh', 'putty']);
    for (const f of before) expect(Object.keys(f).sort()).toEqual(['hostKeys', 'label', 'sites', 'source']);
    const fz = before.find((f) => f.source === 'filezilla')!;
    expect(fz.label).toBe('FileZilla');
    expect(fz.sites).toBeGreaterThan(0);

    // Import FileZilla's sites: the offer no longer counts them.
    const preview = await h['sites:import-preview'](['filezilla']);
    await h['sites:import'](['filezilla', preview.candidates.map((c) => c.key), { includePasswords: false }]);
    const after = await h['sites:discover']([]);
    expect(after.find((f) => f.source === 'filezilla')?.sites ?? 0).toBe(0);
  });

  it('finds nothing in an empty home folder', async () => {
    const h = siteHandlers(new SiteStore({ dataDir: dir }), environment(path.join(dir, 'empty-home')));
    expect(await h['sites:discover']([])).toEqual([]);
  });

  it('is a channel of the services table, takes no arguments, and looks in the HOME folder', async () => {
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = path.join(fixtures, 'home');
    delete process.env.XDG_CONFIG_HOME;
    try {
      const services = createServices({ host: 'browser', dataDir: dir, diagnose: (async () => undefined) as never, vault: noVault('test') });
      const ctx = { client: {} } as never;
      await expect(services.dispatch('sites:discover', ['x'], ctx)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const found = (await services.dispatch('sites:discover', [], ctx)) as { source: string }[];
      expect(found.map((f) => f.source).sort()).toEqual(['filezilla', 'openssh', 'putty']);
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.XDG_CONFIG_HOME !== undefined) process.env.XDG_CONFIG_HOME = saved.XDG_CONFIG_HOME;
    }
  });
});
