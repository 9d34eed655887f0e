/**
 * The arguments of the API's requests (shared/api.ts) that are not a connection request or a
 * site: one zod schema each, the TypeScript type is z.infer of it (re-exported type-only by
 * shared/api.ts and shared/check.ts), and main checks every call with the same schema
 * (main/services/schemas.ts).
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { MAX_CHECK_JOBS } from '../check';
import { KEY_TARGET_FORMATS } from '../keys';
import { MAX_KEY_TEXT, base64Of, text } from './request';

/** A key as the UI hands it over: dropped/picked file content or pasted text, never a path the renderer cannot see. */
export const KeyInputSchema = z
  .strictObject({
    /** File name as dropped (for messages and "where is the private key" hints). */
    name: text(1024).optional(),
    /** Absolute path when main can read it itself (Electron file pick). */
    path: text().optional(),
    /** The content: text, or base64 of a binary file (SSH-1 keys are binary). */
    text: text(MAX_KEY_TEXT).optional(),
    base64: base64Of(MAX_KEY_TEXT).optional(),
  })
  .refine((k) => k.path !== undefined || k.text !== undefined || k.base64 !== undefined, 'A key needs its content or a path.');

/** An uploaded settings file: the import reads at most 10 MB. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** A file the user chose in the browser window, sent as its bytes (the browser host reads no typed path). */
export const FileUploadSchema = z.strictObject({
  /** The file's name as chosen (for messages; never used as a path). */
  name: text(1024).min(1),
  base64: base64Of(MAX_UPLOAD_BYTES),
});

/** A settings file to import: a path main reads, or the bytes the browser window sent. */
export const ImportFileSchema = z.union([text(), FileUploadSchema]);

export const ImportRequestOptionsSchema = z.strictObject({ file: ImportFileSchema.optional(), includePasswords: z.boolean() });

/** What the user confirmed or supplied for a fix that needs more than a click. */
export const RepairInputSchema = z.strictObject({
  /** The user saw exactly what will change and agreed (required for every fix not marked safe). */
  confirmed: z.boolean(),
  /** The fingerprint the user typed or pasted (from the admin) for host-key fixes; compared by main. */
  fingerprint: text(256).optional(),
  /** SECRET. A new password, for an expired one. */
  newPassword: text().optional(),
  /** SECRET. A passphrase for a key being converted or generated. */
  newPassphrase: text().optional(),
  /** Folder to save a new or converted key in (desktop app). */
  folder: text().optional(),
  /** SECRET. The password to log in with for a server-side fix, when the attempt had none (e.g. it used a key). */
  password: text().optional(),
});

export const BundleOptionsSchema = z.strictObject({
  /** Replace host names, user names, IP addresses and home paths with placeholders. */
  anonymise: z.boolean(),
});

export const KeyTargetFormatSchema = z.enum(KEY_TARGET_FORMATS);

/** Without newPassphrase or noPassphrase, an encrypted key keeps its passphrase. */
export const KeyConvertOptionsSchema = z.strictObject({ passphrase: text().optional(), newPassphrase: text().optional(), noPassphrase: z.boolean().optional() });

/** Which saved sites to check: every one, a folder (with its sub-folders), or named ones. */
export const CheckSelectionSchema = z.strictObject({
  /** A folder path such as "Work/Clients": its sites and those of its sub-folders. */
  folder: text(1024).optional(),
  /** Site ids (the window) to check; absent with no folder: every saved site. */
  siteIds: z.array(text(128).min(1)).max(10_000).optional(),
  /** How many sites are checked at the same time (default DEFAULT_CHECK_JOBS). */
  jobs: z.number().int().min(1).max(MAX_CHECK_JOBS).optional(),
});

export type KeyInput = z.infer<typeof KeyInputSchema>;
export type FileUpload = z.infer<typeof FileUploadSchema>;
export type ImportRequestOptions = z.infer<typeof ImportRequestOptionsSchema>;
export type RepairInput = z.infer<typeof RepairInputSchema>;
export type BundleOptions = z.infer<typeof BundleOptionsSchema>;
export type KeyConvertOptions = z.infer<typeof KeyConvertOptionsSchema>;
export type CheckSelection = z.infer<typeof CheckSelectionSchema>;
