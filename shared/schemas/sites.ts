/**
 * Saved sites: the one declaration of a site, its origin and a draft to save. The types are
 * z.infer of these schemas (re-exported type-only by shared/sites.ts); main validates a draft
 * from the window with SiteDraftSchema (main/services/schemas.ts) and every site it reads from
 * sites.json with SiteSchema (main/store/sites.ts). Never holds a secret but a draft's password.
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { IMPORT_SOURCES } from '../sites';
import { SiteSettingsSchema, text } from './request';

export const ImportSourceSchema = z.enum(IMPORT_SOURCES);

/** Where an imported site came from. */
export const SiteOriginSchema = z.object({
  tool: z.enum([...IMPORT_SOURCES, 'sftp-doctor']),
  /** The file (or registry key) it was read from. */
  file: z.string(),
  /** Its name there. */
  name: z.string(),
});

export const MAX_SITE_NAME = 500;
export const MAX_SITE_FOLDER = 2000;

/** A saved site, as the site list shows it. */
export const SiteSchema = z.object({
  id: text(100).min(1),
  name: text(MAX_SITE_NAME).min(1),
  /** Folder path in the site tree, "" for the top level, "Work/Clients" for nested folders. */
  folder: text(MAX_SITE_FOLDER),
  settings: SiteSettingsSchema,
  /** A password is stored for it (encrypted with the OS keychain via Electron safeStorage). */
  hasSavedPassword: z.boolean(),
  origin: SiteOriginSchema.optional(),
  /** Notes from import, e.g. "ProxyJump is not supported yet". */
  notes: z.array(z.string()).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A site to save (new without an id), from the window or `sites add|edit`. */
export const SiteDraftSchema = z.strictObject({
  id: text(128).optional(),
  name: text(MAX_SITE_NAME).min(1),
  folder: text(MAX_SITE_FOLDER),
  settings: SiteSettingsSchema,
  /** Store this password (only honoured where it can be encrypted). Absent: keep what is stored. */
  password: text().optional(),
  /** Forget a stored password. */
  forgetPassword: z.boolean().optional(),
});

export type ImportSource = z.infer<typeof ImportSourceSchema>;
export type SiteOrigin = z.infer<typeof SiteOriginSchema>;
export type Site = z.infer<typeof SiteSchema>;
export type SiteDraft = z.infer<typeof SiteDraftSchema>;
