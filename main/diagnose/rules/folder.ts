/**
 * The start folder was refused: which folder, its owner and mode and those of the folder above it,
 * as the server reports them, whether the account is chrooted, and the cause they point at.
 */
import { askAdmin } from '../../../shared/actions';
import { FOLDER_CAUSES, fillTemplate } from '../../../shared/texts/index';
import type { EvidenceItem, Facts, FolderEntry, FolderLook } from '../../../shared/types';
import { ev, type Verdict } from './verdict';

const STATUS_WORDS: Record<number, string> = { 2: 'does not exist', 3: 'permission denied' };

/** "drwxr-x---" from a mode with its type bits. */
export function modeString(mode: number): string {
  const type = (mode & 0o170000) === 0o040000 ? 'd' : (mode & 0o170000) === 0o120000 ? 'l' : (mode & 0o170000) === 0o100000 ? '-' : '?';
  const rwx = (bits: number, special: number, ch: string) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-'}`;
  return type + rwx((mode >> 6) & 7, mode & 0o4000, 's') + rwx((mode >> 3) & 7, mode & 0o2000, 's') + rwx(mode & 7, mode & 0o1000, 't');
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(3, '0');

function who(name: string | undefined, id: number | undefined): string {
  if (id === undefined) return name ?? 'unknown';
  return name && name !== String(id) ? `${name} (${id})` : String(id);
}

/** One line per folder: "drwx------ (700), owner root (0), group root (0)", or why it could not be seen. */
function describe(e: FolderEntry): string {
  if (e.status) return `could not be looked at: ${STATUS_WORDS[e.status.code] ?? `SFTP status ${e.status.code}`}${e.status.message ? ` (${e.status.message})` : ''}`;
  if (e.mode === undefined && e.uid === undefined) return 'the server sent no owner or mode';
  const parts: string[] = [];
  if (e.mode !== undefined) parts.push(`${modeString(e.mode)} (${octal(e.mode)})`);
  if (e.uid !== undefined || e.owner) parts.push(`owner ${who(e.owner, e.uid)}`);
  if (e.gid !== undefined || e.group) parts.push(`group ${who(e.group, e.gid)}`);
  return parts.join(', ');
}

/** The account's uid as its home shows it; unknown when the home belongs to root (a chroot) and we are not root. */
function accountUid(look: FolderLook, user: string): number | undefined {
  return look.homeUid === 0 && user !== 'root' ? undefined : look.homeUid;
}

function ownerName(e: FolderEntry): string {
  // Inside a chroot the server has no user list and sends numbers as names.
  if (e.owner && !/^\d+$/.test(e.owner)) return e.owner;
  if (e.uid === 0) return 'root';
  return e.uid !== undefined ? `the account with uid ${e.uid}` : 'another account';
}

/** The cause the server's figures point at (a sentence of FOLDER_CAUSES, filled). */
export function folderCause(look: FolderLook, statusCode: number, user: string): string {
  const f = look.folder;
  const p = look.parent;
  const vars = { folder: f.path, parent: p?.path ?? '/', mode: f.mode !== undefined ? `${modeString(f.mode)} (${octal(f.mode)})` : '', owner: ownerName(f) };
  if (statusCode === 2 || f.status?.code === 2) {
    if (look.chroot === 'yes') return fillTemplate(FOLDER_CAUSES.missingInChroot, vars);
    return fillTemplate(p?.status?.code === 2 ? FOLDER_CAUSES.missingParent : FOLDER_CAUSES.missing, vars);
  }
  const uid = accountUid(look, user);
  if (f.mode === undefined && p?.mode !== undefined && p.uid !== uid && (p.mode & 0o001) === 0) {
    return fillTemplate(FOLDER_CAUSES.parentClosed, { ...vars, mode: `${modeString(p.mode)} (${octal(p.mode)})` });
  }
  if (f.mode === undefined) return FOLDER_CAUSES.unknown;
  if (uid !== undefined && f.uid === uid) return (f.mode & 0o500) === 0o500 ? fillTemplate(FOLDER_CAUSES.serverRule, vars) : fillTemplate(FOLDER_CAUSES.ownNoRead, vars);
  if ((f.mode & 0o005) !== 0o005) return fillTemplate(FOLDER_CAUSES.otherOwner, vars);
  if (p?.mode !== undefined && p.uid !== uid && (p.mode & 0o001) === 0) return fillTemplate(FOLDER_CAUSES.parentClosed, { ...vars, mode: `${modeString(p.mode)} (${octal(p.mode)})` });
  return fillTemplate(FOLDER_CAUSES.serverRule, vars);
}

function chrootLine(look: FolderLook): string {
  const names = (look.rootNames ?? []).join(', ') || 'nothing';
  if (look.chroot === 'yes') return fillTemplate(FOLDER_CAUSES.chrootYes, { names });
  if (look.chroot === 'no') return fillTemplate(FOLDER_CAUSES.chrootNo, { names: (look.rootNames ?? []).filter((n) => ['etc', 'usr', 'bin', 'home', 'var'].includes(n)).join(', ') });
  return FOLDER_CAUSES.chrootUnknown;
}

/** The run stopped because the start folder could not be listed. */
export function folderVerdict(f: Facts): Verdict {
  const s = f.sftp!;
  const status = s.status!;
  const look = s.folderLook;
  const what = STATUS_WORDS[status.code] ?? `refused (SFTP status ${status.code})`;
  const folder = look?.folder.path ?? s.path ?? '.';
  const evidence: EvidenceItem[] = [
    ev('Start folder', folder, { mono: true }),
    ev('Server answer', `${what}${status.message ? `: ${status.message}` : ''}`, { mono: true, highlight: true }),
  ];
  if (look) {
    const user = f.input?.user ?? '';
    evidence.push(ev('The folder, as the server reports it', describe(look.folder), { mono: true }));
    if (look.parent) evidence.push(ev(`The folder above it (${look.parent.path})`, describe(look.parent), { mono: true }));
    const uid = accountUid(look, user);
    if (uid !== undefined) evidence.push(ev('Your account', `uid ${uid} (the owner of your home folder ${look.home ?? ''})`, { mono: true }));
    else if (look.home) evidence.push(ev('Your home folder', look.home, { mono: true }));
    evidence.push(ev('Locked in a folder of its own (chroot)', chrootLine(look)));
    evidence.push(ev('What this looks like', folderCause(look, status.code, user), { highlight: true }));
  }
  return { code: 'SFTP_PERMISSION_DENIED', phase: 'sftp', evidence, actions: [askAdmin('folder-access')], vars: { folder } };
}
