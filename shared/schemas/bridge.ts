/**
 * The client's messages on the `sftp-doctor ui` WebSocket bridge (shared/bridge.ts), as zod
 * schemas: the UI host reads every frame with them, and the TypeScript types are z.infer of them
 * (re-exported type-only by shared/bridge.ts, so the page and the CLI load no zod for them).
 *
 * A request is read in steps, so a bad one gets the specific reply of the step it failed
 * (main/uihost/server.ts): a JSON object at all, then a usable id (the reply must name it), then
 * the request's shape. The channel is any string here; the handler table refuses one it does not
 * have, by name.
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import type { RequestChannel } from '../api';

/** The first message on every socket; nothing else is read before it. Its token is compared by the host in constant time. */
export const BridgeHelloSchema = z.object({ type: z.literal('hello'), token: z.string().max(256) });

/** Any JSON object (not null, not an array): the first step of reading a request. */
export const BridgeFrameSchema = z.custom<Record<string, unknown>>((v) => v !== null && typeof v === 'object' && !Array.isArray(v));

/** A request's id: a whole number from 0 to 2^53-1, sent back with its result. */
export const BridgeIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A call of the API over the socket: the channel's name and its arguments. */
export const BridgeInvokeSchema = z.object({
  type: z.literal('invoke'),
  id: BridgeIdSchema,
  channel: z.custom<RequestChannel>((v) => typeof v === 'string'),
  args: z.array(z.unknown()),
});

export type BridgeHello = z.infer<typeof BridgeHelloSchema>;
export type BridgeInvoke = z.infer<typeof BridgeInvokeSchema>;
