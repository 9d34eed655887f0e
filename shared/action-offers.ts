/**
 * Which actions each diagnosis code may suggest, beside shared/fix-offers.ts for fixes: the rules'
 * verdicts are held to it (an action a code does not list here is dropped), and the invariant test
 * (main/repair/fix-invariant.test.ts) walks every (code, action) pair: the CLI's text and JSON and
 * the window's result card show each one. A new code must be listed (the Record insists); a new
 * action a rule suggests must be listed under its code.
 */
import { ADMIN_TOPICS, type Action, type AdminTopic, type EnterField } from './actions';
import type { DiagnosisCode } from './codes';

/** One action, as a key: its kind and what it is about. */
export type ActionKey = `ask-admin:${AdminTopic}` | `enter:${EnterField}` | 'other-program:FTP';

export function actionKey(a: Action): ActionKey {
  if (a.type === 'ask-admin') return `ask-admin:${a.topic}`;
  if (a.type === 'enter') return `enter:${a.field}`;
  return `other-program:${a.protocol}`;
}

const ask = (...topics: AdminTopic[]): ActionKey[] => topics.map((t): ActionKey => `ask-admin:${t}`);

/** What the server's own codes ask the administrator about; a failed jump host passes its own on. */
const OFFERED: Record<Exclude<DiagnosisCode, 'JUMP_HOST_FAILED'>, readonly ActionKey[]> = {
  OK: [],
  OK_TRANSPORT: [],
  OK_READ_ONLY: [],
  INPUT_HOST_FIELD: [],
  INPUT_WHITESPACE: [],
  INPUT_PORT_INVALID: [],
  INPUT_HOST_EMPTY: [],
  INPUT_PASSWORD_CHARACTERS: [],
  DNS_NOT_FOUND: [],
  DNS_FAILED: [],
  TCP_REFUSED: [],
  TCP_TIMEOUT: [],
  TCP_UNREACHABLE: [],
  TCP_RESET: [],
  BANNER_CLOSED: [],
  BANNER_RESET: [],
  BANNER_TIMEOUT: [],
  PROTOCOL_FTP: ['other-program:FTP'],
  PROTOCOL_NOT_SSH: [],
  SSH1_ONLY: ask('ssh2'),
  KEX_NO_COMMON_ALGORITHM: ask('algorithms'),
  KEX_FAILED: [],
  HOSTKEY_UNKNOWN: [],
  HOSTKEY_CHANGED: ask('hostkey'),
  KEY_IS_PUBLIC: ['enter:privateKey'],
  KEY_NEEDS_PASSPHRASE: ['enter:passphrase'],
  KEY_WRONG_PASSPHRASE: ['enter:passphrase'],
  KEY_UNSUPPORTED_FORMAT: [],
  KEY_CORRUPT: ['enter:privateKey'],
  KEY_NOT_FOUND: ['enter:privateKey'],
  AUTH_PASSWORD_REJECTED: ['enter:password'],
  AUTH_ROOT_DENIED: ask('root-login'),
  AUTH_PASSWORD_NOT_ALLOWED: ['enter:privateKey'],
  AUTH_KEY_REJECTED: ask('authorized-keys'),
  AUTH_KEY_ALGORITHM_REJECTED: [],
  AUTH_TOO_MANY_FAILURES: [...ask('max-auth-tries'), 'enter:privateKey'],
  AUTH_PASSWORD_EXPIRED: [],
  AUTH_PARTIAL: ['enter:password', 'enter:privateKey'],
  AUTH_NO_SUPPORTED_METHOD: ask('auth-methods'),
  AUTH_NO_CREDENTIALS: ['enter:password', 'enter:privateKey'],
  AUTH_ACCOUNT_EXPIRED: ask('account'),
  AUTH_ACCOUNT_LOCKED: ask('account'),
  AUTH_ACCOUNT_REFUSED: ask('account'),
  AUTH_METHOD_NOT_IN_SITE: [],
  AUTH_KEY_SIGNATURE_ALGORITHM: [],
  PROXY_UNREACHABLE: [],
  PROXY_AUTH_FAILED: [],
  PROXY_DENIED_TARGET: ask('proxy'),
  JUMP_FORWARDING_DENIED: ask('forwarding'),
  SFTP_SUBSYSTEM_UNAVAILABLE: ask('sftp'),
  SFTP_LOGIN_SCRIPT_OUTPUT: ask('login-script'),
  SESSION_CLOSED_AFTER_AUTH: ask('session', 'scp'),
  SFTP_PERMISSION_DENIED: ask('folder-access'),
  SESSION_WRONG_USER: ask('session'),
  SESSION_FORCED_COMMAND: ask('session'),
  SESSION_SFTP_ONLY: ask('scp'),
  SFTP_HOME_MISSING: ask('home'),
  SFTP_WRITE_DENIED: ask('folder-access'),
  SFTP_DISK_FULL: ask('general'),
  SFTP_WRITE_FAILED: ask('general'),
  SESSION_DROPPED_IDLE: ask('general'),
  CANCELLED: [],
  INTERNAL_ERROR: [],
};

/** A failed jump host: the administrator messages its own diagnosis asked for (never a field of this form). */
const HOP_ACTIONS: readonly ActionKey[] = ADMIN_TOPICS.map((t): ActionKey => `ask-admin:${t}`).filter((k) => Object.values(OFFERED).some((list) => list.includes(k)));

export const ACTIONS_BY_CODE: Record<DiagnosisCode, readonly ActionKey[]> = { ...OFFERED, JUMP_HOST_FAILED: HOP_ACTIONS };

/** Whether the code may suggest this action. */
export function codeSuggests(code: DiagnosisCode, action: Action): boolean {
  return ACTIONS_BY_CODE[code].includes(actionKey(action));
}
