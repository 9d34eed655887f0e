/**
 * The desktop app's password vault: Electron's safeStorage (Keychain on macOS, DPAPI on Windows,
 * the Secret Service or KWallet on Linux). Takes the safeStorage object as a parameter so this
 * module does not import Electron itself.
 */
import { noVault, type PasswordVault } from './password-vault';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export function safeStorageVault(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): PasswordVault {
  if (!safeStorage.isEncryptionAvailable()) {
    return noVault('Passwords cannot be saved: the system keychain is not available on this computer.');
  }
  // On Linux without a keyring, Chromium falls back to a fixed key ("basic_text"): not encryption.
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return noVault('Passwords are not saved: no system keyring (GNOME Keyring or KWallet) is running, so they could not be encrypted.');
  }
  return {
    available: true,
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
