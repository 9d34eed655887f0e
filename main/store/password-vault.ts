/**
 * Saved passwords: encrypted by a vault (the OS keychain through Electron safeStorage in the
 * desktop app), kept in their own file `passwords.json` (site id -> base64 ciphertext), never in
 * sites.json. Where no vault is available (browser host, CLI) saving a password is refused with
 * a reason the user can read.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file';

export interface PasswordVault {
  /** Passwords can be encrypted on this machine. */
  available: boolean;
  /** Why they cannot (shown to the user), when not available. */
  reason?: string;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/** A vault that refuses: used by the browser host and the CLI, where no OS keychain is reachable. */
export function noVault(reason: string): PasswordVault {
  const refuse = (): never => {
    throw new PasswordVaultError(reason);
  };
  return { available: false, reason, encrypt: refuse, decrypt: refuse };
}

export class PasswordVaultError extends Error {
  override readonly name = 'PasswordVaultError';
}

export const PASSWORDS_FILE = 'passwords.json';
const PASSWORDS_SCHEMA_VERSION = 1;

interface PasswordsDocument {
  schemaVersion: number;
  /** site id -> base64 of the vault's ciphertext */
  passwords: Record<string, string>;
}

export interface PasswordFileProblem {
  file: string;
  message: string;
  /** Where the unreadable file was moved, so nothing is lost. */
  keptAs?: string;
}

/**
 * The ciphertext file. Holds nothing readable without the vault; still written 0600.
 * Not safe for concurrent use on its own: the site store serialises access.
 */
export class PasswordFile {
  readonly file: string;
  problem: PasswordFileProblem | null = null;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, PASSWORDS_FILE);
  }

  async read(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    try {
      const doc = JSON.parse(text) as Partial<PasswordsDocument> | null;
      if (!doc || typeof doc !== 'object' || typeof doc.passwords !== 'object' || doc.passwords === null) {
        throw new Error('it does not have the expected layout');
      }
      const out = new Map<string, string>();
      for (const [id, value] of Object.entries(doc.passwords)) {
        if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value)) out.set(id, value);
      }
      return out;
    } catch (err) {
      const keptAs = `${this.file}.corrupt-${timestampForFile(new Date())}`;
      await fs.rename(this.file, keptAs);
      this.problem = {
        file: this.file,
        keptAs,
        message: `The saved passwords file could not be read (${(err as Error).message}). It was moved to ${keptAs}; saved passwords must be entered again.`,
      };
      return new Map();
    }
  }

  async write(passwords: ReadonlyMap<string, string>): Promise<void> {
    const doc: PasswordsDocument = { schemaVersion: PASSWORDS_SCHEMA_VERSION, passwords: Object.fromEntries(passwords) };
    // No backup copy: a forgotten password must not live on in a .bak file. The rename is
    // still atomic, so a crash leaves the old file or the new one.
    await writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600, backup: false });
    // An existing file keeps its mode in writeFileAtomic: make sure it is private anyway.
    await fs.chmod(this.file, 0o600);
  }
}

/** 2024-05-01T10-20-30-123Z: a time that is safe in a file name everywhere. */
export function timestampForFile(d: Date): string {
  return d.toISOString().replace(/[:.]/g, '-');
}
