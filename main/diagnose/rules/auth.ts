/** Rules of the auth phase: which of the login diagnoses, from the attempts and the server's answers. */
import { askAdmin, enterField, type Action } from '../../../shared/actions';
import { makeFix, type Fix } from '../../../shared/fixes';
import { LOGIN_METHODS, type AuthAttempt, type EvidenceItem, type Facts } from '../../../shared/types';
import { keyEvidence } from './input';
import { candidatesEvidence, decideAccountRefused, decideKnownAuthText, deniedCandidates, methodLookEvidence, secondLookEvidence, signatureLookEvidence } from './words';
import { ev, serverEvidence, type PhaseRules, type Verdict } from './verdict';

const USABLE = new Set(['publickey', 'keyboard-interactive', 'password']);
const TOO_MANY = /too many|max(imum)? ?auth|authentication attempts/i;

/** A readable line per login attempt: what was tried and what the server answered. Never a secret. */
export function describeAttempt(a: AuthAttempt): string {
  const what =
    a.method === 'publickey'
      ? `key ${a.keyType ?? ''} ${a.detail ?? ''}${a.source === 'agent' ? ' (from the key agent)' : ' (the key given)'}${a.signature ? `, signed with ${a.signature}` : ''}${a.signatureLook ? ' (once more, another signature)' : ''}`.replace(/\s+/g, ' ')
      : a.method === 'keyboard-interactive'
        ? `keyboard-interactive${a.outsideSite ? ' (the same password; a method this site leaves out)' : ''}`
        : a.outsideSite
          ? 'password (the same one; a method this site leaves out)'
        : a.method === 'password-change'
          ? 'setting a new password'
          : a.method;
  const answer = { success: 'accepted', failure: 'refused', partial: 'accepted, but another step is required', error: 'not completed' }[a.result];
  const left = a.methodsLeft?.length && a.result !== 'success' ? ` (server still allows: ${a.methodsLeft.join(', ')})` : '';
  return `${what}: ${answer}${left}${a.note ? ` — ${a.note}` : ''}`;
}

