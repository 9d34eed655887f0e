import type { ApiErrorShape } from '../../shared/api';
import { FileWriteError } from '../store/atomic-file';
import { SiteStoreError } from '../store/sites';

/** An error meant for the user: a code and one sentence that crosses the bridge as is. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
  ) {
    super(message);
  }
  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown by a handler into what may cross the bridge: a code and a user-facing sentence. */
export function toApiError(err: unknown): ApiErrorShape {
  if (err instanceof ApiError) return err.toShape();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'FAILED', message };
}

/** A refusal of the services or the site store (an invalid field, a password that cannot be stored...): one sentence for the user. */
export function isRefusal(err: unknown): err is ApiError | SiteStoreError {
  return err instanceof ApiError || err instanceof SiteStoreError;
}

/**
 * A refusal meant for the user as it is (a file that could not be written, the site store
 * refusing, an invalid argument): its sentence, or null for anything else (a fault of ours).
 */
export function userFacingMessage(err: unknown): string | null {
  if (err instanceof FileWriteError || isRefusal(err)) return err.message;
  return null;
}
