import type { DiagnosisCode, Phase } from '../../shared/codes';
import type { AuthAttempt, EvidenceItem, Facts, Fix, FixParam } from '../../shared/types';
import { makeFix } from './fixes';
import { candidatesEvidence, decideAccountRefused, decideHomeMissing, decideKnownAuthText, decidePasswordCorrected, decideSessionWords, deniedCandidates, secondLookEvidence } from './rules-words';
import { SESSION_CAUSES, SHELL_GUARDS } from './texts';
import { successCode, writeHoldSuccessEvidence } from './rules-write';

/**
 * The rules of engine part 2: the key checked before connecting, the login and the SFTP session.
 * Pure like rules.ts, which calls these in phase order; each returns null when it has nothing to say.
 */

export interface SessionVerdict {
  code: DiagnosisCode;
  phase: Phase;
  evidence: EvidenceItem[];
  fixes: Fix[];
  vars?: Record<string, FixParam>;
}

const KEY_CODES = new Set<DiagnosisCode>(['KEY_IS_PUBLIC', 'KEY_NEEDS_PASSPHRASE', 'KEY_WRONG_PASSPHRASE', 'KEY_UNSUPPORTED_FORMAT', 'KEY_CORRUPT', 'KEY_NOT_FOUND']);
const USABLE = new Set(['publickey', 'keyboard-interactive', 'password']);
const TOO_MANY = /too many|max(imum)? ?auth|authentication attempts/i;
const NOLOGIN_TEXT = /account is (currently )?not available|nologin|not allowed to log ?in/i;

function ev(label: string, value: string, extra: Partial<EvidenceItem> = {}): EvidenceItem {
  return { label, value, ...extra };
}

function keyEvidence(f: Facts): EvidenceItem[] {
  const k = f.key;
  if (!k) return [];
  const out: EvidenceItem[] = [];
  if (k.path) out.push(ev('Key file', k.path, { mono: true }));
  if (k.format) out.push(ev('Format', k.format + (k.convertedFrom ? ' (converted in memory to use it)' : ''), { mono: true }));
  if (k.type) out.push(ev('Key type', `${k.type}${k.bits ? ` (${k.bits} bits)` : ''}`, { mono: true }));
  if (k.fingerprint) out.push(ev('Fingerprint', k.fingerprint, { mono: true }));
  return out;
}

/** A readable line per login attempt: what was tried and what the server answered. Never a secret. */
export function describeAttempt(a: AuthAttempt): string {
  const what =
    a.method === 'publickey'
      ? `key ${a.keyType ?? ''} ${a.detail ?? ''}${a.source === 'agent' ? ' (from the key agent)' : ' (the key given)'}`.replace(/\s+/g, ' ')
      : a.method === 'keyboard-interactive'
        ? 'keyboard-interactive'
        : a.method === 'password-change'
          ? 'setting a new password'
          : a.method;
  const answer = { success: 'accepted', failure: 'refused', partial: 'accepted, but another step is required', error: 'not completed' }[a.result];
  const left = a.methodsLeft?.length && a.result !== 'success' ? ` (server still allows: ${a.methodsLeft.join(', ')})` : '';
  return `${what}: ${answer}${left}${a.note ? ` — ${a.note}` : ''}`;
}

function attemptsEvidence(f: Facts): EvidenceItem[] {
  const auth = f.auth;
  if (!auth) return [];
  const out: EvidenceItem[] = [];
  if (auth.methods.length) out.push(ev('Login methods the server allows', auth.methods.join(', '), { mono: true }));
  const tried = auth.attempts.filter((a) => a.method !== 'none');
  const shown = tried.slice(0, 12);
  shown.forEach((a, i) => out.push(ev(`Attempt ${i + 1}`, describeAttempt(a), { mono: true })));
  if (tried.length > shown.length) out.push(ev('More attempts', `${tried.length - shown.length} more`));
  if (auth.agentKeys) out.push(ev('Keys in the key agent', String(auth.agentKeys)));
  if (auth.banner) out.push(ev('Server message', auth.banner.slice(0, 500), { mono: true }));
  if (auth.disconnect) out.push(ev('The server ended the connection with', auth.disconnect, { mono: true, highlight: true }));
  return out;
}

