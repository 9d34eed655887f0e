/**
 * An in-process SftpDoctorApi for store tests: answers calls with handlers the test provides and
 * lets the test emit engine events. It stands in for the transport only; the rules under test
 * are the stores' own.
 */
import type { ApiEvents, ApiRequests, EventChannel, RequestChannel, SftpDoctorApi } from '../../shared/api';

type Handlers = { [K in RequestChannel]?: (...args: ApiRequests[K]['args']) => ApiRequests[K]['result'] | Promise<ApiRequests[K]['result']> };

export function testApi(handlers: Handlers) {
  const calls: { channel: RequestChannel; args: unknown[] }[] = [];
  const listeners = new Map<EventChannel, Set<(p: never) => void>>();
  const api: SftpDoctorApi = {
    async invoke<K extends RequestChannel>(channel: K, ...args: ApiRequests[K]['args']): Promise<ApiRequests[K]['result']> {
      calls.push({ channel, args });
      const h = handlers[channel] as ((...a: ApiRequests[K]['args']) => ApiRequests[K]['result']) | undefined;
      if (!h) throw new Error(`no handler for ${channel}`);
      return h(...args);
    },
    on<K extends EventChannel>(channel: K, listener: (payload: ApiEvents[K]) => void) {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener as (p: never) => void);
      return () => void set.delete(listener as (p: never) => void);
    },
  };
  const emit = <K extends EventChannel>(channel: K, payload: ApiEvents[K]) => {
    for (const l of listeners.get(channel) ?? []) (l as (p: ApiEvents[K]) => void)(payload);
  };
  return { api, calls, emit };
}
