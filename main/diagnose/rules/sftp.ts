/** Rules of the sftp phase: the session after login, and the end of a run where every phase passed. */
import { askAdmin } from '../../../shared/actions';
import { makeFix } from '../../../shared/fixes';
import { SESSION_CAUSES } from '../../../shared/texts/index';
import type { EvidenceItem, Facts } from '../../../shared/types';
import { attemptsEvidence, describeAttempt, keyRejectedVerdict } from './auth';
import { folderVerdict } from './folder';
import { chosenEvidence } from './kex';
import { keyToolWarnings } from './key-tools';
import { decideHomeMissing, decideMethodOutsideSite, decidePasswordCorrected, decideSessionWords, decideSignatureLook } from './words';
import { successCode, writeHoldSuccessEvidence } from './write';
import { ev, type PhaseRules, type Verdict } from './verdict';

const NOLOGIN_TEXT = /account is (currently )?not available|nologin|not allowed to log ?in/i;
const EXPIRED_TEXT = /password change required|password has expired|expired/i;

/** The start-up files each shell reads for non-interactive sessions, and the guard that keeps them quiet. */
export const SHELL_GUARDS: Record<string, { files: string[]; guard: string }> = {
  bash: { files: ['~/.bashrc', '/etc/bash.bashrc'], guard: 'case $- in *i*) ;; *) return ;; esac' },
  zsh: { files: ['~/.zshenv', '/etc/zsh/zshenv'], guard: '[[ -o interactive ]] || return' },
  csh: { files: ['~/.cshrc', '/etc/csh.cshrc'], guard: 'if ( ! $?prompt ) exit' },
  tcsh: { files: ['~/.tcshrc', '~/.cshrc', '/etc/csh.cshrc'], guard: 'if ( ! $?prompt ) exit' },
  fish: { files: ['~/.config/fish/config.fish'], guard: 'status is-interactive; or exit' },
  sh: { files: ['~/.profile', '/etc/profile', 'the file named by $ENV'], guard: 'case $- in *i*) ;; *) return ;; esac' },
};

/** OpenSSH's words when it must run passwd before the session (without PAM; do_pwchange). */
const SESSION_PASSWORD_CHANGE = /your password has expired|password change required/i;

/** The shells whose start-up file `repair` guards (sh reads none for `sh -c COMMAND`: the text comes from elsewhere). */
export const GUARDABLE_SHELLS: readonly string[] = ['bash', 'zsh', 'csh', 'tcsh', 'fish'];

function causesEvidence(keys: (keyof typeof SESSION_CAUSES)[]): EvidenceItem[] {
  return keys.map((k, i) => ev(`Likely cause ${i + 1}`, SESSION_CAUSES[k], { highlight: i === 0 }));
}

function sessionFacts(f: Facts): EvidenceItem[] {
  const s = f.sftp;
  if (!s) return [];
  const out: EvidenceItem[] = [];
  if (s.error) out.push(ev('What happened', s.error, { mono: true }));
  if (s.exitCode !== undefined) out.push(ev('Exit status of the session', String(s.exitCode), { mono: true }));
  if (s.exitSignal) out.push(ev('Ended by signal', s.exitSignal, { mono: true }));
  if (s.stderr) out.push(ev('The server wrote (error output)', s.stderr.slice(0, 500), { mono: true }));
  return out;
}

