/** Importing sites from other tools, as the Import dialog and the first-start offer show it. Pure. */
import { formatJumpHost, formatProxy } from '../../shared/path';
import type { DiscoveredImportSource } from '../../shared/api';
import type { ImportCandidate, ImportHostKey, ImportPreview, ImportSource, Site } from '../../shared/sites';

export interface SourceInfo {
  source: ImportSource;
  label: string;
  /** Where the tool keeps its sites, in plain words. */
  where: string;
  /** What the file field expects when the user gives a file. */
  fileHint: string;
  /** The usual file, shown as the field's placeholder. */
  placeholder: string;
}

export const IMPORT_SOURCES: readonly SourceInfo[] = [
  {
    source: 'openssh',
    label: 'OpenSSH',
    where: 'The ssh command’s own settings: ~/.ssh/config, with the files it includes.',
    fileHint: 'Leave empty to read ~/.ssh/config, or type the full path of another ssh config file.',
    placeholder: '~/.ssh/config',
  },
  {
    source: 'putty',
    label: 'PuTTY',
    where: 'On Windows, PuTTY keeps its sessions in the registry; on Linux, in ~/.putty/sessions.',
    fileHint: 'Leave empty for the usual place. From another Windows PC, run reg query HKCU\\Software\\SimonTatham\\PuTTY /s > putty.txt there, copy the file here and type its path.',
    placeholder: '~/.putty/sessions',
  },
  {
    source: 'winscp',
    label: 'WinSCP',
    where: 'WinSCP.ini in your application data folder (Windows), or the registry.',
    fileHint: 'Leave empty on Windows. Elsewhere, save the settings in WinSCP (Tools > Export/Backup Configuration), copy the file here and type its path.',
    placeholder: 'WinSCP.ini',
  },
  {
    source: 'filezilla',
    label: 'FileZilla',
    where: 'The Site Manager file sitemanager.xml: ~/.config/filezilla on Linux, %APPDATA%\\FileZilla on Windows.',
    fileHint: 'Leave empty for the usual place, or type the full path of a sitemanager.xml (FileZilla: File > Export).',
    placeholder: '~/.config/filezilla/sitemanager.xml',
  },
];

export function sourceInfo(source: ImportSource): SourceInfo {
  return IMPORT_SOURCES.find((s) => s.source === source) ?? IMPORT_SOURCES[0]!;
}

/** Tools that store passwords only scrambled, so anyone who reads the file can recover them. */
export function passwordsAreObfuscated(source: ImportSource): boolean {
  return source === 'winscp' || source === 'filezilla';
}

/** The keys ticked when a preview arrives: every site not saved already. */
export function initialSelection(preview: ImportPreview): Set<string> {
  return new Set(preview.candidates.filter((c) => c.duplicateOf === undefined).map((c) => c.key));
}

/** The site a duplicate matches, by name ("Work/Web server"), or null when it is gone. */
export function duplicateName(candidate: ImportCandidate, sites: readonly Site[]): string | null {
  if (candidate.duplicateOf === undefined) return null;
  const site = sites.find((s) => s.id === candidate.duplicateOf);
  if (!site) return null;
  return site.folder ? `${site.folder}/${site.name}` : site.name;
}

function portOf(port: number | string | undefined): number {
  const n = typeof port === 'number' ? port : Number.parseInt(String(port ?? '').trim(), 10);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : 22;
}

/** "user@host:port" as the preview shows each site (the port only when it is not 22). */
export function describeTarget(candidate: ImportCandidate): string {
  const s = candidate.site.settings;
  const port = portOf(s.port);
  const host = s.host.includes(':') && !s.host.startsWith('[') ? `[${s.host}]` : s.host;
  const path = `${s.proxy ? ` through the proxy ${formatProxy(s.proxy)}` : ''}${s.jumpHosts?.length ? ` via jump host ${s.jumpHosts.map(formatJumpHost).join(', ')}` : ''}`;
  return `${s.user ? `${s.user}@` : ''}${host || '(no host name)'}${port === 22 ? '' : `:${port}`}${path}`;
}

/**
 * The host keys main trusts with the chosen sites: each recorded for exactly one chosen site's
 * host and port (main decided which; the same key of two chosen sites counts once).
 */
