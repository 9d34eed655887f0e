/** Defaults every front end and main share, written once. Pure. */

/** The time budget of a run when the user gave none (ms): the window, the CLI, repair's server logins. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A request's time budget: its own when it has a positive one, else the default. */
export function timeoutOf(request: { timeoutMs?: number | undefined }): number {
  return request.timeoutMs && request.timeoutMs > 0 ? request.timeoutMs : DEFAULT_TIMEOUT_MS;
}