export function attemptsEvidence(f: Facts): EvidenceItem[] {
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

/** The key given was refused (by its algorithm, or because the server does not list it). */
export function keyRejectedVerdict(f: Facts, given: AuthAttempt, passwordWorks: boolean): Verdict {
  const evidence = [...keyEvidence(f)];
  if (algorithmRejected(f, given)) {
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
  if (f.key?.publicKey) evidence.push(ev('Public key line to give the administrator', f.key.publicKey, { mono: true, copy: 'public key line' }));
  if (passwordWorks) evidence.push(ev('Password', 'the login with the password works'));
  evidence.push(...signatureLookEvidence(f));
  evidence.push(...attemptsEvidence(f));
  if (!check && !passwordWorks) evidence.push(...candidatesEvidence(deniedCandidates(f)));
  return { code: 'AUTH_KEY_REJECTED', phase: 'auth', evidence, fixes, actions: [askAdmin('authorized-keys')] };
}

function loginVerdict(f: Facts): Verdict | null {
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
    const fixes: Fix[] = agentTried ? [makeFix('identities-only')] : [];
    const actions: Action[] = agentTried ? [] : [askAdmin('max-auth-tries')];
    if (agentTried && !f.key) actions.push(enterField('privateKey'));
    return { code: 'AUTH_TOO_MANY_FAILURES', phase: 'auth', evidence, fixes, actions };
  }
  const partial = [...tried].reverse().find((a) => a.result === 'partial');
  if (partial || auth.unanswered?.length) {
    const needed = partial?.methodsLeft ?? [];
    const ev2 = [...evidence];
    if (partial) ev2.unshift(ev('Still required', needed.join(', ') || 'another step', { highlight: true }));
    if (auth.unanswered?.length) ev2.unshift(ev('The server asked', auth.unanswered.join(' | '), { mono: true, highlight: true }));
    // The second factor came up in the one try over a method the site leaves out: it is the only
    // way in when the server takes passwords over keyboard-interactive alone.
    const fixes: Fix[] = [];
    const look = auth.methodLook;
    if (look?.result === 'second-factor') {
      ev2.push(...methodLookEvidence(f));
      if (look.method === 'keyboard-interactive' && !methods.includes('password')) fixes.push(makeFix('use-auth-methods', { methods: LOGIN_METHODS.filter((m) => m === look.method || look.siteMethods.includes(m)), added: look.method }));
    }
    const actions: Action[] = [];
    if (needed.includes('password') && !tried.some((a) => a.method === 'password')) actions.push(enterField('password'));
    if (needed.includes('publickey') && !f.key) actions.push(enterField('privateKey'));
    return { code: 'AUTH_PARTIAL', phase: 'auth', evidence: ev2, fixes, actions, vars: { methods: needed.join(', ') } };
  }
  const refused = decideAccountRefused(f);
  if (refused) return refused;
  const given = tried.find((a) => a.source === 'given');
  // A second look that sent nothing (the server asked no password question) is no password try.
  const passwordTries = tried.filter((a) => (a.method === 'password' || (a.method === 'keyboard-interactive' && a.result === 'failure')) && !(a.outsideSite && auth.methodLook?.result === 'not-asked'));
  if (given && given.result !== 'success' && algorithmRejected(f, given) && passwordTries.length === 0) return keyRejectedVerdict(f, given, false);
  if (passwordTries.length) {
    const spaces = input?.whitespace?.filter((w) => w === 'user' || w === 'password') ?? [];
    if (spaces.length) return { code: 'INPUT_WHITESPACE', phase: 'auth', evidence: [ev('Fields with spaces around them', spaces.join(', '), { highlight: true }), ...evidence], fixes: [makeFix('trim-whitespace', { fields: spaces })] };
    const ev2 = [ev('User name', input?.user ?? '', { mono: true }), ...evidence];
    if (given) ev2.push(ev('The key', 'was refused too', { highlight: true }));
    ev2.push(...secondLookEvidence(f), ...methodLookEvidence(f), ...signatureLookEvidence(f), ...candidatesEvidence(deniedCandidates(f)));
    if ((input?.user ?? '') === 'root') return { code: 'AUTH_ROOT_DENIED', phase: 'auth', evidence: ev2, actions: [askAdmin('root-login')] };
    return { code: 'AUTH_PASSWORD_REJECTED', phase: 'auth', evidence: ev2, actions: [enterField('password')] };
  }
  if (given && given.result !== 'success') return keyRejectedVerdict(f, given, false);

  const usable = methods.filter((m) => USABLE.has(m));
  if (methods.length && usable.length === 0) {
    return { code: 'AUTH_NO_SUPPORTED_METHOD', phase: 'auth', evidence: [ev('Methods offered', methods.join(', '), { mono: true, highlight: true }), ...evidence.slice(1)], actions: [askAdmin('auth-methods')] };
  }
  if (auth.credentials?.password && methods.length && !methods.includes('password') && !methods.includes('keyboard-interactive')) {
    return { code: 'AUTH_PASSWORD_NOT_ALLOWED', phase: 'auth', evidence: [ev('Methods allowed', methods.join(', '), { mono: true, highlight: true }), ...evidence.slice(1)], fixes: [makeFix('generate-ed25519-key')], actions: [enterField('privateKey')] };
  }
  if (auth.disconnect && !tried.length) return null;
  const actions: Action[] = [];
  if (methods.includes('password') || methods.includes('keyboard-interactive')) actions.push(enterField('password'));
  if (methods.includes('publickey')) actions.push(enterField('privateKey'));
  return { code: 'AUTH_NO_CREDENTIALS', phase: 'auth', evidence: [ev('Methods allowed', methods.join(', ') || 'unknown', { mono: true }), ...evidence.slice(1)], actions };
}

export const decideAuth: PhaseRules = (f, end) => {
  if (end.stoppedAt !== 'auth') return null;
  const v = loginVerdict(f);
  if (v) return v;
  const t = f.auth?.disconnect ?? 'the connection ended during login';
  return { code: 'TCP_RESET', phase: 'auth', evidence: [...serverEvidence(f), ev('What happened', t, { mono: true, highlight: true })] };
};
