/**
 * The wire format of the `sftp-doctor ui` WebSocket bridge: the typed API of api.ts, framed as
 * JSON messages. Electron IPC carries the same channels natively.
 *
 * The access token never travels in a URL the server sees or in a cookie (cookies for 127.0.0.1
 * go to every port of it): the page gets it in its address's #fragment, keeps it in
 * sessionStorage (this origin only) and sends it as the socket's first message.
 */
import type { ApiErrorShape, ApiEvents, EventChannel } from './api';

/** Path of the WebSocket endpoint on the UI host. */
export const BRIDGE_PATH = '/api';

/** Name of the #fragment parameter that hands the token to the page. */
export const TOKEN_FRAGMENT = 'token';

/** Close code the host uses when the first message did not carry the right token. */
export const CLOSE_TOKEN_REFUSED = 4401;

/** The client's messages (the hello, then calls): their zod schemas are in schemas/bridge.ts, which the UI host reads every frame with. */
export type { BridgeHello, BridgeInvoke } from './schemas/bridge';
import type { BridgeHello, BridgeInvoke } from './schemas/bridge';

export type BridgeResult = { type: 'result'; id: number; ok: true; result: unknown } | { type: 'result'; id: number; ok: false; error: ApiErrorShape };

/** A frame the host could not take as a request (not JSON, wrong shape, no usable id). */
export interface BridgeProtocolError {
  type: 'error';
  error: ApiErrorShape;
}

export interface BridgeEvent<K extends EventChannel = EventChannel> {
  type: 'event';
  channel: K;
  payload: ApiEvents[K];
}

export type BridgeClientMessage = BridgeHello | BridgeInvoke;
export type BridgeServerMessage = BridgeResult | BridgeEvent | BridgeProtocolError;

/** Reads the token from a page address's fragment (`#token=...`), or null. */
export function tokenFromFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get(TOKEN_FRAGMENT);
  return token && /^[\w-]{16,128}$/.test(token) ? token : null;
}
