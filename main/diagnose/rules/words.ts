import { askAdmin } from '../../../shared/actions';
import { makeFix } from '../../../shared/fixes';
import { PASSWORD_IDEA_WORDS } from '../../../shared/password-variants';
import { LOGIN_METHODS, RSA_SIGNATURES, type EvidenceItem, type Facts } from '../../../shared/types';
import { exitEvidence, firstKnown, serverWords, wordsEvidence, type Said } from '../server-words';
import { ev, type Verdict } from './verdict';

/**
 * Rules that read the server's own words (pure, like rules.ts): a known text decides the
 * diagnosis; an unknown one is quoted as the most likely clue. And, where the wire cannot tell
 * causes apart, every candidate ranked, each with the server log line that tells it apart.
 */

const AUTH_WHERE: Said['where'][] = ['auth-banner', 'kbd-text', 'disconnect'];
const SESSION_WHERE: Said['where'][] = ['session-output', 'session-stderr', 'exec-output', 'exec-stderr'];
/** Words of a keyboard-interactive dialog that only ask for something: not a reason for a refusal. */
const ASKING = /\b(password|passcode|code|token|pin|otp|enter|verification)\b/i;

/** One possible cause of a refusal, with what tells it apart (the server's log line). */
export interface Candidate {
  cause: string;
  /** The line OpenSSH writes for it (USER and ADDR stand for the account and the client address). */
  logLine: string;
}

/** What OpenSSH writes for each cause, with the user filled in; each line checked against a real sshd in a test. */
export const LOG_LINES = {
  wrongPassword: 'Failed password for USER from',
  wrongKbd: 'Failed keyboard-interactive/pam for USER from',
  wrongKey: 'Failed publickey for USER from',
  invalidUser: 'Invalid user USER from',
  notAllowed: 'User USER from ADDR not allowed because',
  locked: 'User USER not allowed because account is locked',
  expired: 'Account USER has expired',
  pamAccountKbd: 'PAM: User account has expired for USER from',
  pamAccount: 'Access denied for user USER by PAM account configuration',
  strictModes: 'Authentication refused: bad ownership or modes',
  signature: 'userauth_pubkey: signature algorithm ALG not in PubkeyAcceptedAlgorithms',
} as const;

function fill(line: string, user: string): string {
  return line.replace('USER', user || '<user>').replace('ADDR', '<your address>');
}

/** The causes OpenSSH hides behind one "Permission denied", most likely first, for what was tried. */
export function deniedCandidates(f: Facts): Candidate[] {
  const tried = f.auth?.attempts.filter((a) => a.method !== 'none') ?? [];
  const password = tried.some((a) => a.method === 'password' && a.result === 'failure');
  const kbd = tried.some((a) => a.method === 'keyboard-interactive' && a.result === 'failure');
  const key = tried.some((a) => a.method === 'publickey' && a.result === 'failure');
  const user = f.input?.user ?? '';
  const out: Candidate[] = [];
  if (password) out.push({ cause: 'The password is wrong (a typo, Caps Lock, or characters changed by copying it from a document)', logLine: LOG_LINES.wrongPassword });
  if (kbd) out.push({ cause: 'The password typed in the login dialog is wrong', logLine: LOG_LINES.wrongKbd });
  if (key) out.push({ cause: 'The key is not listed for this account (~/.ssh/authorized_keys)', logLine: LOG_LINES.wrongKey });
  const unknownFirst = /[@\sA-Z]/.test(user);
  const unknown: Candidate = { cause: `No account called "${user}" exists on the server${/@/.test(user) ? ' (an e-mail address is rarely the user name)' : ''}`, logLine: LOG_LINES.invalidUser };
  if (unknownFirst) out.unshift(unknown);
  else out.push(unknown);
  out.push({ cause: 'The account is excluded by the server\'s AllowUsers, DenyUsers, AllowGroups or DenyGroups setting', logLine: LOG_LINES.notAllowed });
  out.push({ cause: 'The account is locked (passwd -l, usermod -L): OpenSSH then refuses every method, keys included', logLine: LOG_LINES.locked });
  out.push({ cause: 'The account has expired (chage -E, usermod -e)', logLine: LOG_LINES.expired });
  if (kbd) out.push({ cause: 'A PAM account rule refuses the account (pam_access, pam_time, pam_nologin); OpenSSH logs any such refusal with these words', logLine: LOG_LINES.pamAccountKbd });
  if (key) out.push({ cause: 'The server ignores authorized_keys because the home folder, ~/.ssh or the file can be changed by others (StrictModes)', logLine: LOG_LINES.strictModes });
  const rsa = tried.find((a) => a.source === 'given' && a.signature && a.result === 'failure');
  if (rsa?.signature) {
    const signed = [...new Set(tried.filter((a) => a.source === 'given' && a.signature).map((a) => a.signature!))];
    out.push({ cause: `The server accepts RSA keys only with some signature algorithms (PubkeyAcceptedAlgorithms), not with ${signed.join(' or ')}, which were tried`, logLine: LOG_LINES.signature.replace('ALG', rsa.signature) });
  }
  return out.map((c) => ({ ...c, logLine: fill(c.logLine, user) }));
}

