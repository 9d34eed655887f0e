/**
 * How every file we share with other programs (or other SFTP Doctor processes) is rewritten:
 *
 * - locked: a cross-process lock (proper-lockfile: a `<file>.lock` folder next to the real file,
 *   kept fresh while held, taken over by exactly one waiter when its holder died) around the whole
 *   read-modify-write, so the CLI, the window and a second CLI never lose each other's changes;
 * - atomic: the new content goes to a temporary file in the same folder, is flushed, and is
 *   renamed over the target, so a reader (or a crash, or kill -9) sees the old file or the new one;
 * - backed up atomically: `<file>.bak` is itself written through a temporary file and a rename;
 * - through symlinks: a symlinked file (a dotfiles repo's known_hosts) is written at its target,
 *   the link stays a link;
 * - tidy: temporary files left by writers that were killed are removed by the next write;
 * - explained: a failure says which file could not be written, where, and what to do
 *   (FileWriteError), never a bare EACCES.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fsCallbacks, { constants, promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadPackage } from '../common/load-package';
import { DATA_DIR_ENV } from './paths';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode. Default 0o600. */
  mode?: number;
  /** Copy the current file to `<file>.bak` (or this path) before replacing it. Default true. */
  backup?: boolean | string;
}

export interface AtomicWriteResult {
  /** The file that was written: the symlink's target when `file` is a symlink. */
  path: string;
  backupPath: string | null;
}

export type FileWriteProblem = 'read-only' | 'disk-full' | 'locked' | 'not-a-folder' | 'io';

/** A file could not be written; the message names the file and says what to do. It was left as it was. */
export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  constructor(
    readonly file: string,
    readonly problem: FileWriteProblem,
    message: string,
    readonly errno?: string,
  ) {
    super(message);
  }
}

/**
 * How long a lock whose holder cannot be checked (another machine, no owner file) may go without
 * being refreshed before others take it over (ms). A holder of this machine that still runs is
 * never taken over; one that died is taken over at once.
 */
const LOCK_STALE_MS = 3000;
/** Waiting for the lock: about 30 s in all, then a FileWriteError('locked'). */
const LOCK_WAIT_MS = 30_000;
/** A temporary file of a process that still runs is only removed when it is this old. */
const STALE_TMP_MS = 60 * 60 * 1000;
const MAX_SYMLINK_HOPS = 40;

/** Turns an fs error met while writing `file` into a sentence a user can act on. */
export function toWriteError(err: unknown, file: string): FileWriteError {
  if (err instanceof FileWriteError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  // The folder to name: the file's own, unless creating a folder on the way failed (then its parent).
  const failed = e?.path ? path.resolve(e.path) : file;
  const ours = failed === file || failed.startsWith(`${file}.`) || path.basename(failed).startsWith(`.${path.basename(file)}.`);
  const where = ours ? path.dirname(file) : path.dirname(failed);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new FileWriteError(
        file,
        'read-only',
        `${file} could not be written: ${code === 'EROFS' ? `${where} is on a read-only disk` : `you are not allowed to write in ${where}`}. It was left as it was. Make ${where} writable for your user${isAppFile(file) ? `, or set ${DATA_DIR_ENV} to a folder you can write` : ''}, then try again.`,
        code,
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new FileWriteError(file, 'disk-full', `${file} could not be written: the disk (or your quota) is full. It was left as it was. Free some space, then try again.`, code);
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ELOOP':
      return new FileWriteError(file, 'not-a-folder', `${file} could not be written: part of its path is not a folder, or it is a folder itself (${e.message}). It was left as it was.`, code);
    case 'ELOCKED':
      return new FileWriteError(
        file,
        'locked',
        `${file} could not be written: another SFTP Doctor (window or command) kept it locked for too long. It was left as it was. Try again; if no other SFTP Doctor is running, remove the folder ${file}.lock.`,
        code,
      );
    default:
      return new FileWriteError(file, 'io', `${file} could not be written (${e?.message ?? String(err)}). It was left as it was.`, code || undefined);
  }
}

function isAppFile(file: string): boolean {
  const base = path.basename(file);
  return /^(sites|passwords)\.json$|^known_hosts$|^repairs\.log$/.test(base) && !file.split(path.sep).includes('.ssh');
}

/**
 * The real file behind `file`: symlinks are followed (also a dangling one, whose target is
 * created), relative links resolved from the link's folder. Bounded against link loops.
 */
export async function resolveWriteTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    let st;
    try {
      st = await fs.lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw err;
    }
    if (!st.isSymbolicLink()) return current;
    const link = await fs.readlink(current);
    current = path.resolve(path.dirname(current), link);
  }
  throw Object.assign(new Error(`${file}: too many levels of symbolic links`), { code: 'ELOOP', path: file });
}