/** KEY_* found before connecting. */
export function decideKey(f: Facts): SessionVerdict | null {
  const e = f.key?.error;
  if (!e) return null;
  const code = (KEY_CODES.has(e.code as DiagnosisCode) ? e.code : 'KEY_CORRUPT') as DiagnosisCode;
  const evidence = [...keyEvidence(f), ev('What is wrong', e.message, { highlight: true })];
  if (e.fix) evidence.push(ev('What to do', e.fix));
  const fixes: Fix[] = [];
  const path = f.key?.path;
  switch (code) {
    case 'KEY_IS_PUBLIC': {
      const priv = path?.replace(/\.pub$/i, '');
      fixes.push(makeFix('choose-private-key', priv && priv !== path ? { path: priv } : {}));
      break;
    }
    case 'KEY_NEEDS_PASSPHRASE':
    case 'KEY_WRONG_PASSPHRASE':
      fixes.push(makeFix('enter-passphrase'));
      break;
    case 'KEY_UNSUPPORTED_FORMAT':
      if (f.key?.format && f.key.format !== 'unknown' && path) fixes.push(makeFix('convert-key', { from: f.key.format, to: 'openssh', path }));
      fixes.push(makeFix('generate-ed25519-key'));
      break;
    case 'KEY_NOT_FOUND':
      fixes.push(makeFix('choose-private-key'));
      break;
    default:
      fixes.push(makeFix('choose-private-key'), makeFix('generate-ed25519-key'));
  }
  return { code, phase: 'input', evidence, fixes };
}

/** Whether the server's accepted signature algorithms include one this key type can make. */
function sigAlgsAccept(sigAlgs: string[] | undefined, keyType: string | undefined): boolean | null {
  if (!sigAlgs || !keyType) return null;
  if (keyType === 'ssh-rsa') return sigAlgs.some((a) => a === 'rsa-sha2-256' || a === 'rsa-sha2-512' || a === 'ssh-rsa');
  return sigAlgs.includes(keyType);
}

function algorithmRejected(f: Facts, a: AuthAttempt): boolean {
  if (a.result === 'error' && a.note?.includes('no signature algorithm')) return true;
  if (a.keyType === 'ssh-dss') return true;
  return sigAlgsAccept(f.auth?.sigAlgs, a.keyType) === false;
}

function keyRejectedVerdict(f: Facts, given: AuthAttempt, passwordWorks: boolean): SessionVerdict {
  const evidence = [...keyEvidence(f)];
  const algo = algorithmRejected(f, given);
  if (algo) {
    if (f.auth?.sigAlgs) evidence.push(ev('Key signatures the server accepts', f.auth.sigAlgs.join(', '), { mono: true }));
    evidence.push(ev('Refused', `${given.keyType ?? 'this'} keys`, { highlight: true }));
    if (passwordWorks) evidence.push(ev('Password', 'the login with the password works'));
    evidence.push(...attemptsEvidence(f));
    return { code: 'AUTH_KEY_ALGORITHM_REJECTED', phase: 'auth', evidence, fixes: [makeFix('generate-ed25519-key')] };
  }
  const fixes: Fix[] = [];
  const check = f.sftp?.keyCheck;
  if (check) {
    if (check.home) evidence.push(ev('Home folder on the server', `${check.home.path} (mode ${check.home.mode.toString(8)}, owner uid ${check.home.uid})`, { mono: true }));
    if (check.sshDir !== undefined) evidence.push(ev('~/.ssh', check.sshDir ? `mode ${check.sshDir.mode.toString(8)}, owner uid ${check.sshDir.uid}` : 'does not exist', { mono: true }));
    if (check.authorizedKeys !== undefined) evidence.push(ev('~/.ssh/authorized_keys', check.authorizedKeys ? `mode ${check.authorizedKeys.mode.toString(8)}, owner uid ${check.authorizedKeys.uid}, ${check.authorizedKeys.size} bytes` : 'does not exist', { mono: true }));
    if (check.keyListed !== undefined) evidence.push(ev('Your key listed there', check.keyListed ? 'yes' : 'no', { highlight: !check.keyListed }));
    for (const p of check.problems) evidence.push(ev('Found', p, { highlight: true }));
    if (check.error) evidence.push(ev('Could not check everything', check.error));
    const modes = check.problems.some((p) => /mode|belongs to another user/.test(p));
    if (modes) fixes.push(makeFix('fix-authorized-keys-permissions', { path: '~/.ssh', mode: '700' }));
    if (check.keyListed === false && f.key?.publicKey) fixes.push(makeFix('install-public-key', { publicKey: f.key.publicKey, fingerprint: f.key.fingerprint ?? '' }));
    if (check.problems.length === 0 && !check.error) evidence.push(ev('Server side', 'the key is listed and the modes look right: the server configuration (AuthorizedKeysFile, PubkeyAuthentication, AllowUsers) may exclude it; ask the administrator'));
  } else if (passwordWorks && f.key?.publicKey) {
    fixes.push(makeFix('install-public-key', { publicKey: f.key.publicKey, fingerprint: f.key.fingerprint ?? '' }));
  }
  if (f.key?.publicKey) evidence.push(ev('Public key line to give the administrator', f.key.publicKey, { mono: true }));
  if (passwordWorks) evidence.push(ev('Password', 'the login with the password works'));
  evidence.push(...attemptsEvidence(f));
  if (!check && !passwordWorks) evidence.push(...candidatesEvidence(deniedCandidates(f)));
  if (!fixes.length) fixes.push(makeFix('ask-admin', { topic: 'authorized-keys' }));
  return { code: 'AUTH_KEY_REJECTED', phase: 'auth', evidence, fixes };
}