/** Four bytes of text read as a number, as an SFTP program reads them. */
function bytesOf(n: number): string {
  const b = [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  return b.map((c) => (c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.')).join('');
}

function loginScriptVerdict(f: Facts): Verdict {
  const s = f.sftp!;
  const shellName = (s.shell ?? '').split('/').pop() || 'bash';
  const guard = SHELL_GUARDS[shellName] ?? SHELL_GUARDS.sh!;
  const evidence: EvidenceItem[] = [ev('Text the server printed', s.output ?? '', { mono: true, highlight: true })];
  if (s.bogusLength !== undefined) {
    evidence.push(ev('What SFTP programs report', `a packet length of ${s.bogusLength} (the bytes "${bytesOf(s.bogusLength)}" of that text read as a number)`, { mono: true }));
  }
  if (s.shellOutput && s.shellOutput !== s.output) evidence.push(ev('What the shell prints for any command', s.shellOutput, { mono: true }));
  if (s.shell) evidence.push(ev('Shell of the account', s.shell, { mono: true }));
  evidence.push(ev('Start-up files to look at', guard.files.join(', '), { mono: true }), ev('Guard to put at the top', guard.guard, { mono: true }));
  const file = guard.files.find((x) => x.startsWith('~/')) ?? '~/.bashrc';
  const fixes = GUARDABLE_SHELLS.includes(shellName) ? [makeFix('silence-login-script', { file, guard: guard.guard, shell: shellName })] : [];
  return { code: 'SFTP_LOGIN_SCRIPT_OUTPUT', phase: 'sftp', evidence, fixes, actions: [askAdmin('login-script')] };
}

/** The run stopped in the sftp phase. */
export const decideSftp: PhaseRules = (f, end) => {
  const s = f.sftp;
  if (end.stoppedAt !== 'sftp' || !s) return null;
  if (s.stage === 'scp') {
    const words = decideSessionWords(f);
    if (words) return words;
    if (s.output) return loginScriptVerdict(f);
    return { code: 'SESSION_CLOSED_AFTER_AUTH', phase: 'sftp', evidence: [ev('SCP check', s.scp?.detail ?? 'failed', { highlight: true }), ...sessionFacts(f)], actions: [askAdmin('scp')] };
  }
  if (s.stage === 'subsystem') {
    const evidence = [ev('Server answer', 'no SFTP service (the "sftp" subsystem request was refused)', { mono: true, highlight: true })];
    if (s.scp) evidence.push(ev('SCP instead', s.scp.works ? `works (${s.scp.detail})` : `does not work either: ${s.scp.detail}`, { highlight: s.scp.works }));
    return { code: 'SFTP_SUBSYSTEM_UNAVAILABLE', phase: 'sftp', evidence, fixes: s.scp?.works ? [makeFix('use-scp')] : [], actions: [askAdmin('sftp')] };
  }
  // sshd without PAM: the session runs passwd first, and without a terminal says so on error output.
  if (f.auth?.expired === 'session' || (s.stderr && EXPIRED_TEXT.test(s.stderr)) || (s.execStderr && SESSION_PASSWORD_CHANGE.test(s.execStderr))) {
    return { code: 'AUTH_PASSWORD_EXPIRED', phase: 'sftp', evidence: [...sessionFacts(f), ...causesEvidence(['passwordChange']), ...attemptsEvidence(f)], fixes: [makeFix('change-expired-password', { via: 'session' })] };
  }
  const words = decideSessionWords(f);
  if (words) return words;
  if (s.output) {
    if (s.version === undefined && NOLOGIN_TEXT.test(s.output)) {
      return { code: 'SESSION_CLOSED_AFTER_AUTH', phase: 'sftp', evidence: [ev('The server printed', s.output, { mono: true, highlight: true }), ...sessionFacts(f), ...causesEvidence(['nologin', 'forceCommand'])], actions: [askAdmin('session')] };
    }
    return loginScriptVerdict(f);
  }
  if (s.status) return folderVerdict(f);
  // Closed: order the causes by what the evidence points at.
  let causes: (keyof typeof SESSION_CAUSES)[];
  const stderr = s.stderr ?? '';
  if (s.exitCode === 127 || /not found|no such file/i.test(stderr)) causes = ['sftpServerMissing', 'forceCommand', 'shell', 'chroot'];
  else if (s.exitCode !== undefined && s.exitCode !== 0 && !stderr) causes = ['shell', 'forceCommand', 'chroot'];
  else if (s.exitCode !== undefined) causes = ['forceCommand', 'shell', 'chroot'];
  else causes = ['chroot', 'shell', 'forceCommand'];
  const evidence = [...sessionFacts(f), ...causesEvidence(causes)];
  if (s.scp) evidence.push(ev('SCP instead', s.scp.works ? `works (${s.scp.detail})` : `does not work either: ${s.scp.detail}`, { highlight: s.scp.works }));
  return { code: 'SESSION_CLOSED_AFTER_AUTH', phase: 'sftp', evidence, fixes: s.scp?.works ? [makeFix('use-scp')] : [], actions: [askAdmin('session')] };
};

/** Every phase passed, SFTP included (and the write test and hold when asked): OK, unless the key given was refused (a password got in instead). */
export const decideSuccess: PhaseRules = (f, end) => {
  const last = end.lastPhase;
  if (end.stoppedAt !== null || (last !== 'sftp' && last !== 'write' && last !== 'hold' && last !== 'speed')) return null;
  const signature = decideSignatureLook(f);
  if (signature) return signature;
  const given = f.auth?.attempts.find((a) => a.source === 'given');
  if (given && (given.result === 'failure' || given.result === 'error') && f.auth?.success) return keyRejectedVerdict(f, given, true);
  const corrected = decidePasswordCorrected(f);
  if (corrected) return corrected;
  const method = decideMethodOutsideSite(f);
  if (method) return method;
  const home = decideHomeMissing(f);
  if (home) return home;
  const evidence: EvidenceItem[] = [];
  if (f.server?.software) evidence.push(ev('Server software', f.server.software, { mono: true }));
  evidence.push(...chosenEvidence(f));
  if (f.auth?.passwordChanged) evidence.push(ev('Password', 'changed during this check: use the new password from now on'));
  const winner = [...(f.auth?.attempts ?? [])].reverse().find((a) => a.result === 'success');
  if (winner) evidence.push(ev('Logged in with', describeAttempt(winner).replace(/: accepted.*$/, ''), { mono: true }));
  if (f.sftp?.stage === 'scp') evidence.push(ev('SCP', f.sftp.scp?.detail ?? 'works'));
  else if (f.sftp?.path) evidence.push(ev('Start folder', `${f.sftp.path} (${f.sftp.entries ?? 0} entries, SFTP version ${f.sftp.version ?? '?'})`, { mono: true }));
  evidence.push(...writeHoldSuccessEvidence(f));
  const timings = end.timings ?? [];
  if (timings.length) evidence.push(ev('Time per step', timings.map((t) => `${t.phase} ${t.ms} ms`).join(', '), { mono: true }));
  const keyTools = keyToolWarnings(f);
  if (keyTools) return { code: successCode(f), phase: last, evidence, warnings: keyTools.warnings, fixes: [keyTools.fix] };
  return { code: successCode(f), phase: last, evidence };
};