export function candidatesEvidence(candidates: Candidate[]): EvidenceItem[] {
  return candidates.map((c, i) => ev(`Possible cause ${i + 1}`, `${c.cause}. Server log line: "${c.logLine}"`, { highlight: i === 0 }));
}

/** A known account message in the login (expired, locked): it decides the diagnosis. */
export function decideKnownAuthText(f: Facts): Verdict | null {
  const words = serverWords(f);
  const k = firstKnown(words, AUTH_WHERE);
  if (!k || (k.known.entry.code !== 'AUTH_ACCOUNT_EXPIRED' && k.known.entry.code !== 'AUTH_ACCOUNT_LOCKED')) return null;
  const evidence = [...wordsEvidence(words, k), ev('User name', f.input?.user ?? '', { mono: true })];
  return { code: k.known.entry.code, phase: 'auth', evidence, actions: [askAdmin('account')] };
}

/**
 * The password was checked, then the account refused: the connection closed while the password
 * waited for its answer (OpenSSH's PAM account check), or the server explained after the attempt.
 */
export function decideAccountRefused(f: Facts): Verdict | null {
  const auth = f.auth;
  if (!auth || auth.success) return null;
  const words = serverWords(f);
  const closedOnPassword = (auth.closedAfter === 'password' || auth.closedAfter === 'keyboard-interactive') && auth.disconnectBy !== 'server';
  const kbdFailed = auth.attempts.some((a) => a.method === 'keyboard-interactive' && a.result === 'failure');
  const clue = words.find((w) => (w.where === 'auth-banner' && auth.lateBanner && auth.lateBanner.includes(w.text.slice(0, 40))) || (w.where === 'kbd-text' && kbdFailed && !ASKING.test(w.text))) ?? null;
  if (!closedOnPassword && !clue) return null;
  const user = f.input?.user ?? '';
  const evidence: EvidenceItem[] = [];
  if (clue) evidence.push(ev('Most likely reason, in the server\'s words', clue.text, { mono: true, highlight: true }));
  evidence.push(...wordsEvidence(words.filter((w) => w !== clue)));
  if (closedOnPassword) evidence.push(ev('What happened', `the server hung up right after checking the ${auth.closedAfter === 'password' ? 'password' : 'login dialog\'s answer'}, without a yes or a no`, { highlight: !clue }));
  const candidates: Candidate[] = [
    { cause: 'An access rule (pam_access, /etc/security/access.conf) excludes this account or your address', logLine: LOG_LINES.pamAccount },
    { cause: 'Login hours (pam_time, /etc/security/time.conf) do not allow this account now', logLine: LOG_LINES.pamAccount },
    { cause: 'A maintenance lock (/etc/nologin, pam_nologin) refuses everyone but root; its text is normally shown', logLine: LOG_LINES.pamAccount },
    { cause: 'The account has expired (chage -E)', logLine: LOG_LINES.pamAccount },
  ].map((c) => ({ ...c, logLine: fill(c.logLine, user) }));
  if (!closedOnPassword) candidates.forEach((c) => (c.logLine = fill(LOG_LINES.pamAccountKbd, user)));
  evidence.push(...candidatesEvidence(candidates));
  return { code: 'AUTH_ACCOUNT_REFUSED', phase: 'auth', evidence, actions: [askAdmin('account')] };
}

