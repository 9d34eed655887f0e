import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiteStore } from '../store/sites';
import type { ImportEnvironment } from './index';
import { siteHandlers } from './site-handlers';

const fixtures = path.join(__dirname, 'fixtures');
const environment: ImportEnvironment = { home: path.join(fixtures, 'home'), platform: 'linux', env: {}, localUser: 'me', localHost: 'pc', regQuery: async () => null };

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'site-handlers-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('siteHandlers (the sites:* API channels)', () => {
  it('lists, saves, previews, imports and deletes through one store', async () => {
    const h = siteHandlers(new SiteStore({ dataDir: dir }), environment);
    const saved = await h['sites:save']([{ name: 'Mine', folder: '', settings: { protocol: 'sftp', host: 'web.example.com', port: 2222, user: 'anna' } }]);
    const preview = await h['sites:import-preview'](['openssh']);
    expect(preview.candidates.find((c) => c.site.name === 'web')?.duplicateOf).toBe(saved.id);
    const keys = preview.candidates.filter((c) => !c.duplicateOf).map((c) => c.key);
    const imported = await h['sites:import'](['openssh', keys, { includePasswords: false }]);
    expect(imported).toHaveLength(keys.length);
    expect((await h['sites:list']([])).length).toBe(keys.length + 1);
    expect(await h['sites:delete']([saved.id])).toEqual({ deleted: true });
    const fz = await h['sites:import-preview'](['filezilla', path.join(fixtures, 'filezilla', 'damaged-sitemanager.xml')]);
    expect(fz.problems[0]).toMatchObject({ line: 13 });
  });
});
