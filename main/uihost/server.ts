/**
 * `sftp-doctor ui`: serves the built renderer on 127.0.0.1 and bridges the typed API over a
 * WebSocket to the same services the Electron window uses. Guarded like Jupyter: a random token
 * in the URL (kept in an HttpOnly cookie afterwards), Host and Origin checks, loopback only.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_CHANNELS } from '../../shared/api';
import { BRIDGE_PATH, type BridgeServerMessage } from '../../shared/bridge';
import type { RunClient } from '../services/runs';
import { toApiError } from '../services/errors';
import type { Services } from '../services/handlers';
import { contentSecurityPolicy, contentType, resolveStatic } from './static-files';

export interface UiHostOptions {
  services: Services;
  /** Folder of the built renderer (index.html + assets). */
  staticDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback address to bind; anything outside 127.0.0.0/8 and ::1 is refused. */
  bindAddress?: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface UiHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'sftp_doctor_token';
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export function isLoopbackAddress(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1';
}

export async function startUiHost(options: UiHostOptions): Promise<UiHost> {
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  if (!isLoopbackAddress(bindAddress)) throw new Error(`The UI host only listens on loopback addresses, not ${bindAddress}.`);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);

  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindAddress, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
  const allowedHosts = new Set([`${hostPart}:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  const origin = `http://${hostPart}:${port}`;
  const csp = contentSecurityPolicy([...allowedHosts].map((h) => `ws://${h}`));

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const c = Buffer.from(candidate);
    return c.length === tokenBytes.length && timingSafeEqual(c, tokenBytes);
  };
  const cookieToken = (req: http.IncomingMessage): string | undefined => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE) return v.join('=');
    }
    return undefined;
  };

  const refuse = (res: http.ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.end(`${message}\n`);
  };

  server.on('request', (req, res) => {
    void (async () => {
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host.
      if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden: unexpected Host header.');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
      const url = new URL(req.url ?? '/', origin);
      const fromQuery = url.searchParams.get('token');
      const authorised = tokenMatches(fromQuery) || tokenMatches(cookieToken(req));
      if (!authorised) {
        return refuse(res, 403, 'Forbidden: open the address that "sftp-doctor ui" printed; it contains the access token.');
      }
      const file = await resolveStatic(options.staticDir, url.pathname);
      if (!file) return refuse(res, 404, 'Not found.');
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': contentType(file),
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'X-Frame-Options': 'DENY',
        'Cache-Control': 'no-store',
      };
      if (tokenMatches(fromQuery)) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    })().catch(() => refuse(res, 500, 'Internal error.'));
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const ok =
      url.pathname === BRIDGE_PATH &&
      allowedHosts.has(req.headers.host ?? '') &&
      allowedOrigins.has(req.headers.origin ?? '') &&
      (tokenMatches(url.searchParams.get('token')) || tokenMatches(cookieToken(req)));
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.services));
  });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function attach(ws: WebSocket, services: Services): void {
  const send = (message: BridgeServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const client: RunClient = {
    sendEvent: (payload) => send({ type: 'event', channel: EVENT_CHANNELS[0], payload }),
    sendPrompt: (payload) => send({ type: 'event', channel: 'run:prompt', payload }),
    sendCheck: (payload) => send({ type: 'event', channel: 'check:event', payload }),
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text frames only');
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return ws.close(1007, 'invalid JSON');
    }
    const m = msg as { type?: unknown; id?: unknown; channel?: unknown; args?: unknown };
    if (m.type !== 'invoke' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id) || typeof m.channel !== 'string' || !Array.isArray(m.args)) {
      return ws.close(1008, 'malformed message');
    }
    const id = m.id;
    services.dispatch(m.channel, m.args, { client }).then(
      (result) => send({ type: 'result', id, ok: true, result: result ?? null }),
      (err: unknown) => send({ type: 'result', id, ok: false, error: toApiError(err) }),
    );
  });
  ws.on('close', () => services.dropClient(client));
  ws.on('error', () => ws.terminate());
}
