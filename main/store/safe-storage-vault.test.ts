import { describe, expect, it } from 'vitest';
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
