/**
 * Saved sites, as the site list shows them. Never holds a secret: saved passwords stay in main.
 * A site, its settings and a draft are zod schemas (shared/schemas/sites.ts, request.ts); their
 * types are re-exported here type-only, so that importing this module never loads zod.
 */
import type { ImportSource, Site } from './schemas/sites';

export type { ImportSource, Site, SiteDraft, SiteOrigin } from './schemas/sites';
export type { SiteSettings } from './schemas/request';

/** The programs whose saved sites can be imported. */
export const IMPORT_SOURCES = ['openssh', 'putty', 'winscp', 'filezilla'] as const;

/** A host key another program trusted, for one literal host name and port. */
export interface ImportHostKey {
  host: string;
  port: number;
  /** OpenSSH key type, e.g. "ssh-ed25519". */
  type: string;
  /** "SHA256:..." as ssh-keygen -l prints it. */
  sha256: string;
}

export interface ImportCandidate {
  /** Stable within one preview, used to pick which to import. */
  key: string;
  site: Omit<Site, 'id' | 'createdAt' | 'updatedAt' | 'hasSavedPassword'>;
  /** A stored password was found (only imported on explicit request). */
  hasPassword: boolean;
  /** An existing site with the same host, port and user. */
  duplicateOf?: string;
  /** The host keys that become trusted when this site is imported: those recorded for exactly its host and port. */
  hostKeys?: ImportHostKey[];
}

/** A site of a valid file that is left out on purpose (another protocol), not a reading problem. */
export interface ImportSkipped {
  file: string;
  line?: number;
  /** The site's name (with its folder) in the other program. */
  name: string;
  /** Why, in one or two words: "FTP", "FTPS", "WebDAV", "telnet"... shown as "skipped: FTP". */
  reason: string;
}

export interface ImportPreview {
  source: ImportSource;
  files: string[];
  candidates: ImportCandidate[];
  /** Sites left out on purpose because they are not SFTP or SCP (absent in older previews: none). */
  skipped?: ImportSkipped[];
  /** Problems found while reading, with file and line, that did not stop the rest. */
  problems: { file: string; line?: number; message: string }[];
  /** Every usable host key found (each for one literal host and port); only those of imported sites are trusted. */
  hostKeys: ImportHostKey[];
}

/** A message when the port (as typed) cannot be a TCP port, else null. Used by the window and `sites add|edit`. */
export function portProblem(port: string): string | null {
  const t = port.trim();
  if (t === '') return null;
  if (!/^\d+$/.test(t)) return 'The port must be a number, usually 22.';
  const n = Number(t);
  if (n < 1 || n > 65535) return 'The port must be between 1 and 65535; SFTP usually uses 22.';
  return null;
}

/** "Folder/Name" of a site (its name alone at the top level): how the site list, `sites list` and TARGET name it. */
export function siteFullName(site: Pick<Site, 'folder' | 'name'>): string {
  return site.folder ? `${site.folder}/${site.name}` : site.name;
}

export const SOURCE_LABELS: Record<ImportSource, string> = {
  openssh: 'OpenSSH',
  putty: 'PuTTY',
  winscp: 'WinSCP',
  filezilla: 'FileZilla',
};

/** Why importing WinSCP's saved passwords is worth it, and what it means. */
export const WINSCP_PASSWORD_EXPLANATION =
  'WinSCP does not encrypt saved passwords (unless you set a master password); it only scrambles them, and anyone who can read WinSCP.ini can unscramble them. Importing them copies the passwords into SFTP Doctor, where they are stored encrypted by your system keychain.';
