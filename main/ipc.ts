/**
 * Electron IPC wiring: every request channel of the typed API goes to the shared handler table,
 * after checking that it came from our own window's top frame. Arguments are validated there.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { REQUEST_CHANNELS, STORED_RESULT_CHANNELS } from '../shared/api';
import { visibleDeep } from '../shared/visible';
import type { RunClient } from './services/runs';
import { toApiError } from './services/errors';
import type { Services } from './services/handlers';

/** What crosses back to the preload: a result, or an error as data (Electron would mangle a thrown one). */
export type IpcEnvelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

export function registerIpc(services: Services, isTrustedUrl: (url: string) => boolean): void {
  const clients = new WeakMap<WebContents, RunClient>();
  const clientFor = (contents: WebContents): RunClient => {
    let client = clients.get(contents);
    if (!client) {
      const c: RunClient = {
        // Text from servers and files reaches the window with its control characters made visible.
        sendEvent: (payload) => !contents.isDestroyed() && contents.send('run:event', visibleDeep(payload)),
        sendPrompt: (payload) => !contents.isDestroyed() && contents.send('run:prompt', visibleDeep(payload)),
        sendCheck: (payload) => !contents.isDestroyed() && contents.send('check:event', visibleDeep(payload)),
      };
      contents.once('destroyed', () => services.dropClient(c));
      clients.set(contents, c);
      client = c;
    }
    return client;
  };

  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<IpcEnvelope> => {
      const frame = event.senderFrame;
      if (!frame || frame !== event.sender.mainFrame || !isTrustedUrl(frame.url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Request refused: it did not come from the SFTP Doctor window.' } };
      }
      try {
        const result = await services.dispatch(channel, args, { client: clientFor(event.sender) });
        // Saved sites go as stored (the window shows them made visible and saves them back unchanged).
        return { ok: true, result: STORED_RESULT_CHANNELS.includes(channel) ? result : visibleDeep(result) };
      } catch (err) {
        return { ok: false, error: toApiError(err) };
      }
    });
  }
}
