/**
 * After the server refused the start folder: look at it the way an admin would with `ls -ld`,
 * over the SFTP session we already have. The folder and its parent (LSTAT: uid, gid, mode), the
 * owner and group names from the parent's listing (the "ls -l" long name OpenSSH sends), the
 * account's home, and whether "/" is the server's or a chroot's. All requests go out together;
 * listings are bounded. Server bytes are made visible and cut short before they are kept.
 */
import { visibleLine } from '../../shared/visible';
import type { FolderEntry, FolderLook } from '../../shared/types';
import { SftpStatusError, type SftpAttrs, type SftpNameEntry, type SftpWire } from './sftp-wire';

/** Batches of a listing read while looking for one name (a big /home stops here). */
const MAX_BATCHES = 20;
const MAX_ROOT_NAMES = 12;
/** Folders every Unix root holds; a root without them is a chroot. */
const SYSTEM_FOLDERS = ['etc', 'usr', 'bin', 'proc'];

/** Normalises an absolute path ("." and ".." taken away, no doubled or trailing slashes). */
export function absolutePath(path: string, base: string): string {
  const parts: string[] = [];
  const whole = path.startsWith('/') ? path : `${base}/${path}`;
  for (const p of whole.split('/')) {
    if (!p || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string | null {
  if (path === '/') return null;
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

const LONGNAME = /^([-dlpscbD][-rwxsStTl]{9}[.+@]?)\s+\d+\s+(\S+)\s+(\S+)\s+\d+\s/;

/** Owner and group names from an "ls -l" long name, when it has that shape. */
export function parseLongname(longname: string): { owner: string; group: string } | null {
  const m = LONGNAME.exec(longname);
  if (!m) return null;
  return { owner: visibleLine(m[2]!).slice(0, 64), group: visibleLine(m[3]!).slice(0, 64) };
}

function entryOf(path: string, attrs: SftpAttrs | SftpStatusError | null): FolderEntry {
  const e: FolderEntry = { path };
  if (attrs instanceof SftpStatusError) e.status = { code: attrs.code, message: visibleLine(attrs.message).slice(0, 200) };
  else if (attrs) {
    if (attrs.uid !== undefined) e.uid = attrs.uid;
    if (attrs.gid !== undefined) e.gid = attrs.gid;
    if (attrs.mode !== undefined) e.mode = attrs.mode;
  }
  return e;
}

/** A listing, bounded: stops once `stop` says it has what it needs. Null when the folder cannot be listed. */
async function list(wire: SftpWire, path: string, stop: (names: SftpNameEntry[]) => boolean): Promise<SftpNameEntry[] | null> {
  let handle: Buffer;
  try {
    handle = await wire.opendir(path);
  } catch {
    return null;
  }
  const out: SftpNameEntry[] = [];
  try {
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await wire.readdir(handle);
      if (!batch) break;
      out.push(...batch);
      if (stop(out)) break;
    }
  } catch {
    // what was read so far is still worth having
  }
  await wire.close(handle).catch(() => undefined);
  return out;
}

const statOrError = (wire: SftpWire, path: string) => wire.lstat(path).catch((e: unknown) => (e instanceof SftpStatusError ? e : null));

/**
 * The folder the server refused (`requested` as asked, `named` as the server resolved it when it
 * did), seen from the same session. Never throws; what could not be seen is left out.
 */
export async function lookAtFolder(wire: SftpWire, requested: string, named?: string): Promise<FolderLook> {
  const home = await wire.realpath('.').catch(() => null);
  const folderPath = named?.startsWith('/') ? absolutePath(named, '/') : absolutePath(requested, home ?? '/');
  const parentPath = parentOf(folderPath);
  const want = nameOf(folderPath);
  const [folderAttrs, parentAttrs, homeAttrs, parentList, rootList] = await Promise.all([
    statOrError(wire, folderPath),
    parentPath ? statOrError(wire, parentPath) : Promise.resolve(null),
    home && home !== folderPath ? wire.lstat(home).catch(() => null) : Promise.resolve(null),
    parentPath && parentPath !== '/' ? list(wire, parentPath, (names) => names.some((n) => n.filename === want)) : Promise.resolve(null),
    list(wire, '/', (names) => names.length >= 200),
  ]);
  const folder = entryOf(folderPath, folderAttrs);
  const look: FolderLook = { folder, chroot: 'unknown' };
  if (parentPath) look.parent = entryOf(parentPath, parentAttrs);
  if (home) {
    look.home = visibleLine(home).slice(0, 500);
    const uid = home === folderPath ? folder.uid : homeAttrs?.uid;
    if (uid !== undefined) look.homeUid = uid;
  }
  const inParent = (parentPath === '/' ? rootList : parentList)?.find((n) => n.filename === want);
  const names = inParent ? parseLongname(inParent.longname) : null;
  if (inParent) folder.longname = visibleLine(inParent.longname).slice(0, 200);
  if (names) Object.assign(folder, names);
  if (look.parent && parentPath && parentPath !== '/') {
    // The parent's own names come from the listing of its parent: one more request only when it is "/".
    const grand = parentOf(parentPath);
    const entry = grand === '/' ? rootList?.find((n) => n.filename === nameOf(parentPath)) : undefined;
    const pn = entry ? parseLongname(entry.longname) : null;
    if (pn) Object.assign(look.parent, pn);
  }
  if (rootList) {
    const rootNames = rootList.map((n) => n.filename).filter((n) => n !== '.' && n !== '..');
    look.rootNames = rootNames.slice(0, MAX_ROOT_NAMES).map((n) => visibleLine(n).slice(0, 64));
    const system = SYSTEM_FOLDERS.filter((s) => rootNames.includes(s)).length;
    // A Windows server lists drives (C:) at its root: neither a Unix root nor a chroot.
    if (rootNames.some((n) => /^[A-Za-z]:$/.test(n))) look.chroot = 'unknown';
    else look.chroot = system >= 2 ? 'no' : 'yes';
  }
  return look;
}