/** The run stopped in the auth phase: which of the login diagnoses. */
export function decideAuth(f: Facts): SessionVerdict | null {
  const auth = f.auth;
  if (!auth) return null;
  const input = f.input;
  const tried = auth.attempts.filter((a) => a.method !== 'none');
  const evidence = attemptsEvidence(f);
  const methods = auth.methods;

  if (auth.expired && !auth.passwordChanged) {
    return { code: 'AUTH_PASSWORD_EXPIRED', phase: 'auth', evidence, fixes: [makeFix('change-expired-password', { via: auth.expired })] };
  }
  const known = decideKnownAuthText(f);
  if (known) return known;
  if (auth.disconnect && TOO_MANY.test(auth.disconnect)) {
    const agentTried = tried.filter((a) => a.source === 'agent').length;
    const fixes = agentTried ? [makeFix('identities-only')] : [makeFix('ask-admin', { topic: 'max-auth-tries' })];
    if (agentTried && !f.key) fixes.push(makeFix('choose-private-key'));
    return { code: 'AUTH_TOO_MANY_FAILURES', phase: 'auth', evidence, fixes };
  }
  const partial = [...tried].reverse().find((a) => a.result === 'partial');
  if (partial || auth.unanswered?.length) {
    const needed = partial?.methodsLeft ?? [];
    const ev2 = [...evidence];
    if (partial) ev2.unshift(ev('Still required', needed.join(', ') || 'another step', { highlight: true }));
    if (auth.unanswered?.length) ev2.unshift(ev('The server asked', auth.unanswered.join(' | '), { mono: true, highlight: true }));
    const fixes: Fix[] = [];
    if (needed.includes('password') && !tried.some((a) => a.method === 'password')) fixes.push(makeFix('enter-password'));
    if (needed.includes('publickey') && !f.key) fixes.push(makeFix('choose-private-key'));
    return { code: 'AUTH_PARTIAL', phase: 'auth', evidence: ev2, fixes, vars: { methods: needed.join(', ') } };
  }
  const refused = decideAccountRefused(f);
  if (refused) return refused;
  const given = tried.find((a) => a.source === 'given');
  const passwordTries = tried.filter((a) => a.method === 'password' || (a.method === 'keyboard-interactive' && a.result === 'failure'));
  if (given && given.result !== 'success' && algorithmRejected(f, given) && passwordTries.length === 0) return keyRejectedVerdict(f, given, false);
  if (passwordTries.length) {
    const spaces = input?.whitespace?.filter((w) => w === 'user' || w === 'password') ?? [];
    if (spaces.length) return { code: 'INPUT_WHITESPACE', phase: 'auth', evidence: [ev('Fields with spaces around them', spaces.join(', '), { highlight: true }), ...evidence], fixes: [makeFix('trim-whitespace', { fields: spaces })] };
    const ev2 = [ev('User name', input?.user ?? '', { mono: true }), ...evidence];
    if (given) ev2.push(ev('The key', 'was refused too', { highlight: true }));
    ev2.push(...secondLookEvidence(f), ...candidatesEvidence(deniedCandidates(f)));
    if ((input?.user ?? '') === 'root') return { code: 'AUTH_ROOT_DENIED', phase: 'auth', evidence: ev2, fixes: [makeFix('ask-admin', { topic: 'root-login' })] };
    return { code: 'AUTH_PASSWORD_REJECTED', phase: 'auth', evidence: ev2, fixes: [makeFix('enter-password')] };
  }
  if (given && given.result !== 'success') return keyRejectedVerdict(f, given, false);

  const usable = methods.filter((m) => USABLE.has(m));
  if (methods.length && usable.length === 0) {
    return { code: 'AUTH_NO_SUPPORTED_METHOD', phase: 'auth', evidence: [ev('Methods offered', methods.join(', '), { mono: true, highlight: true }), ...evidence.slice(1)], fixes: [makeFix('ask-admin', { topic: 'auth-methods' })] };
  }
  if (auth.credentials?.password && methods.length && !methods.includes('password') && !methods.includes('keyboard-interactive')) {
    return { code: 'AUTH_PASSWORD_NOT_ALLOWED', phase: 'auth', evidence: [ev('Methods allowed', methods.join(', '), { mono: true, highlight: true }), ...evidence.slice(1)], fixes: [makeFix('choose-private-key'), makeFix('generate-ed25519-key')] };
  }
  if (auth.disconnect && !tried.length) return null;
  const fixes: Fix[] = [];
  if (methods.includes('password') || methods.includes('keyboard-interactive')) fixes.push(makeFix('enter-password'));
  if (methods.includes('publickey')) fixes.push(makeFix('choose-private-key'));
  return { code: 'AUTH_NO_CREDENTIALS', phase: 'auth', evidence: [ev('Methods allowed', methods.join(', ') || 'unknown', { mono: true }), ...evidence.slice(1)], fixes };
}

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

