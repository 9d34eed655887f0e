/**
 * `sftp-doctor repair --save-site NAME`: keeps what the repair changed in the attempt's settings as
 * a saved site, so the next `diagnose NAME` (or the window) connects the repaired way. Only
 * settings are saved: passwords, passphrases, a one-time host key and pasted keys never are.
 */
import { promises as fs } from 'node:fs';
import type { Site, SiteSettings } from '../../shared/sites';
import type { ConnectionRequest } from '../../shared/types';
import { siteFullName, type SiteStore } from '../store/sites';

/** The parts of a request a saved site keeps (nothing secret). */
export function siteSettingsOf(request: ConnectionRequest): SiteSettings {
  const s: SiteSettings = { protocol: request.protocol, host: request.host, user: request.user };
  if (request.port !== undefined && request.port !== '') s.port = request.port;
  if (request.privateKey?.path) s.privateKey = { path: request.privateKey.path };
  if (request.useAgent !== undefined) s.useAgent = request.useAgent;
  if (request.identitiesOnly !== undefined) s.identitiesOnly = request.identitiesOnly;
  if (request.authMethods?.length) s.authMethods = [...request.authMethods];
  if (request.rsaSignature) s.rsaSignature = request.rsaSignature;
  if (request.legacyAlgorithms?.length) s.legacyAlgorithms = [...request.legacyAlgorithms];
  if (request.keepaliveSeconds !== undefined) s.keepaliveSeconds = request.keepaliveSeconds;
  if (request.knownHostsPath) s.knownHostsPath = request.knownHostsPath;
  if (request.startPath) s.startPath = request.startPath;
  if (request.timeoutMs !== undefined) s.timeoutMs = request.timeoutMs;
  if (request.writeTest !== undefined) s.writeTest = request.writeTest;
  if (request.holdSeconds !== undefined) s.holdSeconds = request.holdSeconds;
  if (request.jumpHosts?.length) s.jumpHosts = request.jumpHosts.map(({ host, port, user }) => ({ host, ...(port !== undefined ? { port } : {}), ...(user !== undefined ? { user } : {}) }));
  if (request.proxy) {
    const { type, host, port, user } = request.proxy;
    s.proxy = { type, host, port, ...(user !== undefined ? { user } : {}) };
  }
  return s;
}

/** "Folder/Sub/Name" as the folder and the name of a site. */
function splitName(full: string): { folder: string; name: string } {
  const t = full.trim();
  const slash = t.lastIndexOf('/');
  return slash < 0 ? { folder: '', name: t } : { folder: t.slice(0, slash), name: t.slice(slash + 1) };
}

export interface SavedSite {
  site: Site;
  created: boolean;
  /** The copy of sites.json made before it was replaced (absent for a new file). */
  backup: string | null;
}

/**
 * Saves the repaired request as the site NAME: an existing site of that name (or id) gets the
 * request's settings on top of its own; otherwise a new site is made. Returns what it did.
 */
export async function saveRepairedSite(sites: SiteStore, name: string, request: ConnectionRequest): Promise<SavedSite> {
  const existed = await fs.stat(sites.file).then(
    () => true,
    () => false,
  );
  const byId = await sites.get(name.trim());
  const matches = byId ? [byId] : await sites.findByName(name);
  if (matches.length > 1) throw new Error(`"${name}" matches ${matches.length} saved sites: ${matches.map(siteFullName).join(', ')}. Give the full name with its folder.`);
  const settings = siteSettingsOf(request);
  const found = matches[0];
  const site = found
    ? await sites.save({ id: found.id, name: found.name, folder: found.folder, settings: { ...found.settings, ...settings } })
    : await sites.save({ ...splitName(name), settings });
  return { site, created: !found, backup: existed ? `${sites.file}.bak` : null };
}