// ---------------------------------------------------------------------------------------------
// Locking

const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** This process's mark in a lock folder's `owner` file: host, pid and a nonce naming this one lock. */
function ownerText(): string {
  return `${os.hostname()} ${process.pid} n${randomBytes(6).toString('hex')}`;
}

/**
 * The file system proper-lockfile uses, with one addition: the lock folder holds an `owner` file
 * ("host pid nonce"), written before proper-lockfile stamps the folder's time, so a lock left by a
 * process that was killed can be taken over at once instead of after the stale time.
 */
const lockFs = {
  mkdir: (dir: string, cb: (err: NodeJS.ErrnoException | null) => void) =>
    fsCallbacks.mkdir(dir, (err) => {
      if (err) return cb(err);
      fsCallbacks.writeFile(path.join(dir, 'owner'), ownerText(), () => cb(null));
    }),
  rmdir: (dir: string, cb: (err: NodeJS.ErrnoException | null) => void) => fsCallbacks.rm(dir, { recursive: true, force: true }, cb),
  rmdirSync: (dir: string) => fsCallbacks.rmSync(dir, { recursive: true, force: true }),
  stat: fsCallbacks.stat,
  utimes: fsCallbacks.utimes,
  realpath: fsCallbacks.realpath,
};

/**
 * proper-lockfile's own stale handling removes a lock folder whose time is old and then makes its
 * own; two waiters doing that at once can remove each other's fresh lock. So it never judges a
 * lock stale here (a day), and every takeover goes through `takeOverStaleLock` below.
 */
const LIBRARY_STALE_MS = 24 * 60 * 60 * 1000;

let takeovers = 0;
/** How many lock folders this process has taken over from owners that died (for tests and logs). */
export function lockTakeoverCount(): number {
  return takeovers;
}

interface LockSnapshot {
  ino: number;
  mtimeMs: number;
  owner: string | null;
}

async function snapshotLock(lockDir: string): Promise<LockSnapshot | null> {
  let st;
  try {
    st = await fs.stat(lockDir);
  } catch {
    return null;
  }
  const owner = await fs.readFile(path.join(lockDir, 'owner'), 'utf8').catch(() => null);
  return { ino: st.ino, mtimeMs: st.mtimeMs, owner };
}

/** A process of this machine that no longer runs holds it (true), or it cannot be told (null). */
function ownerIsDead(owner: string): boolean | null {
  const m = /^(.*) (\d+)(?: n[0-9a-f]+)?$/.exec(owner);
  if (!m || m[1] !== os.hostname()) return null;
  return !processAlive(Number(m[2]));
}

/**
 * Which lock this is: its folder's inode and owner line (host, pid, nonce), and its time when the
 * owner cannot be checked (the time is all that shows such an owner is still there).
 */
function lockIdentity(s: LockSnapshot, byTime: boolean): string {
  return `${s.ino}|${s.owner ?? ''}|${byTime ? s.mtimeMs : ''}`;
}

/**
 * Removes the lock folder when its holder is gone, race-free among any number of waiters:
 * - gone means: its owner is a process of this machine that no longer runs; or the owner cannot be
 *   checked (another machine, no owner file) and the lock was not refreshed for the stale time;
 * - a waiter first claims exactly the lock it judged (a claim file named after that lock's
 *   identity, created exclusively: only one waiter can), then checks the folder is still that
 *   lock, and only then moves it aside. A live lock is never moved, not even for a moment, so no
 *   two writers can ever both hold the lock.
 * True when the caller should try to lock again at once (taken over, or already gone).
 */
