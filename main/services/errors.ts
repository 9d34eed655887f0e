import type { ApiErrorShape } from '../../shared/api';

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