export function hostKeysToTrust(preview: ImportPreview, selected: ReadonlySet<string>): ImportHostKey[] {
  const out: ImportHostKey[] = [];
  for (const c of preview.candidates) {
    if (!selected.has(c.key)) continue;
    for (const k of c.hostKeys ?? []) {
      if (!out.some((o) => o.host.toLowerCase() === k.host.toLowerCase() && o.port === k.port && o.sha256 === k.sha256)) out.push(k);
    }
  }
  return out;
}

export function hostKeysFor(preview: ImportPreview, selected: ReadonlySet<string>): number {
  return hostKeysToTrust(preview, selected).length;
}

/** "host" or "[host]:port", as the key is recorded. */
export function hostKeyPlace(k: Pick<ImportHostKey, 'host' | 'port'>): string {
  return k.port === 22 ? k.host.toLowerCase() : `[${k.host.toLowerCase()}]:${k.port}`;
}

export function selectedWithPasswords(preview: ImportPreview, selected: ReadonlySet<string>): number {
  return preview.candidates.filter((c) => c.hasPassword && selected.has(c.key)).length;
}

export interface CandidateGroup {
  /** Folder path, "" for the top level. */
  folder: string;
  candidates: ImportCandidate[];
}

/** The preview's sites by folder: the top level first, then folders in the source's order. */
export function groupByFolder(candidates: readonly ImportCandidate[]): CandidateGroup[] {
  const groups = new Map<string, ImportCandidate[]>([['', []]]);
  for (const c of candidates) {
    const folder = c.site.folder.trim();
    let list = groups.get(folder);
    if (!list) groups.set(folder, (list = []));
    list.push(c);
  }
  return [...groups].filter(([, list]) => list.length > 0).map(([folder, list]) => ({ folder, candidates: list }));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Where a problem is, as "file, line 13" (or just the file). */
export function problemPlace(problem: { file: string; line?: number }): string {
  if (!problem.file) return '';
  return problem.line !== undefined ? `${problem.file}, line ${problem.line}` : problem.file;
}

/** The sentence after an import, for the site list's status line. */
export function importedMessage(args: { label: string; imported: number; asked: number; hostKeys: number; passwordsFound: boolean; passwordsSaved: boolean }): string {
  const parts: string[] = [];
  if (args.imported === 0) parts.push(`Nothing was imported from ${args.label}: the file changed since the preview. Open Import sites… again.`);
  else parts.push(`Imported ${plural(args.imported, 'site')} from ${args.label}.`);
  if (args.imported > 0 && args.imported < args.asked) parts.push(`${plural(args.asked - args.imported, 'site was', 'sites were')} no longer in the file.`);
  if (args.imported > 0 && args.hostKeys > 0) parts.push(`${plural(args.hostKeys, 'host key')} of ${args.imported === 1 ? 'this server' : 'these servers'} ${args.hostKeys === 1 ? 'is' : 'are'} now trusted.`);
  if (args.imported > 0 && args.passwordsFound && !args.passwordsSaved) parts.push('Saved passwords were not imported: type them when you connect.');
  if (args.imported > 0) parts.push('Pick one in the list to connect.');
  return parts.join(' ');
}

/** The first-start offer, e.g. "Found 4 sites in FileZilla. Import them?", or null if there is nothing to offer. */
export function offerText(found: readonly DiscoveredImportSource[]): string | null {
  const withSites = [...found].filter((f) => f.sites > 0).sort((a, b) => b.sites - a.sites);
  if (withSites.length === 0) return null;
  const parts = withSites.map((f, i) => (i === 0 ? `${plural(f.sites, 'site')} in ${f.label}` : `${f.sites} in ${f.label}`));
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
  const total = withSites.reduce((n, f) => n + f.sites, 0);
  return `Found ${list}. Import ${total === 1 ? 'it' : 'them'}?`;
}

/** The source the offer opens first: the one with the most sites. */
export function offerSource(found: readonly DiscoveredImportSource[]): ImportSource | null {
  const best = [...found].filter((f) => f.sites > 0).sort((a, b) => b.sites - a.sites)[0];
  return best ? best.source : null;
}
