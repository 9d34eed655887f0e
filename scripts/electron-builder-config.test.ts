// electron-builder cannot package here (it downloads Electron), so its configuration is checked
// offline: a typo or a wrong type in electron-builder.yml fails this test instead of a release.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, copyFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';

const root = path.resolve(__dirname, '..');

describe('electron-builder.yml', () => {
  it('is a valid configuration for every target platform', async () => {
    const config = await getConfig(root, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('org.sftpdoctor.app');
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(JSON.stringify(config.files)).toContain('dist/**/*');
    expect(config.extraMetadata?.main).toBe('dist/main/index.cjs');
    for (const icon of [config.linux?.icon, config.win?.icon, config.mac?.icon]) {
      expect(typeof icon === 'string' && existsSync(path.join(root, icon)), `icon ${String(icon)} exists`).toBe(true);
    }
  });

  it('rejects a configuration with an unknown option', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'builder-config-'));
    await copyFile(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    await writeFile(path.join(dir, 'electron-builder.yml'), 'appId: x.y\nasar: true\nnotAnOption: 1\n');
    const config = await getConfig(dir, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/notAnOption|unknown|additional/i);
  });
});
