import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Site } from '../../shared/sites';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { createAppServices } from '../services/app-services';
import { createServices } from '../services/handlers';
import type { DiagnoseFn } from '../services/runs';
import { safeStorageVault, type SafeStorageLike } from './safe-storage-vault';

const reversible = (backend: string, available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  getSelectedStorageBackend: () => backend,
});

describe('safeStorage vault', () => {
  it('encrypts through the keychain when one is there', () => {
    const vault = safeStorageVault(reversible('gnome_libsecret'), 'linux');
    expect(vault.available).toBe(true);
    const sealed = vault.encrypt('pa55 word');
    expect(sealed.toString()).not.toContain('pa55');
    expect(vault.decrypt(sealed)).toBe('pa55 word');
  });

  it('refuses, with a reason, where Linux has no keyring (basic_text is not encryption)', () => {
    const vault = safeStorageVault(reversible('basic_text'), 'linux');
    expect(vault.available).toBe(false);
    expect(vault.reason).toMatch(/keyring/);
    expect(() => vault.encrypt('x')).toThrow(/keyring/);
  });

  it('refuses where encryption is unavailable', () => {
    expect(safeStorageVault(reversible('', false), 'win32').available).toBe(false);
  });
});

describe('remembering a password through the services (the desktop app with a keychain)', () => {
  it('a site saved with its password keeps only keychain ciphertext on disk, and its next Connect gets the password from main', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vault-services-'));
    try {
      const seen: ConnectionRequest[] = [];
      const diagnose: DiagnoseFn = async (request) => {
        seen.push(request);
        return {} as RunResult;
      };
      const services = createServices({ host: 'electron', dataDir, diagnose, vault: safeStorageVault(reversible('gnome_libsecret'), 'linux') });
      const ctx = { client: { sendEvent() {}, sendPrompt() {}, sendCheck() {} } };
      expect(await services.dispatch('app:info', [], ctx)).toMatchObject({ canSavePasswords: true });
      expect(await services.dispatch('app:info', [], ctx)).not.toHaveProperty('savePasswordsUnavailable');
      const settings = { protocol: 'sftp', host: 'files.example.invalid', port: 22, user: 'ann', timeoutMs: 5000 };
      const site = (await services.dispatch('sites:save', [{ name: 'Files', folder: '', settings }], ctx)) as Site;
      expect(site.hasSavedPassword).toBe(false);
      // "Remember the password" at Connect: the same site saved again with the password.
      const saved = (await services.dispatch('sites:save', [{ id: site.id, name: 'Files', folder: '', settings, password: 'Tr0ub4dor&3' }], ctx)) as Site;
      expect(saved.hasSavedPassword).toBe(true);
      expect(JSON.stringify(saved)).not.toContain('Tr0ub4dor');
      const onDisk = (await fs.readFile(path.join(dataDir, 'passwords.json'), 'utf8')) + (await fs.readFile(path.join(dataDir, 'sites.json'), 'utf8'));
      expect(onDisk).not.toContain('Tr0ub4dor');
      expect((await fs.stat(path.join(dataDir, 'passwords.json'))).mode & 0o777).toBe(0o600);
      await services.dispatch('diagnose:start', [{ ...settings, siteId: site.id }], ctx);
      expect(seen.at(-1)?.password).toBe('Tr0ub4dor&3');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('without a keyring (or in the browser window) the window is told why, and nothing is written', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vault-services-'));
    try {
      const ctx = { client: { sendEvent() {}, sendPrompt() {}, sendCheck() {} } };
      const noop: DiagnoseFn = async () => ({}) as RunResult;
      const linux = createServices({ host: 'electron', dataDir, diagnose: noop, vault: safeStorageVault(reversible('basic_text'), 'linux') });
      expect(await linux.dispatch('app:info', [], ctx)).toMatchObject({ canSavePasswords: false, savePasswordsUnavailable: expect.stringMatching(/keyring/) });
      const browser = createAppServices({ host: 'browser', dataDir });
      expect(await browser.dispatch('app:info', [], ctx)).toMatchObject({ canSavePasswords: false, savePasswordsUnavailable: expect.stringMatching(/browser window/) });
      const settings = { protocol: 'sftp', host: 'files.example.invalid', port: 22, user: 'ann', timeoutMs: 5000 };
      await expect(browser.dispatch('sites:save', [{ name: 'Files', folder: '', settings, password: 'Tr0ub4dor&3' }], ctx)).rejects.toThrow(/browser window/);
      await expect(fs.stat(path.join(dataDir, 'passwords.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
