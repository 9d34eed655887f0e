import { randomBytes } from 'node:crypto';
import type { SftpRefusal, WriteFacts } from '../../../shared/types';
import { RunAborted, type PhaseModule, type PhaseOutcome, type RunContext } from '../context';
import { OPEN_FLAGS, SftpClosedError, SftpStatusError, type SftpNameEntry, type SftpWire } from '../sftp-wire';

/**
 * The write test: in the start folder, create a temporary file whose name says what it is and
 * cannot clash, write a little, check its size, read it back, close, rename and remove it. The
 * requests are pipelined: one round trip for the open (with the removal of old leftovers), one for
 * everything else. Nothing is left behind on failure or cancel; a later run removes leftovers it
 * recognises (its own name pattern, older than LEFTOVER_AGE_MS, so a run going on elsewhere is
 * not disturbed). Only after a refusal does it look further: the folder's owner and mode, free
 * space (statvfs@openssh.com), and subfolders where a file can be created.
 */

export const WRITE_TEST_PREFIX = 'sftp-doctor-write-test-';
/** sftp-doctor-write-test-20261203T124500Z-1a2b3c4d.tmp, the name it is renamed to (.moved), and the speed test's file. */
export const WRITE_TEST_NAME = /^sftp-doctor-(?:write|speed)-test-(\d{8}T\d{6}Z)-[0-9a-f]{8}\.(tmp|moved)$/;
/** Leftovers younger than this may belong to a run going on right now: they are left alone. */
export const LEFTOVER_AGE_MS = 10 * 60_000;
const MAX_LEFTOVERS = 20;
/** How long the clean-up after a cancel or a failure may take at most. */
const CLEANUP_MS = 1500;
/** Subfolders tried as "writable nearby" (most likely names first), at most this many. */
const MAX_CANDIDATES = 6;
const LIKELY_UPLOAD_FOLDERS = ['upload', 'uploads', 'incoming', 'in', 'inbox', 'import', 'drop', 'files', 'data', 'public', 'www', 'htdocs', 'public_html', 'share', 'transfer', 'outgoing', 'out'];
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function stampTime(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir.replace(/\/+$/, '')}/${name}`;
}

/** Test files of earlier runs in the listing that are old enough to be removed. */
export function findLeftovers(names: readonly SftpNameEntry[], now: number): string[] {
  const out: string[] = [];
  for (const e of names) {
    const m = WRITE_TEST_NAME.exec(e.filename);
    if (!m) continue;
    if (e.attrs.mode !== undefined && (e.attrs.mode & S_IFMT) !== S_IFREG) continue;
    const t = stampTime(m[1]!);
    if (!Number.isFinite(t) || now - t < LEFTOVER_AGE_MS) continue;
    out.push(e.filename);
    if (out.length >= MAX_LEFTOVERS) break;
  }
  return out;
}

/** Subfolders of the listing worth trying for a write, most likely first. */
export function uploadCandidates(names: readonly SftpNameEntry[]): string[] {
  const dirs = names.filter((e) => e.attrs.mode !== undefined && (e.attrs.mode & S_IFMT) === S_IFDIR && !e.filename.startsWith('.') && e.filename.length <= 255 && !e.filename.includes('/') && ![...e.filename].some((c) => c.charCodeAt(0) < 0x20));
  const rank = (n: string) => {
    const i = LIKELY_UPLOAD_FOLDERS.indexOf(n.toLowerCase());
    return i < 0 ? LIKELY_UPLOAD_FOLDERS.length : i;
  };
  return dirs
    .map((e) => e.filename)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .slice(0, MAX_CANDIDATES);
}

function refusal(request: SftpRefusal['request'], err: unknown): SftpRefusal | null {
  return err instanceof SftpStatusError ? { request, code: err.code, message: err.message.slice(0, 300) } : null;
}

/** Resolves with the promise, or rejects when the run aborts (cancel / hard stop) or after ms. */
function within<T>(ctx: RunContext, promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const signal = ctx.signal;
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => done(() => reject(signal.reason as Error));
    const timer = setTimeout(() => done(() => reject(new NoAnswer())), Math.max(1, ms));
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => done(() => resolve(v)),
      (e: unknown) => done(() => reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

class NoAnswer extends Error {
  constructor() {
    super('the server did not answer in time');
  }
}

/** Waits (bounded, whatever the run's state) for clean-up requests to be answered. */
async function settleQuietly(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise((r) => (timer = setTimeout(r, ms)))]);
  if (timer) clearTimeout(timer);
}

/** Proves which candidate folders accept a new file: all opens at once, then close and remove those that worked. */
async function probeWritable(ctx: RunContext, wire: SftpWire, folder: string, names: readonly SftpNameEntry[], base: string, w: WriteFacts): Promise<string[]> {
  const candidates = uploadCandidates(names).map((n) => join(folder, n));
  if (candidates.length === 0) return [];
  const tries = candidates.map((dir) => wire.open(join(dir, base), OPEN_FLAGS.WRITE | OPEN_FLAGS.CREAT | OPEN_FLAGS.EXCL, 0o600).then((h) => ({ dir, h }), () => null));
  w.requests! += tries.length;
  w.roundTrips! += 1;
  const opened = (await within(ctx, Promise.all(tries), ctx.remaining())).filter((x): x is { dir: string; h: Buffer } => x !== null);
  if (opened.length === 0) return [];
  const cleanup = opened.flatMap(({ dir, h }) => [wire.close(h).catch(() => undefined), wire.remove(join(dir, base)).catch(() => undefined)]);
  w.requests! += cleanup.length;
  w.roundTrips! += 1;
  await settleQuietly(cleanup, CLEANUP_MS);
  return opened.map((o) => o.dir);
}

/** After a refusal: the folder's owner and mode, the account's uid (its home), free space. One or two round trips. */
async function lookAround(ctx: RunContext, wire: SftpWire, folder: string, w: WriteFacts): Promise<void> {
  const [attrs, space, home] = await within(
    ctx,
    Promise.all([wire.lstat(folder).catch(() => null), wire.statvfs(folder).catch(() => null), wire.realpath('.').catch(() => null)]),
    ctx.remaining(),
  );
  w.requests! += w.statvfs ? 3 : 2;
  w.roundTrips! += 1;
  w.folderAttrs = attrs && attrs.uid !== undefined && attrs.mode !== undefined ? { uid: attrs.uid, gid: attrs.gid ?? -1, mode: attrs.mode & 0o7777 } : null;
  if (space) {
    const unit = space.fragmentSize || space.blockSize || 1;
    w.space = { freeBytes: space.availBlocks * unit, totalBytes: space.blocks * unit, freeFiles: space.availFiles, readOnly: space.readOnly };
  } else w.space = null;
  if (home && home === folder && attrs?.uid !== undefined) w.homeUid = attrs.uid;
  else if (home) {
    const h = await within(ctx, wire.lstat(home).catch(() => null), ctx.remaining());
    w.requests! += 1;
    w.roundTrips! += 1;
    if (h?.uid !== undefined) w.homeUid = h.uid;
  }
}

export const writePhase: PhaseModule = {
  phase: 'write',
  async run(ctx): Promise<PhaseOutcome> {
    if (ctx.request.protocol === 'scp') return { status: 'skipped', detail: 'Not done for SCP (it cannot remove a file)', facts: { write: { skipped: 'scp' } } };
    if (ctx.request.writeTest === false) return { status: 'skipped', detail: 'Switched off (read-only check)', facts: { write: { skipped: 'off' } } };
    const s = ctx.link.sftp;
    if (!s) return { status: 'skipped', detail: 'No SFTP session to write in', facts: {} };
    const { wire, path: folder, names } = s;
    const now = new Date();
    const base = `${WRITE_TEST_PREFIX}${stamp(now)}-${randomBytes(4).toString('hex')}`;
    const file = join(folder, `${base}.tmp`);
    const moved = join(folder, `${base}.moved`);
    const header = Buffer.from(`SFTP Doctor write test, ${now.toISOString()}. This file is removed at once; if you see it, it is safe to delete.\n`, 'utf8');
    const data = Buffer.concat([header, randomBytes(4096 - header.length)]);
    const w: WriteFacts = { folder, file: `${base}.tmp`, stage: 'open', bytes: data.length, statvfs: wire.extensions.has('statvfs@openssh.com'), requests: 0, roundTrips: 0 };
    let handle: Buffer | null = null;
    /** What still has to go if we leave early: the open handle and the file under either name. */
    let mustRemove: string[] = [];

    const cleanUp = async () => {
      const p: Promise<unknown>[] = [];
      if (handle) p.push(wire.close(handle).catch(() => undefined));
      const drop = (f: string) => (mustRemove = mustRemove.filter((x) => x !== f));
      // NO_SUCH_FILE counts as removed (the file was under the other name, or already gone).
      for (const f of mustRemove) p.push(wire.remove(f).then(() => drop(f), (e: unknown) => (e instanceof SftpStatusError && e.code === 2 ? drop(f) : undefined)));
      handle = null;
      if (p.length) await settleQuietly(p, CLEANUP_MS);
      if (mustRemove.length) w.leftBehind = true;
    };
    const fail = (detail: string): PhaseOutcome => ({ status: 'fail', detail, facts: { write: w }, stop: true });

    try {
      ctx.progress(`Creating ${base}.tmp in ${folder}…`);
      // Round trip 1: create the file (exclusive: never an existing file), remove old leftovers.
      const leftovers = findLeftovers(names, now.getTime());
      mustRemove = [file];
      const open = wire.open(file, OPEN_FLAGS.READ | OPEN_FLAGS.WRITE | OPEN_FLAGS.CREAT | OPEN_FLAGS.EXCL, 0o600);
      const removals = leftovers.map((n) => wire.remove(join(folder, n)).then(() => n, () => null));
      w.requests! += 1 + leftovers.length;
      w.roundTrips! += 1;
      const [opened, removed] = await within(ctx, Promise.all([open.then((h) => ({ h }), (e: unknown) => ({ e })), Promise.all(removals)]), ctx.remaining());
      const gone = removed.filter((n): n is string => n !== null);
      if (gone.length) w.leftoversRemoved = gone;
      if ('e' in opened) {
        mustRemove = [];
        const r = refusal('open', opened.e);
        if (!r) throw opened.e;
        w.refusal = r;
        ctx.progress('Writing was refused; looking at the folder and for a writable one nearby…');
        await lookAround(ctx, wire, folder, w);
        const full = !!w.space && (w.space.freeBytes < data.length || w.space.freeFiles === 0);
        if (!full) {
          const found = await probeWritable(ctx, wire, folder, names, `${base}.tmp`, w);
          if (found.length) w.writableNearby = found;
        }
        return fail(`Creating a file in ${folder} was refused: ${r.message || `SFTP status ${r.code}`}`);
      }
      handle = opened.h;
      ctx.progress(`Writing, reading back and removing ${base}.tmp…`);

      // Round trip 2: write, size, read back, close, rename, remove - all at once, answered in order.
      const h = handle;
      mustRemove = [file, moved];
      const wrote = wire.write(h, 0, data).then(() => null, (e: unknown) => e);
      const size = wire.fstat(h).then((a) => a.size ?? null, () => null);
      const read = wire.read(h, 0, data.length).then((b) => b ?? Buffer.alloc(0), (e: unknown) => e);
      const closed = wire.close(h).then(() => null, (e: unknown) => e);
      const renamed = wire.rename(file, moved).then(() => null, (e: unknown) => e);
      const removedMoved = wire.remove(moved).then(() => null, (e: unknown) => e);
      w.requests! += 6;
      w.roundTrips! += 1;
      const [eWrite, fileSize, got, eClose, eRename, eRemove] = await within(ctx, Promise.all([wrote, size, read, closed, renamed, removedMoved]), ctx.remaining());
      handle = null;
      mustRemove = eRename === null ? (eRemove === null ? [] : [moved]) : [file];
      if (eWrite || eClose) {
        const r = refusal(eWrite ? 'write' : 'close', eWrite ?? eClose);
        if (!r) throw eWrite ?? eClose;
        w.stage = 'write';
        w.refusal = r;
        await cleanUp();
        ctx.progress('Writing failed; asking the server about free space…');
        await lookAround(ctx, wire, folder, w);
        return fail(`Writing to ${base}.tmp failed: ${r.message || `SFTP status ${r.code}`}`);
      }
      const back = got instanceof Buffer ? got : null;
      w.readBack = back ? back.length : 0;
      if (!back) {
        const r = refusal('read', got);
        if (!r) throw got;
        w.stage = 'read';
        w.refusal = r;
        await cleanUp();
        return fail(`Reading ${base}.tmp back failed: ${r.message || `SFTP status ${r.code}`}`);
      }
      const stored = fileSize ?? back.length;
      if (stored < data.length || !back.equals(data.subarray(0, back.length)) || back.length === 0) {
        w.stage = 'compare';
        w.readBack = Math.min(stored, back.length) < data.length ? Math.min(stored, back.length) : back.length;
        w.mismatch = !back.equals(data.subarray(0, back.length));
        await cleanUp();
        return fail(w.mismatch ? 'The file read back differs from what was written' : `The server kept ${w.readBack} of ${data.length} bytes`);
      }
      if (eRename) {
        const r = refusal('rename', eRename);
        if (!r) throw eRename;
        w.stage = 'rename';
        w.refusal = r;
        await cleanUp();
        if (r.code === 2 && !w.leftBehind) {
          // The file was no longer there to rename: something took it away at once.
          return fail(`The test file vanished right after it was written`);
        }
        return fail(`Renaming the test file was refused: ${r.message || `SFTP status ${r.code}`}`);
      }
      if (eRemove) {
        const r = refusal('remove', eRemove);
        if (!r) throw eRemove;
        w.stage = 'remove';
        w.refusal = r;
        await cleanUp();
        return fail(`Removing the test file was refused: ${r.message || `SFTP status ${r.code}`}`);
      }
      w.stage = 'done';
      mustRemove = [];
      const extra = w.leftoversRemoved?.length ? `; removed ${w.leftoversRemoved.length} old test file${w.leftoversRemoved.length === 1 ? '' : 's'}` : '';
      return { status: 'ok', detail: `Wrote, read back and removed ${data.length} bytes in ${folder} (${w.roundTrips} round trips)${extra}`, facts: { write: w } };
    } catch (err) {
      await cleanUp();
      if (err instanceof RunAborted && err.reason === 'cancelled') throw err;
      w.error = err instanceof SftpClosedError ? 'the server closed the SFTP session' : err instanceof RunAborted ? 'the time budget ran out' : (err as Error).message;
      const t = ctx.link.transport?.failure;
      if (t) w.error += ` (connection: ${t.message})`;
      return fail(`The write test broke off: ${w.error}`);
    }
  },
};