/** Known texts and forced commands in the session (the run stopped in the sftp phase). */
export function decideSessionWords(f: Facts): Verdict | null {
  const s = f.sftp;
  if (!s) return null;
  const words = serverWords(f);
  const k = firstKnown(words, SESSION_WHERE);
  const user = f.input?.user ?? '';
  if (k) {
    const code = k.known.entry.code;
    const evidence = [...wordsEvidence(words, k), ...exitEvidence(f)];
    if (code === 'SESSION_WRONG_USER') {
      const loginAs = k.known.groups[0] ?? '';
      if (loginAs && loginAs !== user) {
        return { code, phase: 'sftp', evidence: [ev('User to log in as', loginAs, { mono: true, highlight: true }), ...evidence], fixes: [makeFix('use-user', { user: loginAs })], actions: [askAdmin('session')], vars: { loginAs } };
      }
    }
    if (code === 'SESSION_SFTP_ONLY' && s.stage === 'scp') return { code, phase: 'sftp', evidence, fixes: [makeFix('use-sftp')], actions: [askAdmin('scp')] };
    if (code === 'SESSION_FORCED_COMMAND') return { code, phase: 'sftp', evidence, actions: [askAdmin('session')] };
  }
  // Text, and our plain command never ran: a forced command or restricted shell printed it, not a start-up file.
  if (s.commandRan === false && (s.output || s.shellOutput) && !k) {
    return { code: 'SESSION_FORCED_COMMAND', phase: 'sftp', evidence: [...wordsEvidence(words, words[0]), ...exitEvidence(f)], actions: [askAdmin('session')] };
  }
  return null;
}

/** Every phase passed, but the server said it could not enter the home folder. */
export function decideHomeMissing(f: Facts): Verdict | null {
  const words = serverWords(f);
  const k = firstKnown(words, ['exec-stderr', 'session-stderr']);
  if (!k || k.known.entry.code !== 'SFTP_HOME_MISSING') return null;
  const home = k.known.groups[0] ?? '';
  const evidence = [ev('Home folder set for the account', home, { mono: true, highlight: true }), ev('Why it cannot be used', k.known.groups[1] ?? '', { mono: true }), ev('Where sessions start instead', f.sftp?.path ?? '/', { mono: true }), ...wordsEvidence(words, k)];
  return { code: 'SFTP_HOME_MISSING', phase: 'sftp', evidence, actions: [askAdmin('home')], vars: { home } };
}

/** What the one extra password try showed (evidence for a refusal). */
export function secondLookEvidence(f: Facts): EvidenceItem[] {
  const look = f.auth?.secondLook;
  if (!look) return [];
  return [ev('Second look', `tried the password once more with ${PASSWORD_IDEA_WORDS[look.idea]}: ${look.result === 'accepted' ? 'accepted' : 'refused too, so that is not the cause'} (one extra try only, to stay clear of lock-out limits)`, { highlight: look.result === 'accepted' })];
}

