/**
 * The sites:* channels of shared/api.ts, ready for the services table:
 *   createServices(deps, { ...siteHandlers(store) })
 * Arguments arrive already validated by main/services/schemas.ts. Errors thrown here carry a
 * sentence meant for the user (SiteStoreError), which the bridge passes on as is.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiRequests, FileUpload } from '../../shared/api';
import type { SiteStore } from '../store/sites';
import { discoverSources, importSelected, previewImport, type ImportEnvironment } from './index';

/** Largest file the browser window may send to import (settings files are a few KB). */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

/** An uploaded file that cannot be imported; the message is for the user. */
export class SiteImportError extends Error {
  override readonly name = 'SiteImportError';
}

/**
 * Runs `read` on a private copy of the bytes the browser window sent (the readers take files),
 * then removes it. Every mention of the copy's path in the answer names the chosen file instead.
 */
async function withUpload<T>(upload: FileUpload, read: (file: string) => Promise<T>): Promise<T> {
  const bytes = Buffer.from(upload.base64, 'base64');
  if (bytes.length > MAX_UPLOAD_BYTES) throw new SiteImportError(`"${upload.name.slice(0, 200)}" is ${Math.round(bytes.length / 1024)} KB, far too large for a settings file (at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB). Choose the settings file itself.`);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-upload-'));
  // The chosen name only as a plain file name (never a path), so readers that look at it (PuTTY's sshhostkeys) still can.
  const base = path.basename(upload.name.replace(/\\/g, '/')).replace(/[^\w.@+-]/g, '_').slice(0, 100).replace(/^\.+/, '') || 'upload';
  const file = path.join(dir, base);
  try {
    await fs.writeFile(file, bytes, { mode: 0o600 });
    const result = await read(file);
    const shown = JSON.stringify(upload.name).slice(1, -1);
    return JSON.parse(JSON.stringify(result).split(JSON.stringify(file).slice(1, -1)).join(shown)) as T;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const isUpload = (f: string | FileUpload | undefined): f is FileUpload => typeof f === 'object';

type SiteChannel = 'sites:list' | 'sites:save' | 'sites:delete' | 'sites:import-preview' | 'sites:import' | 'sites:discover';
export type SiteHandlers = { [K in SiteChannel]: (args: ApiRequests[K]['args']) => Promise<ApiRequests[K]['result']> };

export function siteHandlers(store: SiteStore, environment?: ImportEnvironment): SiteHandlers {
  const env = environment ? { environment } : {};
  return {
    'sites:list': async () => store.list(),
    'sites:save': async ([draft]) => store.save(draft),
    'sites:delete': async ([id]) => ({ deleted: await store.delete(id) }),
    'sites:import-preview': async ([source, file]) => {
      if (isUpload(file)) return withUpload(file, (f) => previewImport(source, { store, ...env, file: f, uploaded: true }));
      return previewImport(source, { store, ...env, ...(file ? { file } : {}) });
    },
    'sites:import': async ([source, keys, options]) => {
      const { file, includePasswords } = options;
      if (isUpload(file)) return withUpload(file, async (f) => (await importSelected(source, keys, { store, ...env, includePasswords, file: f, uploaded: true })).sites);
      const outcome = await importSelected(source, keys, { store, ...env, includePasswords, ...(file ? { file } : {}) });
      return outcome.sites;
    },
    'sites:discover': async () => {
      const found = await discoverSources({ store, ...env });
      return found.map(({ source, label, sites, hostKeys }) => ({ source, label, sites, hostKeys }));
    },
  };
}