function loginScriptVerdict(f: Facts): SessionVerdict {
  const s = f.sftp!;
  const shellName = (s.shell ?? '').split('/').pop() || 'bash';
  const guard = SHELL_GUARDS[shellName] ?? SHELL_GUARDS.sh!;
  const evidence: EvidenceItem[] = [ev('Text the server printed', s.output ?? '', { mono: true, highlight: true })];
  if (s.bogusLength !== undefined) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(s.bogusLength >>> 0);
    evidence.push(ev('What SFTP programs report', `a packet length of ${s.bogusLength} (the bytes "${b.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}" of that text read as a number)`, { mono: true }));
  }
  if (s.shellOutput && s.shellOutput !== s.output) evidence.push(ev('What the shell prints for any command', s.shellOutput, { mono: true }));
  if (s.shell) evidence.push(ev('Shell of the account', s.shell, { mono: true }));
  evidence.push(ev('Start-up files to look at', guard.files.join(', '), { mono: true }), ev('Guard to put at the top', guard.guard, { mono: true }));
  const file = guard.files.find((x) => x.startsWith('~/')) ?? '~/.bashrc';
  return { code: 'SFTP_LOGIN_SCRIPT_OUTPUT', phase: 'sftp', evidence, fixes: [makeFix('silence-login-script', { file, guard: guard.guard, shell: shellName }), makeFix('ask-admin', { topic: 'login-script' })] };
}

