import { describe, expect, it } from 'vitest';
import type { BridgeClientMessage } from '../../shared/bridge';
import type { BridgeInvoke } from '../../shared/bridge';
import { createBridgeClient, SERVICE_STOPPED, TOKEN_REFUSED, type SocketLike } from './bridge-client';

const TOKEN = 'tok-0123456789abcdef';

/** An in-memory socket: records what the client sends and lets the test play the server. */
function fakeSocket(open = false) {
  const all: BridgeClientMessage[] = [];
  const sent: BridgeInvoke[] = [];
  const socket: SocketLike = {
    readyState: open ? 1 : 0,
    send: (data: string) => {
      const msg = JSON.parse(data) as BridgeClientMessage;
      all.push(msg);
      if (msg.type === 'invoke') sent.push(msg);
    },
    close: () => undefined,
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  return {
    socket,
    sent,
    all,
    open: () => socket.onopen?.(new Event('open')),
    serverSends: (msg: unknown) => socket.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent),
    close: (code = 1006) => socket.onclose?.({ code } as CloseEvent),
  };
}

describe('bridge client', () => {
  it('queues calls until the socket opens, then matches results by id', async () => {
    const s = fakeSocket();
    const client = createBridgeClient(s.socket, TOKEN);
    const info = client.api.invoke('app:info');
    const list = client.api.invoke('sites:list');
    expect(s.sent).toHaveLength(0);
    s.open();
    expect(client.state()).toBe('open');
    // The token goes first, in a message of its own; then the queued calls in order.
    expect(s.all[0]).toEqual({ type: 'hello', token: TOKEN });
    expect(s.sent.map((m) => m.channel)).toEqual(['app:info', 'sites:list']);
    const [a, b] = s.sent;
    // Answers may come back in any order.
    s.serverSends({ type: 'result', id: b!.id, ok: true, result: [] });
    s.serverSends({ type: 'result', id: a!.id, ok: true, result: { name: 'SFTP Doctor', version: '1.2.3' } });
    await expect(list).resolves.toEqual([]);
    await expect(info).resolves.toMatchObject({ version: '1.2.3' });
  });

  it('turns an error result into a rejected call with the service message', async () => {
    const s = fakeSocket(true);
    const client = createBridgeClient(s.socket, TOKEN);
    const call = client.api.invoke('sites:delete', 'nope');
    s.serverSends({ type: 'result', id: s.sent[0]!.id, ok: false, error: { code: 'INVALID_ARGUMENT', message: 'No such site.' } });
    await expect(call).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: 'No such site.' });
  });

  it('delivers events to listeners of that channel until they unsubscribe', () => {
    const s = fakeSocket(true);
    const client = createBridgeClient(s.socket, TOKEN);
    const got: string[] = [];
    const off = client.api.on('run:event', (ev) => got.push(ev.type));
    client.api.on('run:prompt', () => got.push('prompt'));
    s.serverSends({ type: 'event', channel: 'run:event', payload: { type: 'log', runId: 'r', ms: 1, source: 'engine', text: 'x' } });
    s.serverSends({ type: 'event', channel: 'unknown:thing', payload: {} });
    s.serverSends('not json at all');
    off();
    s.serverSends({ type: 'event', channel: 'run:event', payload: { type: 'log', runId: 'r', ms: 2, source: 'engine', text: 'y' } });
    expect(got).toEqual(['log']);
  });

  it('fails pending and later calls with the "service stopped" message once the socket closes', async () => {
    const s = fakeSocket(true);
    const client = createBridgeClient(s.socket, TOKEN);
    const states: string[] = [];
    client.onState((st) => states.push(st));
    const pending = client.api.invoke('app:info');
    s.close();
    await expect(pending).rejects.toThrow(SERVICE_STOPPED);
    await expect(client.api.invoke('sites:list')).rejects.toThrow(SERVICE_STOPPED);
    expect(states).toEqual(['closed']);
    expect(client.state()).toBe('closed');
  });

  it('says the access key was refused when the host closes with the refusal code', async () => {
    const s = fakeSocket(true);
    const client = createBridgeClient(s.socket, TOKEN);
    expect(s.all[0]).toEqual({ type: 'hello', token: TOKEN });
    const pending = client.api.invoke('app:info');
    s.close(4401);
    await expect(pending).rejects.toThrow(TOKEN_REFUSED);
    expect(client.state()).toBe('refused');
  });
});
