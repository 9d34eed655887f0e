/**
 * Runs in the sandboxed renderer before the page: exposes exactly the typed API of shared/api.ts
 * under window.sftpDoctor, and nothing of Node or Electron.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, EVENT_CHANNELS, REQUEST_CHANNELS, type ApiEvents, type EventChannel, type SftpDoctorApi } from '../shared/api';
import type { IpcEnvelope } from './ipc';

const requestChannels: readonly string[] = REQUEST_CHANNELS;
const eventChannels: readonly string[] = EVENT_CHANNELS;

const api: SftpDoctorApi = {
  async invoke(channel, ...args) {
    if (!requestChannels.includes(channel)) throw new Error(`Unknown request "${String(channel)}".`);
    const envelope = (await ipcRenderer.invoke(channel, ...args)) as IpcEnvelope;
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
    return envelope.result as never;
  },
  on<K extends EventChannel>(channel: K, listener: (payload: ApiEvents[K]) => void) {
    if (!eventChannels.includes(channel)) throw new Error(`Unknown event "${String(channel)}".`);
    // Never hand the IpcRendererEvent (it exposes `sender`) to the page.
    const wrapped = (_event: IpcRendererEvent, payload: ApiEvents[K]) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
