/**
 * The single list of phases and diagnosis codes, shared by the engine, the CLI and the UI.
 * Adding a code here forces (at compile time) its texts in shared/texts/en.ts (TEXTS, ADMIN_ASKS).
 */

export const PHASES = ['input', 'dns', 'tcp', 'banner', 'kex', 'hostkey', 'auth', 'sftp', 'write', 'hold', 'speed'] as const;
export type Phase = (typeof PHASES)[number];

export const PHASE_LABELS: Record<Phase, string> = {
  input: 'Check the form',
  dns: 'Find the server (DNS)',
  tcp: 'Open a network connection',
  banner: 'Greet the SSH server',
  kex: 'Agree on encryption',
  hostkey: 'Verify the server identity',
  auth: 'Log in',
  sftp: 'Open the SFTP session',
  write: 'Write a test file',
  hold: 'Stay connected',
  speed: 'Measure transfer speed',
};

export const PHASE_STATUSES = ['pending', 'running', 'ok', 'warn', 'fail', 'skipped'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

/** Every code the engine can end a run with, grouped by the phase that normally produces it. */
export const DIAGNOSIS_CODES = [
  // success
  'OK',
  'OK_TRANSPORT',
  'OK_READ_ONLY',
  // input
  'INPUT_HOST_FIELD',
  'INPUT_WHITESPACE',
  'INPUT_PORT_INVALID',
  'INPUT_HOST_EMPTY',
  'INPUT_PASSWORD_CHARACTERS',
  // dns
  'DNS_NOT_FOUND',
  'DNS_FAILED',
  // tcp
  'TCP_REFUSED',
  'TCP_TIMEOUT',
  'TCP_UNREACHABLE',
  'TCP_RESET',
  // banner
  'BANNER_CLOSED',
  'BANNER_RESET',
  'BANNER_TIMEOUT',
  'PROTOCOL_FTP',
  'PROTOCOL_NOT_SSH',
  'SSH1_ONLY',
  // kex
  'KEX_NO_COMMON_ALGORITHM',
  'KEX_FAILED',
  // hostkey
  'HOSTKEY_UNKNOWN',
  'HOSTKEY_CHANGED',
  // keys (checked before the network is used)
  'KEY_IS_PUBLIC',
  'KEY_NEEDS_PASSPHRASE',
  'KEY_WRONG_PASSPHRASE',
  'KEY_UNSUPPORTED_FORMAT',
  'KEY_CORRUPT',
  'KEY_NOT_FOUND',
  // auth
  'AUTH_PASSWORD_REJECTED',
  'AUTH_ROOT_DENIED',
  'AUTH_PASSWORD_NOT_ALLOWED',
  'AUTH_KEY_REJECTED',
  'AUTH_KEY_ALGORITHM_REJECTED',
  'AUTH_TOO_MANY_FAILURES',
  'AUTH_PASSWORD_EXPIRED',
  'AUTH_PARTIAL',
  'AUTH_NO_SUPPORTED_METHOD',
  'AUTH_NO_CREDENTIALS',
  'AUTH_ACCOUNT_EXPIRED',
  'AUTH_ACCOUNT_LOCKED',
  'AUTH_ACCOUNT_REFUSED',
  'AUTH_METHOD_NOT_IN_SITE',
  'AUTH_KEY_SIGNATURE_ALGORITHM',
  // the path: a proxy and jump hosts before the target
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_FAILED',
  'PROXY_DENIED_TARGET',
  'JUMP_HOST_FAILED',
  'JUMP_FORWARDING_DENIED',
  // sftp session
  'SFTP_SUBSYSTEM_UNAVAILABLE',
  'SFTP_LOGIN_SCRIPT_OUTPUT',
  'SESSION_CLOSED_AFTER_AUTH',
  'SFTP_PERMISSION_DENIED',
  'SESSION_WRONG_USER',
  'SESSION_FORCED_COMMAND',
  'SESSION_SFTP_ONLY',
  'SFTP_HOME_MISSING',
  // write test and hold (after the listing)
  'SFTP_WRITE_DENIED',
  'SFTP_DISK_FULL',
  'SFTP_WRITE_FAILED',
  'SESSION_DROPPED_IDLE',
  // the run itself
  'CANCELLED',
  'INTERNAL_ERROR',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

export function isDiagnosisCode(value: string): value is DiagnosisCode {
  return (DIAGNOSIS_CODES as readonly string[]).includes(value);
}

/**
 * Warnings a successful result can carry: something that works here but will fail elsewhere. Each
 * has its texts in shared/texts/en.ts (WARNING_TEXTS) and may name the fix that removes it.
 */
export const WARNING_CODES = [
  // The key file logged in here, but OpenSSH's ssh cannot read its format (PPK, ssh.com, SSH-1...).
  'KEY_OPENSSH_CANNOT_READ',
  // The key file's text was altered (CRLF line ends, a BOM...): we read it, OpenSSH or PuTTY refuse it.
  'KEY_TEXT_DAMAGED',
  // The key file may be read by the group or others: OpenSSH ignores such a key.
  'KEY_FILE_TOO_OPEN',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** Codes that mean the connection worked (as far as the engine was asked to go). */
export const SUCCESS_CODES: readonly DiagnosisCode[] = ['OK', 'OK_TRANSPORT', 'OK_READ_ONLY'];
