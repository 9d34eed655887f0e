import type { KeyProblem } from '../../shared/keys';

/**
 * Problem codes the key inspector reports. The first five are diagnosis codes the engine maps
 * (shared/codes.ts); the others are warnings and advice that only the key inspector shows.
 */
export const KEY_ERROR_CODES = ['KEY_IS_PUBLIC', 'KEY_NEEDS_PASSPHRASE', 'KEY_WRONG_PASSPHRASE', 'KEY_UNSUPPORTED_FORMAT', 'KEY_CORRUPT'] as const;
export type KeyErrorCode = (typeof KEY_ERROR_CODES)[number];
export type KeyWarningCode = 'KEY_WEAK' | 'KEY_SSH1' | 'KEY_UNENCRYPTED' | 'KEY_PPK3_OLD_TOOLS' | 'KEY_MANGLED';
export type KeyProblemCode = KeyErrorCode | KeyWarningCode;

/**
 * How bad a problem is: "error" means the key cannot be used as it is, "warning" that servers or
 * tools will likely refuse it, "info" is advice (the key works).
 */
export type KeyProblemSeverity = 'error' | 'warning' | 'info';

export const SEVERITY: Record<KeyProblemCode, KeyProblemSeverity> = {
  KEY_IS_PUBLIC: 'error',
  KEY_NEEDS_PASSPHRASE: 'error',
  KEY_WRONG_PASSPHRASE: 'error',
  KEY_UNSUPPORTED_FORMAT: 'error',
  KEY_CORRUPT: 'error',
  KEY_WEAK: 'warning',
  KEY_SSH1: 'warning',
  KEY_UNENCRYPTED: 'info',
  KEY_PPK3_OLD_TOOLS: 'info',
  KEY_MANGLED: 'info',
};

/**
 * A key that cannot be read or used. `reason` narrows the code (e.g. "truncated", "bad-mac",
 * "bad-base64", "empty", "too-large", "binary") for tests and the UI; the message says it in words.
 */
export class KeyError extends Error {
  override readonly name = 'KeyError';
  constructor(
    readonly code: KeyErrorCode,
    message: string,
    readonly fix: string,
    readonly reason?: string,
  ) {
    super(message);
  }

  toProblem(): KeyProblem {
    return problem(this.code, this.message, this.fix, this.reason);
  }
}

export function problem(code: KeyProblemCode, message: string, fix: string, reason?: string): KeyProblem {
  const p: KeyProblem = { code, message, fix, severity: SEVERITY[code] };
  if (reason) p.reason = reason;
  return p;
}

export function isKeyError(err: unknown): err is KeyError {
  return err instanceof KeyError;
}

// Texts used from more than one codec.

export const FIX_GET_FRESH_COPY = 'Copy the key file again from where it came from (as a file, not pasted into an e-mail or chat), or create a new key pair.';

export function corrupt(message: string, reason: string, fix = FIX_GET_FRESH_COPY): KeyError {
  return new KeyError('KEY_CORRUPT', message, fix, reason);
}

export function truncated(what: string): KeyError {
  return corrupt(`The ${what} ends too early: part of the file is missing (it was probably cut off while copying).`, 'truncated');
}

export function needsPassphrase(what: string): KeyError {
  return new KeyError('KEY_NEEDS_PASSPHRASE', `This ${what} is protected by a passphrase.`, 'Enter the passphrase you chose when the key was created.', 'encrypted');
}

export function wrongPassphrase(what: string, check: string): KeyError {
  return new KeyError(
    'KEY_WRONG_PASSPHRASE',
    `The passphrase does not open this ${what} (${check}): either the passphrase is wrong, or the file was changed or damaged after it was saved; this format cannot tell which.`,
    'Type the passphrase again, watching Caps Lock and the keyboard layout. If you are sure of it, copy the key file again from where it came from. If you have forgotten the passphrase, the key cannot be recovered: create a new key pair.',
    'wrong-passphrase',
  );
}

export function unsupported(message: string, fix: string, reason = 'unsupported'): KeyError {
  return new KeyError('KEY_UNSUPPORTED_FORMAT', message, fix, reason);
}
