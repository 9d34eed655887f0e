import { askAdmin } from '../../../shared/actions';
import type { DiagnosisCode } from '../../../shared/codes';
import { makeFix, type Fix } from '../../../shared/fixes';
import { WRITE_CAUSES } from '../../../shared/texts/index';
import type { EvidenceItem, Facts, HoldFacts, WriteFacts } from '../../../shared/types';
import { ev, type PhaseRules, type Verdict } from './verdict';
import { decideHomeMissing } from './words';

/**
 * The rules of the write test and the hold (after the listing). Pure, like the other rules: facts
 * in, a verdict out, texts from texts.ts.
 */

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(3, '0');
const NO_SPACE_TEXT = /no space|disk full|quota|ENOSPC|EDQUOT|insufficient (disk )?space|storage/i;
const REQUEST_NAMES: Record<string, string> = { open: 'creating the file (OPEN)', write: 'writing (WRITE)', read: 'reading back (READ)', close: 'closing (CLOSE)', rename: 'renaming (RENAME)', remove: 'removing (REMOVE)' };
const STATUS_NAMES: Record<number, string> = { 2: 'no such file', 3: 'permission denied', 4: 'failure', 5: 'bad message', 8: 'operation unsupported' };

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(1)} GiB`;
}

/** True when the server's own figures say there is no room for the test file. */
function outOfSpace(w: WriteFacts): boolean {
  if (w.space && (w.space.freeBytes < (w.bytes ?? 1) || (w.refusal?.request === 'open' && w.space.freeFiles === 0))) return true;
  return !!w.refusal && NO_SPACE_TEXT.test(w.refusal.message);
}

function spaceEvidence(w: WriteFacts, highlight: boolean): EvidenceItem[] {
  if (w.space) {
    const s = w.space;
    const items = [ev('Free space (as the server reports it)', `${formatBytes(s.freeBytes)} of ${formatBytes(s.totalBytes)}; ${s.freeFiles} more files possible${s.readOnly ? '; mounted read-only' : ''}`, { mono: true, highlight })];
    items.push(ev('Not known', WRITE_CAUSES.quotaUnknown));
    return items;
  }
  if (w.space === null || w.statvfs === false) return [ev('Free space', WRITE_CAUSES.spaceUnknown)];
  return [];
}

/** The home folder's uid stands for the account's own, unless it is root's (a chroot) and we are not root. */
function accountUid(w: WriteFacts, user: string): number | undefined {
  return w.homeUid === 0 && user !== 'root' ? undefined : w.homeUid;
}

function baseEvidence(w: WriteFacts, user: string): EvidenceItem[] {
  const out: EvidenceItem[] = [ev('Folder', w.folder ?? '', { mono: true })];
  if (w.file) out.push(ev('Test file', w.file, { mono: true }));
  if (w.refusal) {
    const r = w.refusal;
    out.push(ev('Server answer', `${REQUEST_NAMES[r.request] ?? r.request}: SFTP status ${r.code} (${STATUS_NAMES[r.code] ?? 'error'})${r.message ? `, "${r.message}"` : ''}`, { mono: true, highlight: true }));
  }
  if (w.folderAttrs) out.push(ev('Folder owner and mode', `uid ${w.folderAttrs.uid}, gid ${w.folderAttrs.gid}, mode ${octal(w.folderAttrs.mode)}`, { mono: true }));
  const uid = accountUid(w, user);
  if (uid !== undefined) out.push(ev('Your account (uid of your home folder)', `uid ${uid}`, { mono: true }));
  return out;
}

function tail(w: WriteFacts): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  if (w.leftBehind) out.push(ev('Left behind', `${w.file ?? 'the test file'} could not be removed; the next check removes it, or delete it yourself`, { highlight: true }));
  if (w.leftoversRemoved?.length) out.push(ev('Old test files removed', w.leftoversRemoved.join(', '), { mono: true }));
  if (w.requests !== undefined) out.push(ev('SFTP requests', `${w.requests} in ${w.roundTrips} round trips`, { mono: true }));
  return out;
}

/** Why writing is refused, in the words of WRITE_CAUSES: read-only by design, a permission mistake, or another owner. */
function deniedCause(w: WriteFacts, user: string): string {
  const a = w.folderAttrs;
  if (w.space?.readOnly) return WRITE_CAUSES.readOnlyMount;
  if (!a) return WRITE_CAUSES.unknownOwner;
  if (a.uid === 0 && user !== 'root') return WRITE_CAUSES.rootOwned;
  const uid = accountUid(w, user);
  if (uid !== undefined && a.uid === uid) return (a.mode & 0o200) === 0 ? WRITE_CAUSES.ownWriteProtected : WRITE_CAUSES.ownButRefused;
  return WRITE_CAUSES.otherOwner;
}

/** The write test stopped the run. */
function writeVerdict(f: Facts): Verdict | null {
  const w = f.write;
  if (!w || w.skipped || w.stage === 'done') return null;
  const user = f.input?.user ?? '';
  const evidence = baseEvidence(w, user);
  const r = w.refusal;
  const ask = askAdmin('general');
  if (w.error) {
    return { code: 'SFTP_WRITE_FAILED', phase: 'write', evidence: [...evidence, ev('What happened', w.error, { mono: true, highlight: true }), ...tail(w)], vars: { problem: WRITE_CAUSES.broke } };
  }
  if (r && (r.request === 'open' || r.request === 'write' || r.request === 'close')) {
    if (r.code === 3 || w.space?.readOnly) {
      const fixes: Fix[] = [];
      const nearby = w.writableNearby ?? [];
      for (const path of nearby.slice(0, 3)) fixes.push(makeFix('use-remote-folder', { path }));
      const cause = deniedCause(w, user);
      const extra = [ev('What this looks like', cause, { highlight: true })];
      if (nearby.length) extra.push(ev('Writable folder nearby', nearby.join(', '), { mono: true, highlight: true }));
      else extra.push(ev('Writable folder nearby', 'none found among the subfolders of this folder'));
      return { code: 'SFTP_WRITE_DENIED', phase: 'write', evidence: [...evidence, ...extra, ...spaceEvidence(w, false), ...tail(w)], fixes, actions: [askAdmin('folder-access')], vars: { folder: w.folder ?? '' } };
    }
    if (outOfSpace(w)) {
      return { code: 'SFTP_DISK_FULL', phase: 'write', evidence: [...evidence, ...spaceEvidence(w, true), ...tail(w)], actions: [ask], vars: { folder: w.folder ?? '' } };
    }
    const problem = w.statvfs === false || w.space === null ? WRITE_CAUSES.failureNoSpaceInfo : WRITE_CAUSES.failureWithSpace;
    return { code: 'SFTP_WRITE_FAILED', phase: 'write', evidence: [...evidence, ...spaceEvidence(w, false), ...tail(w)], actions: [ask], vars: { problem } };
  }
  let problem: string;
  const extra: EvidenceItem[] = [];
  if (w.stage === 'compare') {
    problem = w.mismatch ? WRITE_CAUSES.altered : WRITE_CAUSES.truncated;
    extra.push(ev('Bytes written', String(w.bytes ?? 0), { mono: true }), ev('Bytes read back', String(w.readBack ?? 0), { mono: true, highlight: true }));
  } else if (w.stage === 'rename') problem = r?.code === 2 ? WRITE_CAUSES.vanished : WRITE_CAUSES.renameRefused;
  else if (w.stage === 'remove') problem = WRITE_CAUSES.removeRefused;
  else problem = WRITE_CAUSES.readFailed;
  return { code: 'SFTP_WRITE_FAILED', phase: 'write', evidence: [...evidence, ...extra, ...tail(w)], actions: [ask], vars: { problem } };
}

/** The keepalive interval for a connection that survived `hold` (seconds, at least 1, at most 30). */
export function keepaliveFor(hold: HoldFacts): number | null {
  const survived = hold.exact ? hold.survivedMs / 1000 : hold.seconds;
  // Exact: half the time it survived. Unknown (a silent drop): a quarter of the hold.
  let interval = Math.floor(hold.exact ? survived / 2 : survived / 4);
  if (hold.keepaliveSeconds) {
    if (hold.keepaliveSeconds <= 1) return null;
    interval = Math.min(interval, Math.floor(hold.keepaliveSeconds / 2));
  }
  return Math.min(30, Math.max(1, interval));
}

/** The hold stopped the run. */
export const decideHold: PhaseRules = (f, end) => {
  if (end.stoppedAt !== 'hold') return null;
  const h = f.hold;
  if (!h || h.outcome === 'alive') return null;
  const survived = h.exact ? `${(h.survivedMs / 1000).toFixed(1)} s idle` : `less than ${h.seconds} s idle (${WRITE_CAUSES.silentDrop})`;
  const how: Record<HoldFacts['outcome'], string> = { reset: 'reset (a router or firewall cut it off)', closed: 'closed', silent: `no answer within ${((h.probeMs ?? 0) / 1000).toFixed(1)} s after the hold`, alive: '' };
  const evidence: EvidenceItem[] = [
    ev('Asked to stay connected', `${h.seconds} s`, { mono: true }),
    ev('The connection lasted', survived, { mono: true, highlight: true }),
    ev('How it ended', how[h.outcome], { mono: true }),
  ];
  if (h.error) evidence.push(ev('What the connection reported', h.error, { mono: true }));
  evidence.push(ev('Keepalive', h.keepaliveSeconds ? `every ${h.keepaliveSeconds} s` : 'off', { mono: true }));
  const seconds = keepaliveFor(h);
  const fixes: Fix[] = seconds ? [makeFix('keepalive', { seconds })] : [];
  return { code: 'SESSION_DROPPED_IDLE', phase: 'hold', evidence, fixes, actions: [askAdmin('general')], vars: { survived } };
};

/** The write test stopped the run; a missing home makes sessions start in "/", where writing fails: that is the cause. */
export const decideWrite: PhaseRules = (f, end) => {
  if (end.stoppedAt !== 'write') return null;
  const home = decideHomeMissing(f);
  const v = writeVerdict(f);
  if (home) return { ...home, evidence: [...home.evidence, ...(v ? v.evidence.filter((e) => e.label === 'Server answer').map((e) => ({ ...e, label: 'Write test there', highlight: false })) : [])] };
  return v;
};

/** Evidence lines for a successful run: the write test and the hold. */
export function writeHoldSuccessEvidence(f: Facts): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  const w = f.write;
  if (w?.stage === 'done') out.push(ev('Write test', `${w.bytes} bytes written, read back, renamed and removed in ${w.folder} (${w.requests} SFTP requests in ${w.roundTrips} round trips)`, { mono: true }));
  else if (w?.skipped) out.push(ev('Write test', w.skipped === 'off' ? 'not done (switched off): uploading was not checked' : 'not done for SCP: uploading was not checked', { highlight: true }));
  if (w?.leftoversRemoved?.length) out.push(ev('Old test files removed', w.leftoversRemoved.join(', '), { mono: true }));
  const h = f.hold;
  const s = f.speed;
  if (s && !s.error && s.uploadMBps !== undefined) {
    const o = s.openssh;
    out.push(ev('Transfer speed (ours, ssh2)', `up ${s.uploadMBps} MB/s, down ${s.downloadMBps} MB/s with ${formatBytes(s.bytes)}${s.verified === false ? '; the copy read back DIFFERED' : ''}`, { mono: true, highlight: s.verified === false }));
    if (o && 'uploadMBps' in o) out.push(ev('OpenSSH sftp on the same link', `up ${o.uploadMBps} MB/s, down ${o.downloadMBps} MB/s`, { mono: true }));
    else if (o) out.push(ev('OpenSSH sftp on the same link', `not measured: ${o.unavailable}`));
    if (s.oursSlower) out.push(ev('Note', WRITE_CAUSES.oursSlower, { highlight: true }));
  } else if (s?.error) out.push(ev('Transfer speed', `not measured: ${s.error}`));
  if (h?.outcome === 'alive') out.push(ev('Stayed connected', `${h.seconds} s idle${h.keepaliveSeconds ? ` with a keepalive every ${h.keepaliveSeconds} s` : ' without keepalives'}; the session still answered`, { mono: true }));
  return out;
}

/** OK, or OK_READ_ONLY when writing was not checked. */
export function successCode(f: Facts): DiagnosisCode {
  return f.write?.skipped ? 'OK_READ_ONLY' : 'OK';
}