async function takeOverStaleLock(lockDir: string): Promise<boolean> {
  const seen = await snapshotLock(lockDir);
  if (!seen) return true;
  const dead = seen.owner === null ? null : ownerIsDead(seen.owner);
  const byTime = dead === null;
  if (dead === false) return false;
  if (byTime && Date.now() - seen.mtimeMs < LOCK_STALE_MS) return false;
  const identity = lockIdentity(seen, byTime);
  const claim = `${lockDir}.takeover-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
  try {
    await fs.writeFile(claim, `${os.hostname()} ${process.pid}`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') await clearAbandonedClaim(claim);
    return false; // another waiter is taking this lock over: wait as usual
  }
  try {
    const now = await snapshotLock(lockDir);
    if (!now) return true;
    // Not the lock we judged any more (it was taken over and locked again by someone else).
    if (lockIdentity(now, byTime) !== identity) return false;
    const grave = `${lockDir}.dead-${randomBytes(6).toString('hex')}`;
    await fs.rename(lockDir, grave);
    takeovers++;
    await fs.rm(grave, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  } finally {
    await fs.rm(claim, { force: true }).catch(() => undefined);
  }
}

/**
 * A claim whose taker was itself killed in the few moments it held it: removed once old, so the
 * lock does not stay stuck. (Only this double failure relies on time.)
 */
async function clearAbandonedClaim(claim: string): Promise<void> {
  try {
    const [text, st] = await Promise.all([fs.readFile(claim, 'utf8'), fs.stat(claim)]);
    if (Date.now() - st.mtimeMs > LOCK_STALE_MS && ownerIsDead(text) !== false) await fs.rm(claim, { force: true });
  } catch {
    // gone meanwhile
  }
}
const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` holding the cross-process lock of `file` (its real target). Re-entrant: a nested
 * call for the same file inside `fn` runs directly. Calls from one process queue in order.
 */
export async function withFileLock<T>(file: string, fn: (target: string) => Promise<T>): Promise<T> {
  const target = await resolveWriteTarget(file).catch((err: unknown) => {
    throw toWriteError(err, file);
  });
  const mine = held.getStore();
  if (mine?.has(target)) return fn(target);

  const previous = inProcess.get(target) ?? Promise.resolve();
  const run = previous.then(
    () => lockAndRun(target, mine, fn),
    () => lockAndRun(target, mine, fn),
  );
  const tail = run.catch(() => undefined);
  inProcess.set(target, tail);
  void tail.then(() => {
    if (inProcess.get(target) === tail) inProcess.delete(target);
  });
  return run;
}

async function lockAndRun<T>(target: string, mine: ReadonlySet<string> | undefined, fn: (target: string) => Promise<T>): Promise<T> {
  const dir = path.dirname(target);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw toWriteError(err, target);
  }
  // Loaded on the first locked write, not with the module: a command that only reads (keys
  // inspect, --version) does not pay for proper-lockfile and graceful-fs at start-up.
  const lockfile = await loadPackage<typeof import('proper-lockfile')>('proper-lockfile');
  let compromised: Error | null = null;
  let release: (() => Promise<void>) | null = null;
  // Only "held by another" is worth waiting for; anything else (a read-only folder) is said at once.
  const started = Date.now();
  for (let attempt = 0; release === null; attempt++) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        fs: lockFs,
        stale: LIBRARY_STALE_MS,
        update: LOCK_STALE_MS / 2,
        onCompromised: (err) => {
          compromised = err;
        },
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT: the lock folder vanished between proper-lockfile's mkdir and stat: try again.
      if ((code !== 'ELOCKED' && code !== 'ENOENT') || Date.now() - started > LOCK_WAIT_MS) throw toWriteError(err, target);
      if (code === 'ELOCKED' && (await takeOverStaleLock(`${target}.lock`))) continue;
      const delay = Math.min(300, 15 * 1.3 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  try {
    const result = await held.run(new Set([...(mine ?? []), target]), () => fn(target));
    if (compromised) {
      // Another process took the lock over while we held it (we stalled for seconds): what we
      // wrote may have raced with it. Say so rather than pretend.
      throw new FileWriteError(target, 'locked', `${target} was changed while another SFTP Doctor also wrote it (this one paused for several seconds). Check the file; run the command again if your change is missing.`);
    }
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

function tmpPattern(base: string): RegExp {
  const escaped = base.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
}

function tmpName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a killed writer left next to `file` (and next to its `.bak`): those of
 * processes that are gone, and any older than an hour. Called under the file's lock, so no
 * writer of ours is using them. Returns the names removed.
 */
export async function removeStaleTemporaryFiles(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const patterns = [tmpPattern(path.basename(file)), tmpPattern(`${path.basename(file)}.bak`)];
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = patterns.map((p) => p.exec(name)).find((x) => x !== null);
    if (!m) continue;
    const pid = Number(m[1]);
    let stale = pid !== process.pid && !processAlive(pid);
    if (!stale) {
      try {
        stale = Date.now() - (await fs.lstat(path.join(dir, name))).mtimeMs > STALE_TMP_MS;
      } catch {
        continue;
      }
    }
    if (!stale) continue;
    try {
      await fs.rm(path.join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // not ours to remove (permissions): leave it
    }
  }
  return removed;
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Directories cannot be opened for fsync on some platforms (Windows); the rename stands.
  }
}

class ChangedMeanwhile extends Error {}

/**
 * Writes `data` to `file` through a flushed temporary file and a rename. `unchanged`, when given,
 * is asked right before the rename (ChangedMeanwhile is thrown when it says no).
 */
async function replaceWith(file: string, data: string | Uint8Array, mode: number, unchanged?: () => Promise<boolean>): Promise<void> {
  const tmp = tmpName(file);
  const handle = await fs.open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    if (unchanged && !(await unchanged())) throw new ChangedMeanwhile();
    await fs.rename(tmp, file);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Replace a file's content so that a reader (or a crash) sees either the old file or the new
 * one, never a mix. Holds the file's lock while writing (re-entrant: callers doing a
 * read-modify-write hold it around the whole of it with withFileLock or updateFileAtomic).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  return withFileLock(file, async (target) => {
    try {
      return await writeLocked(target, data, options);
    } catch (err) {
      throw toWriteError(err, target);
    }
  });
}

async function writeLocked(target: string, data: string | Uint8Array, options: AtomicWriteOptions, unchanged?: () => Promise<boolean>): Promise<AtomicWriteResult> {
  const dir = path.dirname(target);
  await removeStaleTemporaryFiles(target);

  let mode = options.mode ?? 0o600;
  let existed = false;
  try {
    const st = await fs.stat(target);
    mode = st.mode & 0o777;
    existed = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }

  let backupPath: string | null = null;
  if (existed && options.backup !== false) {
    backupPath = typeof options.backup === 'string' ? path.resolve(options.backup) : `${target}.bak`;
    // The backup goes through its own temporary file and rename: a kill leaves the old backup
    // or the new one, never a cut copy.
    const tmp = tmpName(backupPath);
    try {
      await fs.copyFile(target, tmp, constants.COPYFILE_EXCL);
      await fs.chmod(tmp, mode);
      const h = await fs.open(tmp, 'r+');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
      await fs.rename(tmp, backupPath);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  await replaceWith(target, data, mode, unchanged);
  await syncDir(dir);
  return { path: target, backupPath };
}

export interface UpdateResult<T> extends AtomicWriteResult {
  /** False when `change` returned null (nothing to write). */
  written: boolean;
  value: T;
}

/**
 * A locked read-modify-write: `change` gets the current bytes (null when the file does not
 * exist) and returns the new content, or null to leave the file alone. Programs that do not take
 * our lock (OpenSSH appends to known_hosts) are caught too: when the file changed between the
 * read and the rename, the change is made again on the new content (a few times at most).
 */
export async function updateFileAtomic<T>(
  file: string,
  change: (current: Buffer | null) => { data: string | Uint8Array | null; value: T },
  options: AtomicWriteOptions = {},
): Promise<UpdateResult<T>> {
  return withFileLock(file, async (target) => {
    try {
      for (let attempt = 0; ; attempt++) {
        const current = await readOrNull(target);
        const { data, value } = change(current);
        if (data === null) return { path: target, backupPath: null, written: false, value };
        // Someone outside our lock changed the file meanwhile: start again from its new content.
        const unchanged = attempt < 5 ? async () => sameBytes(current, await readOrNull(target)) : undefined;
        try {
          const res = await writeLocked(target, data, { ...options, backup: options.backup ?? current !== null }, unchanged);
          return { ...res, written: true, value };
        } catch (err) {
          if (err instanceof ChangedMeanwhile) continue;
          throw err;
        }
      }
    } catch (err) {
      throw toWriteError(err, target);
    }
  });
}

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** Appends text to a file (a log) under the file's lock, creating it private. */
export async function appendFileLocked(file: string, text: string): Promise<void> {
  await withFileLock(file, async (target) => {
    try {
      await fs.appendFile(target, text, { mode: 0o600 });
    } catch (err) {
      throw toWriteError(err, target);
    }
  });
}
