/**
 * One contract for a saved site: whatever an import stores, the window can save back unchanged
 * (sites:save checks a draft with the same schema the store reads sites.json with).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportPreview, Site } from '../../shared/sites';
import { diagnose } from '../diagnose/index';
import { noVault } from '../store/password-vault';
import { createServices } from './handlers';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'site-contract-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('a saved site and sites:save share one contract', () => {
  it('an imported site with a long name and a two-hour keepalive is saved again from the window as it is', async () => {
    const services = createServices({ host: 'electron', dataDir: dir, diagnose, vault: noVault('no keychain in this test') });
    const ctx = { client: { sendEvent() {}, sendPrompt() {}, sendCheck() {} } };
    const name = `archive-${'x'.repeat(292)}`; // 300 characters: longer than the window's old 256 limit
    const config = path.join(dir, 'ssh_config');
    await fs.writeFile(config, `Host ${name}\n  HostName files.example.invalid\n  User anna\n  ServerAliveInterval 7200\n`);

    const preview = (await services.dispatch('sites:import-preview', ['openssh', config], ctx)) as ImportPreview;
    const keys = preview.candidates.map((c) => c.key);
    expect(keys).toHaveLength(1);
    const [imported] = (await services.dispatch('sites:import', ['openssh', keys, { file: config, includePasswords: false }], ctx)) as Site[];
    expect(imported).toMatchObject({ name, settings: { host: 'files.example.invalid', keepaliveSeconds: 7200 } });

    const [listed] = (await services.dispatch('sites:list', [], ctx)) as Site[];
    const saved = (await services.dispatch('sites:save', [{ id: listed!.id, name: listed!.name, folder: listed!.folder, settings: listed!.settings }], ctx)) as Site;
    expect(saved).toMatchObject({ id: imported!.id, name, settings: imported!.settings });
  });
});
