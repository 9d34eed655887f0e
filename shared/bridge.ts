/**
 * The wire format of the `sftp-doctor ui` WebSocket bridge: the typed API of api.ts, framed as
 * JSON messages. Electron IPC carries the same channels natively.
 */
import type { ApiErrorShape, ApiEvents, EventChannel, RequestChannel } from './api';

/** Path of the WebSocket endpoint on the UI host; the page's token goes in the `token` query parameter. */
export const BRIDGE_PATH = '/api';

export interface BridgeInvoke {
  type: 'invoke';
  id: number;
  channel: RequestChannel;
  args: unknown[];
}

export type BridgeResult = { type: 'result'; id: number; ok: true; result: unknown } | { type: 'result'; id: number; ok: false; error: ApiErrorShape };

export interface BridgeEvent<K extends EventChannel = EventChannel> {
  type: 'event';
  channel: K;
  payload: ApiEvents[K];
}

export type BridgeClientMessage = BridgeInvoke;
export type BridgeServerMessage = BridgeResult | BridgeEvent;
