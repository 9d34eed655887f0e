import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PATH, CLOSE_TOKEN_REFUSED } from '../../shared/bridge';
import { createServices } from '../services/handlers';
import { BROWSER_KEY_PATH_REFUSED } from '../services/browser-paths';
import { noVault } from '../store/password-vault';
import { startUiHost, type UiHost } from './server';

let host: UiHost;
let dataDir: string;
let keyFile: string;
const SECRET_FILE_TEXT = 'top secret outside the web folder';

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'uihost-'));
  const staticDir = path.join(dataDir, 'www');
  await mkdir(staticDir);
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>SFTP Doctor</title>');
  await writeFile(path.join(dataDir, 'secret.txt'), SECRET_FILE_TEXT);
  await symlink(path.join(dataDir, 'secret.txt'), path.join(staticDir, 'leak.txt'));
  await symlink(dataDir, path.join(staticDir, 'up'));
  keyFile = path.join(dataDir, 'id_test');
  await writeFile(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const services = createServices({
    host: 'browser',
    dataDir,
    vault: noVault('not in tests'),
    diagnose: () => Promise.reject(new Error('not used by these tests')),
  });
  host = await startUiHost({ services, staticDir, limits: { highWaterBytes: 64 * 1024, maxInFlight: 8, helloTimeoutMs: 2000 } });
});
afterAll(() => host?.close());

function get(pathAndQuery: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: host.port, path: pathAndQuery, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

const own = () => `http://127.0.0.1:${host.port}`;

/** Opens the bridge and resolves with the upgrade outcome: the socket or the HTTP status of the refusal. */
function openBridge(query: string, origin: string | undefined): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

/** A socket that has said hello with the right token. */
async function session(): Promise<WebSocket> {
  const ws = (await openBridge('', own())) as WebSocket;
  ws.send(JSON.stringify({ type: 'hello', token: host.token }));
  return ws;
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** Sends one raw frame and waits for the next reply. */
function ask(ws: WebSocket, frame: string | Buffer): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send(frame);
  });
}

