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

  it('flips the Electron fuses that close the ways around the app (run as Node, NODE_OPTIONS, inspector, code outside the asar)', async () => {
    const config = await getConfig(root, null, null);
    const fuses = config.electronFuses;
    expect(fuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // electron-builder hands these to @electron/fuses by name: each must be a fuse it knows.
    const { FuseV1Options } = (await import('@electron/fuses')) as { FuseV1Options: Record<string, unknown> };
    for (const name of ['RunAsNode', 'EnableNodeOptionsEnvironmentVariable', 'EnableNodeCliInspectArguments', 'EnableEmbeddedAsarIntegrityValidation', 'OnlyLoadAppFromAsar', 'EnableCookieEncryption', 'GrantFileProtocolExtraPrivileges']) {
      expect(FuseV1Options[name], name).toBeDefined();
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