/** The run stopped in the sftp phase. */
export function decideSftp(f: Facts): SessionVerdict | null {
  const s = f.sftp;
  if (!s) return null;
  if (s.stage === 'scp') {
    const words = decideSessionWords(f);
    if (words) return words;
    if (s.output) return loginScriptVerdict(f);
    return { code: 'SESSION_CLOSED_AFTER_AUTH', phase: 'sftp', evidence: [ev('SCP check', s.scp?.detail ?? 'failed', { highlight: true }), ...sessionFacts(f)], fixes: [makeFix('ask-admin', { topic: 'scp' })] };
  }
  if (s.stage === 'subsystem') {
    const evidence = [ev('Server answer', 'no SFTP service (the "sftp" subsystem request was refused)', { mono: true, highlight: true })];
    if (s.scp) evidence.push(ev('SCP instead', s.scp.works ? `works (${s.scp.detail})` : `does not work either: ${s.scp.detail}`, { highlight: s.scp.works }));
    return { code: 'SFTP_SUBSYSTEM_UNAVAILABLE', phase: 'sftp', evidence, fixes: s.scp?.works ? [makeFix('use-scp'), makeFix('ask-admin', { topic: 'sftp' })] : [makeFix('ask-admin', { topic: 'sftp' })] };
  }
  const expiredText = /password change required|password has expired|expired/i;
  if (f.auth?.expired === 'session' || (s.stderr && expiredText.test(s.stderr))) {
    return { code: 'AUTH_PASSWORD_EXPIRED', phase: 'sftp', evidence: [...sessionFacts(f), ...causesEvidence(['passwordChange']), ...attemptsEvidence(f)], fixes: [makeFix('change-expired-password', { via: 'session' })] };
  }
  const words = decideSessionWords(f);
  if (words) return words;
  if (s.output) {
    if (s.version === undefined && NOLOGIN_TEXT.test(s.output)) {
      return { code: 'SESSION_CLOSED_AFTER_AUTH', phase: 'sftp', evidence: [ev('The server printed', s.output, { mono: true, highlight: true }), ...sessionFacts(f), ...causesEvidence(['nologin', 'forceCommand'])], fixes: [makeFix('ask-admin', { topic: 'session' })] };
    }
    return loginScriptVerdict(f);
  }
  if (s.status) {
    const what = s.status.code === 2 ? 'does not exist' : s.status.code === 3 ? 'permission denied' : `refused (SFTP status ${s.status.code})`;
    return { code: 'SFTP_PERMISSION_DENIED', phase: 'sftp', evidence: [ev('Start folder', s.path ?? '.', { mono: true }), ev('Server answer', `${what}${s.status.message ? `: ${s.status.message}` : ''}`, { mono: true, highlight: true })], fixes: [makeFix('ask-admin', { topic: 'folder-access' })] };
  }
  // Closed: order the causes by what the evidence points at.
  let causes: (keyof typeof SESSION_CAUSES)[];
  const stderr = s.stderr ?? '';
  if (s.exitCode === 127 || /not found|no such file/i.test(stderr)) causes = ['sftpServerMissing', 'forceCommand', 'shell', 'chroot'];
  else if (s.exitCode !== undefined && s.exitCode !== 0 && !stderr) causes = ['shell', 'forceCommand', 'chroot'];
  else if (s.exitCode !== undefined) causes = ['forceCommand', 'shell', 'chroot'];
  else causes = ['chroot', 'shell', 'forceCommand'];
  return { code: 'SESSION_CLOSED_AFTER_AUTH', phase: 'sftp', evidence: [...sessionFacts(f), ...causesEvidence(causes)], fixes: [makeFix('ask-admin', { topic: 'session' })] };
}

/** Every phase passed: OK, unless the key given was refused (a password got in instead). */
export function decideSuccess(f: Facts, timings: { phase: Phase; ms: number }[], lastPhase: Phase = 'sftp'): SessionVerdict {
  const given = f.auth?.attempts.find((a) => a.source === 'given');
  if (given && (given.result === 'failure' || given.result === 'error') && f.auth?.success) return keyRejectedVerdict(f, given, true);
  const corrected = decidePasswordCorrected(f);
  if (corrected) return corrected;
  const home = decideHomeMissing(f);
  if (home) return home;
  const evidence: EvidenceItem[] = [];
  if (f.server?.software) evidence.push(ev('Server software', f.server.software, { mono: true }));
  if (f.auth?.passwordChanged) evidence.push(ev('Password', 'changed during this check: use the new password from now on'));
  const winner = [...(f.auth?.attempts ?? [])].reverse().find((a) => a.result === 'success');
  if (winner) evidence.push(ev('Logged in with', describeAttempt(winner).replace(/: accepted.*$/, ''), { mono: true }));
  if (f.sftp?.stage === 'scp') evidence.push(ev('SCP', f.sftp.scp?.detail ?? 'works'));
  else if (f.sftp?.path) evidence.push(ev('Start folder', `${f.sftp.path} (${f.sftp.entries ?? 0} entries, SFTP version ${f.sftp.version ?? '?'})`, { mono: true }));
  evidence.push(...writeHoldSuccessEvidence(f));
  if (timings.length) evidence.push(ev('Time per step', timings.map((t) => `${t.phase} ${t.ms} ms`).join(', '), { mono: true }));
  return { code: successCode(f), phase: lastPhase, evidence, fixes: [] };
}
