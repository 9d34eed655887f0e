/**
 * SftpDoctorApi over the WebSocket bridge of `sftp-doctor ui` (wire format: shared/bridge.ts).
 * One socket, no reconnect: when it closes, every pending call fails and the UI says so.
 */
import type { ApiEvents, ApiRequests, EventChannel, RequestChannel, SftpDoctorApi } from '../../shared/api';
import { CLOSE_TOKEN_REFUSED, type BridgeClientMessage, type BridgeServerMessage } from '../../shared/bridge';
import { EVENT_CHANNELS } from '../../shared/api';
import { ApiError } from './errors';

/** The part of the browser's WebSocket this client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export type BridgeState = 'connecting' | 'open' | 'closed' | 'refused';

export const SERVICE_STOPPED = 'The SFTP Doctor service stopped; restart `sftp-doctor ui` and open the new link it prints.';
export const TOKEN_REFUSED = 'The SFTP Doctor service did not accept this page’s access key (it changes each time `sftp-doctor ui` starts). Open the link it printed last.';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

type AnyListener = (payload: ApiEvents[EventChannel]) => void;

export interface BridgeClient {
  api: SftpDoctorApi;
  state(): BridgeState;
  onState(listener: (state: BridgeState) => void): () => void;
}

const OPEN = 1;

/**
 * `token` goes out as the socket's first message (never in the URL, never a cookie), so no
 * other origin or server log ever sees it.
 */
export function createBridgeClient(socket: SocketLike, token: string): BridgeClient {
  let nextId = 1;
  let state: BridgeState = socket.readyState === OPEN ? 'open' : 'connecting';
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<EventChannel, Set<AnyListener>>();
  const stateListeners = new Set<(s: BridgeState) => void>();

  const setState = (next: BridgeState) => {
    if (state === next || state === 'closed' || state === 'refused') return;
    state = next;
    for (const l of stateListeners) l(next);
  };

  const hello: BridgeClientMessage = { type: 'hello', token };
  socket.onopen = () => {
    socket.send(JSON.stringify(hello));
    setState('open');
    for (const msg of queue.splice(0)) socket.send(msg);
  };
  if (state === 'open') socket.send(JSON.stringify(hello));
  socket.onclose = (ev) => {
    const refused = ev?.code === CLOSE_TOKEN_REFUSED;
    setState(refused ? 'refused' : 'closed');
    queue.length = 0;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(refused ? new ApiError('FORBIDDEN', TOKEN_REFUSED) : new ApiError('FAILED', SERVICE_STOPPED));
    }
  };
  socket.onerror = () => {
    // A close event always follows; it carries the consequences.
  };
  socket.onmessage = (ev) => {
    if (typeof ev.data !== 'string') return;
    let msg: BridgeServerMessage;
    try {
      msg = JSON.parse(ev.data) as BridgeServerMessage;
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'result' && typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new ApiError(msg.error?.code ?? 'FAILED', msg.error?.message ?? 'The service could not do this.'));
    } else if (msg.type === 'event' && (EVENT_CHANNELS as readonly string[]).includes(msg.channel)) {
      const set = listeners.get(msg.channel);
      if (!set) return;
      for (const l of [...set]) {
        try {
          l(msg.payload);
        } catch (err) {
          console.error('SFTP Doctor: an event listener failed', err);
        }
      }
    }
  };

  const api: SftpDoctorApi = {
    invoke<K extends RequestChannel>(channel: K, ...args: ApiRequests[K]['args']): Promise<ApiRequests[K]['result']> {
      if (state === 'closed') return Promise.reject(new ApiError('FAILED', SERVICE_STOPPED));
      if (state === 'refused') return Promise.reject(new ApiError('FORBIDDEN', TOKEN_REFUSED));
      const id = nextId++;
      const message: BridgeClientMessage = { type: 'invoke', id, channel, args };
      const text = JSON.stringify(message);
      return new Promise<ApiRequests[K]['result']>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        if (state === 'open') socket.send(text);
        else queue.push(text);
      });
    },
    on<K extends EventChannel>(channel: K, listener: (payload: ApiEvents[K]) => void): () => void {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      const l = listener as AnyListener;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  };

  return {
    api,
    state: () => state,
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
  };
}
