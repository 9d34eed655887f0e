/**
 * Which fixes each diagnosis code may offer: the contract between the rules (main/diagnose/rules),
 * the repair dispatcher (main/repair) and the window. The rules' verdicts are held to it (a fix a
 * code does not list here is not offered), and the invariant test (main/repair/fix-invariant.test.ts)
 * walks it: every fix listed is in the catalog, is carried out by `repair --fix ID` and by the
 * window, and is followed by a re-check. A new code must be listed (the Record insists); a new fix
 * a rule offers must be listed under its code, and then needs its handlers to pass the test.
 * Messages for the administrator and "type the password" are actions (shared/actions.ts), not here.
 */
import type { DiagnosisCode } from './codes';
import type { FixId } from './fixes';

/** A closed port or a dead service where another port answered SSH: that port. */
const OTHER_PORT: readonly FixId[] = ['use-port'];

export const FIXES_BY_CODE: Record<DiagnosisCode, readonly FixId[]> = {
  // A key file that logged in but will fail in OpenSSH or PuTTY (a warning on the result).
  OK: ['rewrite-key-file'],
  OK_TRANSPORT: [],
  OK_READ_ONLY: ['rewrite-key-file'],
  INPUT_HOST_FIELD: ['split-host-field'],
  INPUT_WHITESPACE: ['trim-whitespace'],
  INPUT_PORT_INVALID: ['use-port'],
  INPUT_HOST_EMPTY: [],
  INPUT_PASSWORD_CHARACTERS: ['fix-pasted-password'],
  DNS_NOT_FOUND: ['use-dns-suggestion'],
  DNS_FAILED: [],
  TCP_REFUSED: OTHER_PORT,
  TCP_TIMEOUT: OTHER_PORT,
  TCP_UNREACHABLE: OTHER_PORT,
  TCP_RESET: OTHER_PORT,
  BANNER_CLOSED: OTHER_PORT,
  BANNER_RESET: OTHER_PORT,
  BANNER_TIMEOUT: OTHER_PORT,
  PROTOCOL_FTP: OTHER_PORT,
  PROTOCOL_NOT_SSH: OTHER_PORT,
  SSH1_ONLY: [],
  KEX_NO_COMMON_ALGORITHM: ['allow-legacy-algorithms'],
  KEX_FAILED: [],
  HOSTKEY_UNKNOWN: ['trust-host-key', 'connect-once'],
  HOSTKEY_CHANGED: ['replace-host-key'],
  KEY_IS_PUBLIC: ['choose-private-key'],
  KEY_NEEDS_PASSPHRASE: [],
  KEY_WRONG_PASSPHRASE: [],
  KEY_UNSUPPORTED_FORMAT: ['convert-key', 'generate-ed25519-key'],
  KEY_CORRUPT: ['generate-ed25519-key'],
  KEY_NOT_FOUND: [],
  AUTH_PASSWORD_REJECTED: [],
  AUTH_ROOT_DENIED: [],
  AUTH_PASSWORD_NOT_ALLOWED: ['generate-ed25519-key'],
  AUTH_KEY_REJECTED: ['fix-authorized-keys-permissions', 'install-public-key'],
  AUTH_KEY_ALGORITHM_REJECTED: ['generate-ed25519-key'],
  AUTH_TOO_MANY_FAILURES: ['identities-only'],
  AUTH_PASSWORD_EXPIRED: ['change-expired-password'],
  AUTH_PARTIAL: ['use-auth-methods'],
  AUTH_NO_SUPPORTED_METHOD: [],
  AUTH_NO_CREDENTIALS: [],
  AUTH_ACCOUNT_EXPIRED: [],
  AUTH_ACCOUNT_LOCKED: [],
  AUTH_ACCOUNT_REFUSED: [],
  AUTH_METHOD_NOT_IN_SITE: ['use-auth-methods'],
  AUTH_KEY_SIGNATURE_ALGORITHM: ['use-rsa-signature'],
  PROXY_UNREACHABLE: [],
  PROXY_AUTH_FAILED: [],
  PROXY_DENIED_TARGET: [],
  // A jump host's own fixes that can be carried out for it (they name it or apply to every hop).
  JUMP_HOST_FAILED: ['trust-host-key', 'replace-host-key', 'allow-legacy-algorithms', 'identities-only'],
  JUMP_FORWARDING_DENIED: [],
  SFTP_SUBSYSTEM_UNAVAILABLE: ['use-scp'],
  SFTP_LOGIN_SCRIPT_OUTPUT: ['silence-login-script'],
  // Exit status 127: the SFTP server program is missing, and SCP works.
  SESSION_CLOSED_AFTER_AUTH: ['use-scp'],
  SFTP_PERMISSION_DENIED: [],
  SESSION_WRONG_USER: ['use-user'],
  SESSION_FORCED_COMMAND: [],
  SESSION_SFTP_ONLY: ['use-sftp'],
  SFTP_HOME_MISSING: [],
  SFTP_WRITE_DENIED: ['use-remote-folder'],
  SFTP_DISK_FULL: [],
  SFTP_WRITE_FAILED: [],
  SESSION_DROPPED_IDLE: ['keepalive'],
  CANCELLED: [],
  INTERNAL_ERROR: [],
};

/** Whether the code may offer this fix. */
export function codeOffers(code: DiagnosisCode, id: FixId): boolean {
  return FIXES_BY_CODE[code].includes(id);
}
