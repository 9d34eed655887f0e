/** The site tree as the left pane shows it, built from the flat list main keeps. Pure. */
import { visibleLine } from '../../shared/visible';
import type { Site } from '../../shared/sites';

export interface FolderNode {
  /** Full folder path, "" for the top level. */
  path: string;
  name: string;
  folders: FolderNode[];
  sites: Site[];
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

export function normaliseFolder(folder: string): string {
  return folder
    .split('/')
    .map((p) => p.trim())
    .filter(Boolean)
    .join('/');
}

export function buildTree(sites: readonly Site[]): FolderNode {
  const root: FolderNode = { path: '', name: '', folders: [], sites: [] };
  const index = new Map<string, FolderNode>([['', root]]);
  const folderFor = (path: string): FolderNode => {
    const found = index.get(path);
    if (found) return found;
    const cut = path.lastIndexOf('/');
    const parent = folderFor(cut < 0 ? '' : path.slice(0, cut));
    const node: FolderNode = { path, name: cut < 0 ? path : path.slice(cut + 1), folders: [], sites: [] };
    parent.folders.push(node);
    index.set(path, node);
    return node;
  };
  for (const site of sites) folderFor(normaliseFolder(site.folder)).sites.push(site);
  const sort = (n: FolderNode) => {
    n.folders.sort(byName);
    n.sites.sort(byName);
    n.folders.forEach(sort);
  };
  sort(root);
  return root;
}

/** Every folder path in use, for the "Folder" picker. */
export function folderPaths(sites: readonly Site[]): string[] {
  const set = new Set<string>();
  for (const s of sites) {
    const parts = normaliseFolder(s.folder).split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) set.add(parts.slice(0, i).join('/'));
  }
  return [...set].sort((a, b) => a.localeCompare(b));
}

/** A rename may move the site, as in WinSCP: "Work/Clients/Acme" is folder "Work/Clients", name "Acme". */
export function splitSitePath(text: string, currentFolder: string): { name: string; folder: string } {
  const t = text.trim();
  if (!t.includes('/')) return { name: t, folder: currentFolder };
  const cut = t.lastIndexOf('/');
  return { name: t.slice(cut + 1).trim(), folder: normaliseFolder(t.slice(0, cut)) };
}

/** "Name (copy)", "Name (copy 2)"... not taken in that folder. */
export function copyName(name: string, folder: string, sites: readonly Site[]): string {
  const taken = new Set(sites.filter((s) => normaliseFolder(s.folder) === normaliseFolder(folder)).map((s) => s.name));
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  for (let i = 1; i < 1000; i++) {
    const candidate = i === 1 ? `${base} (copy)` : `${base} (copy ${i})`;
    if (!taken.has(candidate)) return candidate;
  }
  return `${base} (copy ${Date.now()})`;
}

/** A saved name or folder as the window shows it: control characters made visible (\x1b, \x07). */
export function shownName(stored: string): string {
  return visibleLine(stored);
}

/**
 * What a field prefilled with `shownName(stored)` means once edited: left as shown, the stored
 * bytes themselves (so saving does not turn "\x07" into four characters); changed, what was typed.
 */
export function typedOrStored(typed: string, stored: string | undefined): string {
  return stored !== undefined && typed === shownName(stored) ? stored : typed;
}