/** The password worked once corrected: the slip was in the typing or the pasting. */
export function decidePasswordCorrected(f: Facts): Verdict | null {
  const look = f.auth?.secondLook;
  if (!look || look.result !== 'accepted' || !f.auth?.success) return null;
  return { code: 'INPUT_PASSWORD_CHARACTERS', phase: 'auth', evidence: [...secondLookEvidence(f), ev('User name', f.input?.user ?? '', { mono: true })], fixes: [makeFix('fix-pasted-password', { idea: look.idea, what: PASSWORD_IDEA_WORDS[look.idea] })] };
}

/** What the one try over the password method the site leaves out showed (evidence). */
export function methodLookEvidence(f: Facts): EvidenceItem[] {
  const look = f.auth?.methodLook;
  if (!look) return [];
  const site = look.siteMethods.join(', ');
  const shown =
    look.result === 'accepted'
      ? 'accepted: the password is right, only the login method differs'
      : look.result === 'not-asked'
        ? 'not tried: the server asked something other than a password there, and a second look answers nothing else'
        : look.result === 'second-factor'
          ? 'the server asked for a second factor there (a one-time code or token; quoted above), which a second look never answers, so the login could not finish that way'
          : 'refused too, so the login method is not the cause';
  return [ev('Second look (login method)', `this site uses ${site || 'other methods'}; tried the same password once over ${look.method}, which the server allows: ${shown} (one extra try only, to stay clear of lock-out limits)`, { highlight: look.result === 'accepted' })];
}

/** What the one extra try of the RSA key, signed with another algorithm, showed (evidence). */
export function signatureLookEvidence(f: Facts): EvidenceItem[] {
  const look = f.auth?.signatureLook;
  if (!look) return [];
  const untried = RSA_SIGNATURES.filter((a) => a !== look.used && a !== look.tried);
  const shown =
    look.result === 'accepted'
      ? 'accepted: the key is right, only the signature algorithm differs'
      : `refused too, so the signature algorithm is probably not the cause (${untried.join(', ')} not tried)`;
  return [ev('Second look (key signature)', `the key signed with ${look.used} was refused; signed once more with ${look.tried}: ${shown} (one extra try only, to stay clear of the server's limit of attempts)`, { highlight: look.result === 'accepted' })];
}

/** The RSA key worked once signed with another algorithm: the server takes only some of them. */
export function decideSignatureLook(f: Facts): Verdict | null {
  const look = f.auth?.signatureLook;
  if (!look || look.result !== 'accepted' || !f.auth?.success) return null;
  return {
    code: 'AUTH_KEY_SIGNATURE_ALGORITHM',
    phase: 'auth',
    evidence: [
      ...signatureLookEvidence(f),
      ev('Key signatures the server lists as accepted', f.auth.sigAlgs?.join(', ') || 'none listed', { mono: true }),
      ev('Server log line for the refusal', fill(LOG_LINES.signature.replace('ALG', look.used), f.input?.user ?? ''), { mono: true }),
      ev('User name', f.input?.user ?? '', { mono: true }),
    ],
    fixes: [makeFix('use-rsa-signature', { algorithm: look.tried })],
    vars: { algorithm: look.tried, refused: look.used },
  };
}

/** The password worked over the password method the site leaves out: the site's setting is the cause. */
export function decideMethodOutsideSite(f: Facts): Verdict | null {
  const look = f.auth?.methodLook;
  if (!look || look.result !== 'accepted' || !f.auth?.success) return null;
  const site = look.siteMethods;
  const methods = LOGIN_METHODS.filter((m) => m === look.method || site.includes(m));
  return {
    code: 'AUTH_METHOD_NOT_IN_SITE',
    phase: 'auth',
    evidence: [...methodLookEvidence(f), ev('Login methods the server allows', f.auth.methods.join(', '), { mono: true }), ev('User name', f.input?.user ?? '', { mono: true })],
    fixes: [makeFix('use-auth-methods', { methods, added: look.method })],
    vars: { method: look.method, siteMethods: site.join(', ') },
  };
}
