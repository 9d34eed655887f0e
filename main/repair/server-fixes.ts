/**
 * Fixes made on the server: only after the user confirmed the exact change, only over a login we
 * can make some other way (usually the password), and only to a server whose key is trusted.
 * Every change is logged; files are backed up beside themselves before they are replaced.
 */
import path from 'node:path/posix';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RepairInput } from '../../shared/api';
import type { Fix } from '../../shared/types';
import { Secret } from '../common/secret';
import { inspectKey, readKeySource } from '../keys/index';
import { logChanges, requireConfirmed, str, withRequest } from './common';
import { changePasswordInSession, execRemote, login, openSftp, readRemote, replaceRemote, sftpCall, sftpDo, statOrNull, writeRemote, type RemoteSession } from './remote';
import { RepairError, type FixHandler, type PlanBody, type RepairContext } from './types';
import { timeoutOf } from '../../shared/defaults';

const BACKUP_SUFFIX = '.sftp-doctor.bak';

function loginPassword(ctx: RepairContext, input?: RepairInput): string | undefined {
  return input?.password || ctx.request.password || undefined;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

async function withSftp<T>(ctx: RepairContext, password: string | undefined, useKey: boolean, fn: (sftp: SFTPWrapper, home: string) => Promise<T>): Promise<T> {
  const session = await login(ctx, { ...(password !== undefined ? { password } : {}), useKey });
  try {
    const sftp = await openSftp(session.client);
    const home = await sftpCall<string>((cb) => sftp.realpath('.', cb));
    return await fn(sftp, home);
  } finally {
    session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// install-public-key

/** "<type> <base64>" of the key to install: the fix's, else the public half of the attempt's key. */
async function publicKeyToInstall(fix: Fix, ctx: RepairContext): Promise<{ type: string; blob: string; line: string }> {
  let line = str(fix.params, 'publicKey');
  if (!line && ctx.request.privateKey) {
    const k = ctx.request.privateKey;
    const bytes = (await readKeySource(k))?.bytes ?? Buffer.alloc(0);
    const info = await inspectKey(bytes, { passphrase: Secret.from(ctx.request.passphrase) ?? null, ...(k.path ? { fileName: k.path } : {}) });
    line = info.publicKeyLine ?? undefined;
    if (line && info.comment && !line.includes(' ', line.indexOf(' ') + 1)) line = `${line} ${info.comment}`;
  }
  const m = line ? /^\s*([a-z0-9@.-]+)\s+(AAAA[A-Za-z0-9+/]+={0,2})(?:\s+(.*))?$/.exec(line) : null;
  if (!m) throw new RepairError('FAILED', 'There is no public key to install: choose your private key in the form, connect again, then apply this fix.');
  const comment = (m[3] ?? '').replace(/[\r\n]/g, ' ').trim();
  return { type: m[1]!, blob: m[2]!, line: `${m[1]} ${m[2]}${comment ? ` ${comment}` : ''}` };
}

interface AuthorizedState {
  home: string;
  sshDir: string;
  file: string;
  dirStat: Stats | null;
  fileStat: Stats | null;
  content: Buffer | null;
  present: boolean;
}

async function authorizedState(sftp: SFTPWrapper, home: string, blob: string): Promise<AuthorizedState> {
  const sshDir = path.join(home, '.ssh');
  const file = path.join(sshDir, 'authorized_keys');
  const dirStat = await statOrNull(sftp, sshDir);
  const fileStat = dirStat ? await statOrNull(sftp, file) : null;
  const content = fileStat ? await readRemote(sftp, file) : null;
  const present = content ? content.toString('latin1').split('\n').some((l) => l.split(/\s+/).includes(blob)) : false;
  return { home, sshDir, file, dirStat, fileStat, content, present };
}

function installChanges(s: AuthorizedState, key: { line: string }): string[] {
  if (s.present) return [`Nothing: ${s.file} on the server already holds this key.`];
  const changes: string[] = [];
  if (!s.dirStat) changes.push(`Create the folder ${s.sshDir} with mode 700 (only you can open it).`);
  if (!s.fileStat) changes.push(`Create ${s.file} with mode 600 containing one line:`);
  else changes.push(`Add one line at the end of ${s.file} (it has ${s.content!.toString('latin1').split('\n').filter((l) => l.trim()).length} line(s), all kept as they are):`, `Keep a copy of the current file as ${s.file}${BACKUP_SUFFIX} on the server.`);
  changes.splice(changes.length - (s.fileStat ? 1 : 0), 0, `  ${key.line}`);
  return changes;
}

const installPublicKey: FixHandler = {
  async plan(fix, ctx): Promise<PlanBody> {
    const key = await publicKeyToInstall(fix, ctx);
    const password = loginPassword(ctx);
    if (!password) {
      return {
        changes: [
          `Log in to the server as "${ctx.request.user}" with your password (used for this change only).`,
          'Create ~/.ssh (mode 700) and ~/.ssh/authorized_keys (mode 600) if they are missing.',
          `Add this line to ~/.ssh/authorized_keys unless it is already there, keeping every existing line (a copy of the file is kept as authorized_keys${BACKUP_SUFFIX}):`,
          `  ${key.line}`,
        ],
        needs: ['confirmation', 'password'],
      };
    }
    // Dry run: look at the server (read only) and say exactly what would change.
    const state = await withSftp(ctx, password, false, (sftp, home) => authorizedState(sftp, home, key.blob));
    return { changes: installChanges(state, key), needs: state.present ? [] : ['confirmation'] };
  },
  async apply(fix, ctx, input) {
    requireConfirmed(fix, input.confirmed);
    const key = await publicKeyToInstall(fix, ctx);
    const password = loginPassword(ctx, input);
    if (!password) throw new RepairError('NEEDS_INPUT', 'Give the account\'s password: it is needed to log in and add the key (and used for nothing else).');
    const done = await withSftp(ctx, password, false, async (sftp, home) => {
      const s = await authorizedState(sftp, home, key.blob);
      const changes: string[] = [];
      const backups: string[] = [];
      if (s.present) return { changes, backups };
      if (!s.dirStat) {
        await sftpDo((cb) => sftp.mkdir(s.sshDir, { mode: 0o700 }, cb));
        await sftpDo((cb) => sftp.chmod(s.sshDir, 0o700, cb));
        changes.push(`Created ${s.sshDir} (mode 700) on the server`);
      }
      const old = s.content ?? Buffer.alloc(0);
      const sep = old.length === 0 || old[old.length - 1] === 0x0a ? '' : '\n';
      const next = Buffer.concat([old, Buffer.from(`${sep}${key.line}\n`, 'latin1')]);
      if (s.fileStat) {
        const mode = s.fileStat.mode & 0o777;
        await writeRemote(sftp, `${s.file}${BACKUP_SUFFIX}`, old, mode);
        backups.push(`${s.file}${BACKUP_SUFFIX} (on the server)`);
        const tmp = `${s.file}.sftp-doctor.tmp`;
        await writeRemote(sftp, tmp, next, mode);
        await replaceRemote(sftp, tmp, s.file);
        changes.push(`Added the key to ${s.file} on the server (now ${next.toString('latin1').split('\n').filter((l) => l.trim()).length} line(s); the others unchanged)`);
      } else {
        await writeRemote(sftp, s.file, next, 0o600);
        changes.push(`Created ${s.file} (mode 600) on the server with the key`);
      }
      return { changes, backups };
    });
    const logProblem = await logChanges(ctx, fix.id, done.changes, done.backups);
    return {
      applied: true,
      changes: done.changes,
      backups: done.backups,
      // The re-check logs in with the key alone, so it proves the key works.
      nextRequest: ctx.request.password && !input.password ? ctx.request : withRequest(ctx.request, { password: undefined }),
      message: `${done.changes.length ? 'The public key is now on the server.' : 'The server already had this key; nothing was changed.'} Connecting again with the key to check.${logProblem ? ` ${logProblem}` : ''}`,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// fix-authorized-keys-permissions

interface ModeChange {
  path: string;
  from: number;
  to: number;
  what: string;
}

async function modeChanges(sftp: SFTPWrapper, home: string): Promise<{ changes: ModeChange[]; problems: string[] }> {
  const out: ModeChange[] = [];
  const problems: string[] = [];
  const sshDir = path.join(home, '.ssh');
  const file = path.join(sshDir, 'authorized_keys');
  const h = await statOrNull(sftp, home);
  if (h && h.mode & 0o022) out.push({ path: home, from: h.mode & 0o7777, to: h.mode & 0o7777 & ~0o022, what: 'home folder (writable by others: SSH refuses keys then)' });
  const d = await statOrNull(sftp, sshDir);
  if (!d) problems.push(`${sshDir} does not exist on the server: there is no key list to fix. Put the public key on the server instead.`);
  else if ((d.mode & 0o777) !== 0o700) out.push({ path: sshDir, from: d.mode & 0o7777, to: 0o700, what: 'key folder' });
  const f = d ? await statOrNull(sftp, file) : null;
  if (d && !f) problems.push(`${file} does not exist on the server. Put the public key on the server instead.`);
  else if (f && (f.mode & 0o777) !== 0o600) out.push({ path: file, from: f.mode & 0o7777, to: 0o600, what: 'key list' });
  const uids = [h, d, f].filter((s): s is Stats => !!s).map((s) => s.uid);
  if (h && uids.some((u) => u !== h.uid)) problems.push('Some of these belong to another user (often root): only the administrator can change their owner.');
  return { changes: out, problems };
}

const fixPermissions: FixHandler = {
  async plan(_fix, ctx): Promise<PlanBody> {
    const password = loginPassword(ctx);
    if (!password) {
      return {
        changes: [
          `Log in to the server as "${ctx.request.user}" with your password (used for this change only).`,
          'Remove write access for group and others from your home folder, set ~/.ssh to mode 700 and ~/.ssh/authorized_keys to mode 600. Contents are not touched.',
        ],
        needs: ['confirmation', 'password'],
      };
    }
    const { changes, problems } = await withSftp(ctx, password, false, modeChanges);
    const lines = changes.map((c) => `${c.path} (${c.what}): mode ${octal(c.from)} → ${octal(c.to)}`);
    return { changes: lines.length ? lines : ['Nothing: the modes are already right.'], needs: lines.length ? ['confirmation'] : [], ...(problems.length ? { notes: problems } : {}) };
  },
  async apply(fix, ctx, input) {
    requireConfirmed(fix, input.confirmed);
    const password = loginPassword(ctx, input);
    if (!password) throw new RepairError('NEEDS_INPUT', 'Give the account\'s password: it is needed to log in and correct the modes (and used for nothing else).');
    const done = await withSftp(ctx, password, false, async (sftp, home) => {
      const { changes, problems } = await modeChanges(sftp, home);
      const made: string[] = [];
      for (const c of changes) {
        try {
          await sftpDo((cb) => sftp.chmod(c.path, c.to, cb));
          made.push(`${c.path}: mode ${octal(c.from)} → ${octal(c.to)} on the server`);
        } catch (err) {
          problems.push(`${c.path} could not be changed (${(err as Error).message}); ask the administrator.`);
        }
      }
      return { made, problems };
    });
    const logProblem = await logChanges(ctx, fix.id, done.made, []);
    return {
      applied: done.made.length > 0,
      changes: done.made,
      backups: [],
      nextRequest: ctx.request,
      message: `${done.made.length ? 'Corrected the modes on the server.' : 'Nothing needed changing.'}${done.problems.length ? ` ${done.problems.join(' ')}` : ''} Connecting again to check.${logProblem ? ` ${logProblem}` : ''}`,
    };
  },
};

// ---------------------------------------------------------------------------------------------
// change-expired-password

const changeExpiredPassword: FixHandler = {
  async plan(_fix, ctx) {
    return {
      changes: [`Log in as "${ctx.request.user}" with the current password and, when the server asks, set the new password you choose. The old password stops working.`],
      needs: ['confirmation', 'new-password'],
      notes: ['Choose a password the server\'s rules accept (length, not too similar to the old one); if it refuses, nothing changes and its reason is shown.'],
    };
  },
  async apply(fix, ctx, input) {
    requireConfirmed(fix, input.confirmed);
    const password = loginPassword(ctx, input);
    if (!password) throw new RepairError('NEEDS_INPUT', 'Give the current (expired) password: the server asks for it before it accepts a new one.');
    if (!input.newPassword) throw new RepairError('NEEDS_INPUT', 'Type the new password you want (twice in the window, to avoid typing mistakes).');
    if (input.newPassword === password) throw new RepairError('NEEDS_INPUT', 'The new password must differ from the expired one.');
    let session: RemoteSession | null = null;
    let changed = false;
    let failure: RepairError | null = null;
    try {
      if (str(fix.params, 'via') === 'session') {
        // sshd without PAM logs the user in, then runs passwd on a terminal before anything else.
        session = await login(ctx, { password });
        const done = await changePasswordInSession(session.client, password, input.newPassword, ctx.timeoutMs ?? timeoutOf(ctx.request));
        changed = done.changed;
        if (!changed) failure = new RepairError('FAILED', `The server did not accept the change${done.said ? ` (it said: ${done.said})` : ''}.`);
      } else {
        session = await login(ctx, { password, newPassword: input.newPassword });
        changed = session.passwordChanged;
      }
    } catch (err) {
      failure = err instanceof RepairError ? err : new RepairError('FAILED', (err as Error).message);
    } finally {
      session?.close();
    }
    if (!changed) {
      if (failure) throw new RepairError(failure.code, `The password was not changed. ${failure.message}`);
      throw new RepairError('FAILED', 'The server logged us in without asking for a new password, so nothing was changed: the password may no longer be expired. Connect again to check.');
    }
    const changes = [`Changed the password of "${ctx.request.user}" on the server`];
    const logProblem = await logChanges(ctx, fix.id, changes, []);
    return { applied: true, changes, backups: [], nextRequest: withRequest(ctx.request, { password: input.newPassword }), message: `The server accepted the new password. Connecting again with it.${logProblem ? ` ${logProblem}` : ''}` };
  },
};

// ---------------------------------------------------------------------------------------------
// silence-login-script

const BEGIN = '__SFTP_DOCTOR_BEGIN__';
const END = '__SFTP_DOCTOR_END__';

/** What to put at the top of a start-up file so non-interactive shells stop before printing. */
function guardFor(shell: string, backup: string): { file: string; guard: string } | null {
  const name = path.basename(shell);
  const note = `# Added by SFTP Doctor: sessions that are not interactive (SFTP, scp, rsync) stop here, so nothing\n# below prints into them. The file as it was: ${backup}\n`;
  if (name === 'bash') return { file: '.bashrc', guard: `${note}case $- in *i*) ;; *) return 0 ;; esac\n` };
  if (name === 'zsh') return { file: '.zshenv', guard: `${note}[[ -o interactive ]] || return 0\n` };
  // csh and tcsh read it for `csh -c COMMAND` too; `exit` there ends the file, not the command.
  if (name === 'csh') return { file: '.cshrc', guard: `${note}if ( ! $?prompt ) exit\n` };
  if (name === 'tcsh') return { file: '.tcshrc', guard: `${note}if ( ! $?prompt ) exit\n` };
  if (name === 'fish') return { file: '.config/fish/config.fish', guard: `${note}status is-interactive; or exit\n` };
  return null;
}

const PRINTING = /^\s*(echo|printf|cat|fortune|figlet|cowsay|neofetch|screenfetch|uptime|date|who|w|last|motd|clear|tput|stty|ls)\b|[^#]*\b(echo|printf)\b/;

interface ScriptInfo {
  shell: string;
  home: string;
  file: string;
  guard: string;
  content: string;
  exists: boolean;
}

/** Reads the shell, home and the start-up file through a command channel (SFTP is what is broken). */
async function scriptInfo(fix: Fix, session: RemoteSession, timeoutMs: number): Promise<ScriptInfo> {
  const probe = await execRemote(session.client, `printf '%s\\n' '${BEGIN}' "$SHELL" "$HOME" '${END}'`, null, timeoutMs);
  const m = new RegExp(`${BEGIN}\\n([^\\n]*)\\n([^\\n]*)\\n${END}`).exec(probe.stdout);
  if (!m) throw new RepairError('FAILED', 'The server did not answer a simple command, so the start-up file could not be checked. Ask the administrator to look at your shell start-up files.');
  const shell = m[1]!;
  const home = m[2]!;
  const g = guardFor(shell, '');
  const asked = str(fix.params, 'file');
  const rel = asked ? asked.replace(/^~\//, '') : g?.file;
  if (!g || !rel) throw new RepairError('REFUSED', `Your login shell is ${shell}; SFTP Doctor knows how to guard the start-up files of bash, zsh, csh, tcsh and fish. Ask the administrator to make your start-up files print only in interactive sessions.`);
  let file = rel.startsWith('/') ? rel : path.join(home, rel);
  const read = async (f: string) => {
    const cat = await execRemote(session.client, `sh -c 'printf "%s\\n" "${BEGIN}"; if [ -f "$1" ]; then echo yes; cat "$1"; else echo no; fi' sh '${f.replace(/'/g, `'\\''`)}'`, null, timeoutMs);
    const at = cat.stdout.indexOf(`${BEGIN}\n`);
    if (at < 0) throw new RepairError('FAILED', `${f} could not be read on the server. Ask the administrator to check it.`);
    return cat.stdout.slice(at + BEGIN.length + 1);
  };
  let rest = await read(file);
  // tcsh reads ~/.cshrc only when there is no ~/.tcshrc: creating one would hide the user's .cshrc.
  if (path.basename(shell) === 'tcsh' && path.basename(file) === '.tcshrc' && !rest.startsWith('yes\n')) {
    const cshrc = path.join(home, '.cshrc');
    const other = await read(cshrc);
    if (other.startsWith('yes\n')) [file, rest] = [cshrc, other];
  }
  const exists = rest.startsWith('yes\n');
  const backup = `${file}${BACKUP_SUFFIX}`;
  return { shell, home, file, guard: guardFor(shell, backup)!.guard, content: exists ? rest.slice(4) : '', exists };
}

function printingLines(content: string): string[] {
  return content
    .split('\n')
    .map((l, i) => ({ l, n: i + 1 }))
    .filter(({ l }) => !l.trim().startsWith('#') && PRINTING.test(l))
    .slice(0, 20)
    .map(({ l, n }) => `line ${n}: ${l.trim().slice(0, 200)}`);
}

async function withLoginForScript<T>(ctx: RepairContext, input: RepairInput | undefined, fn: (s: RemoteSession, timeoutMs: number) => Promise<T>): Promise<T> {
  const password = loginPassword(ctx, input);
  const session = await login(ctx, { ...(password ? { password } : {}), useKey: !!ctx.request.privateKey });
  try {
    return await fn(session, ctx.timeoutMs ?? timeoutOf(ctx.request));
  } finally {
    session.close();
  }
}

const silenceLoginScript: FixHandler = {
  async plan(fix, ctx) {
    const output = ctx.result.facts.sftp?.output;
    const info = await withLoginForScript(ctx, undefined, (s, t) => scriptInfo(fix, s, t));
    const lines = printingLines(info.content);
    return {
      changes: [
        `Insert these lines at the top of ${info.file} on the server (your shell is ${info.shell}):`,
        ...info.guard.trimEnd().split('\n').map((l) => `  ${l}`),
        info.exists ? `Keep the file as it was in ${info.file}${BACKUP_SUFFIX}; nothing else in it changes.` : `${info.file} does not exist yet: it is created with just these lines.`,
      ],
      needs: ['confirmation'],
      notes: [
        ...(output ? [`What the server printed: ${output.slice(0, 300)}`] : []),
        ...(lines.length ? ['Lines in the file that may print:', ...lines] : ['No line in this file obviously prints; the text may come from another file (then the check will still fail and the administrator must look).']),
        'Interactive logins (a terminal) are not affected.',
      ],
    };
  },
  async apply(fix, ctx, input) {
    requireConfirmed(fix, input.confirmed);
    const done = await withLoginForScript(ctx, input, async (s, t) => {
      const info = await scriptInfo(fix, s, t);
      if (info.content.startsWith(info.guard) || info.content.includes('# Added by SFTP Doctor: sessions that are not interactive')) return { info, changes: [] as string[], backups: [] as string[] };
      const q = info.file.replace(/'/g, `'\\''`);
      // Backup beside it (mode kept), then the new content through a temporary file renamed over it.
      const script = info.exists
        ? `sh -c 'set -e; cp -p "$1" "$1${BACKUP_SUFFIX}"; cp -p "$1" "$1.sftp-doctor.tmp"; cat > "$1.sftp-doctor.tmp"; mv "$1.sftp-doctor.tmp" "$1"; echo ${END}' sh '${q}'`
        : `sh -c 'set -e; umask 022; mkdir -p "$(dirname "$1")"; cat > "$1.sftp-doctor.tmp"; mv "$1.sftp-doctor.tmp" "$1"; echo ${END}' sh '${q}'`;
      const res = await execRemote(s.client, script, Buffer.from(info.guard + info.content, 'utf8'), t);
      if (!res.stdout.includes(END)) throw new RepairError('FAILED', `${info.file} could not be changed on the server (${res.stderr.trim().slice(0, 200) || 'no reason given'}). Nothing was changed.`);
      return { info, changes: [`${info.file} on the server: added a guard at the top for non-interactive sessions`], backups: info.exists ? [`${info.file}${BACKUP_SUFFIX} (on the server)`] : [] };
    });
    const logProblem = await logChanges(ctx, fix.id, done.changes, done.backups);
    return {
      applied: done.changes.length > 0,
      changes: done.changes,
      backups: done.backups,
      nextRequest: ctx.request,
      message: `${done.changes.length ? `Guarded ${done.info.file} so it prints nothing in SFTP sessions.` : `${done.info.file} already has the guard; the output comes from elsewhere.`} Connecting again to check.${logProblem ? ` ${logProblem}` : ''}`,
    };
  },
};

export const serverFixes: { [I in 'install-public-key' | 'fix-authorized-keys-permissions' | 'change-expired-password' | 'silence-login-script']: FixHandler<I> } = {
  'install-public-key': installPublicKey,
  'fix-authorized-keys-permissions': fixPermissions,
  'change-expired-password': changeExpiredPassword,
  'silence-login-script': silenceLoginScript,
};