describe('sftp-doctor ui host', () => {
  it('listens on loopback only and prints a URL with the token in its #fragment', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[A-Za-z0-9_-]{32}$`));
  });

  it('serves the page without setting any cookie (a 127.0.0.1 cookie would reach every other port)', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('SFTP Doctor');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // A token in the query no longer does anything: it is neither needed nor turned into a cookie.
    expect((await get(`/?token=${host.token}`)).headers['set-cookie']).toBeUndefined();
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await get('/', { Host: `evil.example:${host.port}` });
    expect(res.status).toBe(403);
  });

  it('does not serve files outside its folder, through ../ or through a symlink', async () => {
    expect((await get('/..%2f..%2fetc%2fpasswd')).status).toBe(404);
    const viaLink = await get('/leak.txt');
    expect(viaLink.status).toBe(404);
    expect(viaLink.body).not.toContain(SECRET_FILE_TEXT);
    expect((await get('/up/secret.txt')).status).toBe(404);
  });

  it('hands the token over once through a one-time link, then refuses that link', async () => {
    const link = new URL(host.oneTimeUrl());
    expect(link.href).not.toContain(host.token);
    const first = await get(link.pathname);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/#token=${host.token}`);
    expect(first.headers['set-cookie']).toBeUndefined();
    const again = await get(link.pathname);
    expect(again.status).toBe(410);
    expect(again.body).not.toContain(host.token);
    expect((await get('/open/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(410);
  });

  it('refuses a WebSocket from a foreign or missing Origin', async () => {
    expect(await openBridge('', 'http://evil.example')).toBe(403);
    expect(await openBridge('', `http://127.0.0.1:${host.port + 1}`)).toBe(403);
    expect(await openBridge('', undefined)).toBe(403);
  });

  it('closes a socket whose first message is not the right token, without answering anything', async () => {
    for (const first of [JSON.stringify({ type: 'invoke', id: 1, channel: 'app:info', args: [] }), JSON.stringify({ type: 'hello', token: 'wrong' }), 'null', '{']) {
      const ws = (await openBridge(`?token=${host.token}`, own())) as WebSocket;
      const replies: string[] = [];
      ws.on('message', (d) => replies.push(d.toString()));
      const code = closeCode(ws);
      ws.send(first);
      expect(await code).toBe(CLOSE_TOKEN_REFUSED);
      expect(replies).toEqual([]);
    }
    // Saying nothing at all is refused too, once the hello time is up.
    const silent = (await openBridge('', own())) as WebSocket;
    expect(await closeCode(silent)).toBe(CLOSE_TOKEN_REFUSED);
  });

  it('answers the API after the hello', async () => {
    const ws = await session();
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 1, channel: 'app:info', args: [] }))).toMatchObject({
      type: 'result',
      id: 1,
      ok: true,
      result: { name: 'SFTP Doctor', host: 'browser' },
    });
    ws.close();
  });

  it('answers every frame shape with an error, never a crash', async () => {
    const ws = await session();
    const frames: (string | Buffer)[] = [
      'null',
      '42',
      '"text"',
      'true',
      '[]',
      '[1,2,3]',
      '{}',
      '{',
      '',
      '\u0000',
      JSON.stringify({ type: 'invoke', id: 1e300, channel: 'app:info', args: [] }),
      JSON.stringify({ type: 'invoke', id: -1, channel: 'app:info', args: [] }),
      JSON.stringify({ type: 'invoke', id: 2 ** 53, channel: 'app:info', args: [] }),
      JSON.stringify({ type: 'invoke', id: 1.5, channel: 'app:info', args: [] }),
      JSON.stringify({ type: 'invoke', id: '7', channel: 'app:info', args: [] }),
      JSON.stringify({ type: 'invoke', id: null, channel: 'app:info', args: [] }),
      JSON.stringify({ type: 'invoke', id: 8, channel: 7, args: [] }),
      JSON.stringify({ type: 'invoke', id: 9, channel: 'app:info', args: null }),
      JSON.stringify({ type: 'invoke', id: 10, channel: 'app:info', args: { 0: 1 } }),
      JSON.stringify({ type: 'invoke', id: 11, channel: 'x'.repeat(100_000), args: [] }),
      JSON.stringify({ type: 'invoke', id: 12, channel: '__proto__', args: [] }),
      JSON.stringify({ type: 'invoke', id: 13, channel: 'constructor', args: [] }),
      JSON.stringify({ type: 'invoke', id: 14, channel: 'keys:inspect', args: [null] }),
      JSON.stringify({ type: 'invoke', id: 15, channel: 'diagnose:start', args: [[[[[[[[]]]]]]]] }),
      JSON.stringify({ __proto__: { type: 'invoke' }, id: 16 }),
      Buffer.from([0, 1, 2, 3]),
    ];
    for (const frame of frames) {
      const reply = await ask(ws, frame);
      expect(reply.type === 'error' || (reply.type === 'result' && reply.ok === false), `reply to ${String(frame).slice(0, 60)}`).toBe(true);
      expect(JSON.stringify(reply)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack trace
    }
    // Still alive and answering.
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 99, channel: 'app:info', args: [] }))).toMatchObject({ id: 99, ok: true });
    ws.close();
  });

  it('validates every argument: a bad request gets a clear error that does not echo secrets', async () => {
    const ws = await session();
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 2, channel: 'diagnose:start', args: [{ host: 42 }] }))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 3, channel: 'fs:read', args: ['/etc/passwd'] }))).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const secretLeak = (await ask(ws, JSON.stringify({ type: 'invoke', id: 4, channel: 'diagnose:start', args: [{ protocol: 'sftp', host: 'h', user: 'u', password: 'hunter2', extra: 1 }] }))) as {
      error: { message: string };
    };
    expect(secretLeak.error.message).not.toContain('hunter2');
    ws.close();
  });

  it('never reads or converts a key by path: only bytes the page sends', async () => {
    const ws = await session();
    const convert = (await ask(ws, JSON.stringify({ type: 'invoke', id: 5, channel: 'keys:convert', args: [{ path: keyFile }, 'openssh', {}] }))) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(convert).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: BROWSER_KEY_PATH_REFUSED } });
    expect(JSON.stringify(convert)).not.toContain('PRIVATE KEY');
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 6, channel: 'keys:inspect', args: [{ path: keyFile }] }))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // The same key as bytes the user picked works.
    const text = (await import('node:fs/promises')).readFile(keyFile, 'utf8');
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 7, channel: 'keys:inspect', args: [{ name: 'id_test', text: await text }] }))).toMatchObject({ ok: true, result: { type: 'ssh-ed25519' } });
    ws.close();
  });

  it('stops reading a client that does not read its replies, so its queue stays bounded', async () => {
    const ws = await session();
    const raw = (ws as unknown as { _socket: net.Socket })._socket;
    raw.pause(); // this client reads nothing from now on
    const received: number[] = [];
    ws.on('message', () => received.push(1));
    const N = 30_000;
    const frame = (id: number) => JSON.stringify({ type: 'invoke', id, channel: 'app:info', args: [] });
    for (let id = 1; id <= N; id++) ws.send(frame(id));
    // Without backpressure the host queues every reply (N x ~300 bytes); with it, it stops reading.
    for (let i = 0; i < 600 && host.stats().pausedClients === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(host.stats().pausedClients).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const peak = host.stats().peakQueuedBytes;
    expect(peak).toBeLessThan(1024 * 1024);
    // Once the client reads again, every request gets its answer.
    raw.resume();
    for (let i = 0; i < 1800 && received.length < N; i++) await new Promise((r) => setTimeout(r, 50));
    expect(received.length).toBe(N);
    ws.close();
  }, 180_000);
});
