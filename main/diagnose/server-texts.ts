import type { DiagnosisCode } from '../../shared/codes';

/**
 * Texts servers send in their own words, as data beside the codes: each entry is a message a real
 * program prints (named in `source`), what it means, and the diagnosis it decides. Every entry is
 * produced by a real server in main/diagnose/server-words.test.ts (or session.test.ts); add an
 * entry only together with such a test.
 */

/** Where in a run a server text arrived. */
export type SaidWhere =
  | 'auth-banner'
  | 'kbd-text'
  | 'kbd-prompt'
  | 'disconnect'
  | 'password-change'
  | 'session-output'
  | 'session-stderr'
  | 'exec-output'
  | 'exec-stderr'
  | 'sftp-status';

/** Who printed a session text: decides whether a start-up-file fix can be true. */
export type SaidBy = 'account' | 'shell' | 'forced-command' | 'sshd' | 'pam';

export interface KnownText {
  id: string;
  /** Matched against the text with control characters already made visible. */
  pattern: RegExp;
  /** The program (and setting) that prints it, for the evidence. */
  source: string;
  /** Who prints it: a text from a forced command, sshd or PAM never gets a ~/.bashrc fix. */
  by: SaidBy;
  /** The diagnosis this text decides. */
  code: DiagnosisCode;
  /** What it means, in plain words (shown beside the quote). */
  meaning: string;
}

export const KNOWN_TEXTS: readonly KnownText[] = [
  {
    id: 'pam-unix-account-expired',
    pattern: /Your account has expired; please contact your system administrator/i,
    source: 'PAM (pam_unix account check): the account\'s expiry date has passed (chage -E, usermod -e)',
    by: 'pam',
    code: 'AUTH_ACCOUNT_EXPIRED',
    meaning: 'the account itself has expired; the password may well be right',
  },
  {
    id: 'pam-faillock-locked',
    pattern: /The account is locked due to \d+ failed logins?/i,
    source: 'PAM (pam_faillock): too many failed logins locked the account for a while',
    by: 'pam',
    code: 'AUTH_ACCOUNT_LOCKED',
    meaning: 'the account is locked after failed logins; any password is refused until it is unlocked',
  },
  {
    id: 'nologin-shell',
    pattern: /This account is currently not available\./i,
    source: 'nologin (util-linux), set as the account\'s login shell',
    by: 'shell',
    code: 'SESSION_CLOSED_AFTER_AUTH',
    meaning: 'the account may log in but not start programs: its shell refuses every session',
  },
  {
    id: 'cloud-init-login-as',
    pattern: /Please login as the user "([^"\n]{1,64})" rather than the user "([^"\n]{1,64})"/i,
    source: 'cloud-init (disable_root): a command= option in front of the key in authorized_keys',
    by: 'forced-command',
    code: 'SESSION_WRONG_USER',
    meaning: 'this cloud server wants another user name; it prints this for the disabled one and hangs up',
  },
  {
    id: 'openssh-sftp-only',
    pattern: /This service allows sftp connections only\./i,
    source: 'OpenSSH sshd: ForceCommand internal-sftp (an SFTP-only account) asked to run a command',
    by: 'sshd',
    code: 'SESSION_SFTP_ONLY',
    meaning: 'the account may use SFTP only: commands, shells and SCP are refused',
  },
  {
    id: 'openssh-chdir-home',
    pattern: /Could not chdir to home directory ([^\n:]{1,512}): ([^\n]{1,200})/i,
    source: 'OpenSSH sshd: the account\'s home folder is missing or cannot be entered',
    by: 'sshd',
    code: 'SFTP_HOME_MISSING',
    meaning: 'the home folder set for the account cannot be used, so sessions start in /',
  },
  {
    id: 'git-shell-unrecognized',
    pattern: /fatal: unrecognized command '/i,
    source: 'git-shell, set as the account\'s login shell (a Git-only account)',
    by: 'forced-command',
    code: 'SESSION_FORCED_COMMAND',
    meaning: 'the account runs Git commands only; SFTP is not one of them',
  },
];

export interface KnownMatch {
  entry: KnownText;
  /** The groups the pattern captured (e.g. the user names of the cloud-init text). */
  groups: string[];
}

/** The first known text found in a server text, or null. Bounded: texts are clipped before matching. */
export function matchKnownText(text: string): KnownMatch | null {
  const t = text.slice(0, 8000);
  for (const entry of KNOWN_TEXTS) {
    const m = entry.pattern.exec(t);
    if (m) return { entry, groups: m.slice(1).map((g) => g ?? '') };
  }
  return null;
}
