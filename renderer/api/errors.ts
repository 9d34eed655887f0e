import type { ApiErrorShape } from '../../shared/api';

/** An error from the API, carrying only a code and a message meant for the user. */
export class ApiError extends Error {
  readonly code: ApiErrorShape['code'];
  constructor(code: ApiErrorShape['code'], message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

const ELECTRON_PREFIX = /^Error invoking remote method '[^']*':\s*(?:[A-Za-z]*Error:\s*)?/;

/** A message to show for anything thrown by an API call (never a stack trace). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const text = err.message.replace(ELECTRON_PREFIX, '').trim();
    return text || 'Something went wrong in the SFTP Doctor service. Try again, and restart the app if it keeps happening.';
  }
  if (typeof err === 'string' && err.trim()) return err.trim();
  return 'Something went wrong in the SFTP Doctor service. Try again, and restart the app if it keeps happening.';
}
