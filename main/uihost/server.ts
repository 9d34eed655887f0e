/**
 * `sftp-doctor ui`: serves the built renderer on 127.0.0.1 and bridges the typed API over a
 * WebSocket to the same services the Electron window uses.
 *
 * What it accepts and refuses:
 * - HTTP: only GET/HEAD with our own Host header (DNS rebinding), only files inside the renderer
 *   folder (no ../, no symlink leading out). The page itself holds no secret, so it needs no token.
 * - The token: handed to the page in the address's #fragment (never sent to a server, never a
 *   cookie, which 127.0.0.1 would share with every port), or through a one-time /open/<nonce>
 *   address for `--open`, so no browser command line shows it.
 * - WebSocket: our own Host and Origin only; the first message must be {type:'hello', token}
 *   within a few seconds, else the socket is closed. After that every frame of any shape gets a
 *   reply (an error for a bad one), never a crash; a client that stops reading stops being read.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ApiErrorShape } from '../../shared/api';
import { EVENT_CHANNELS, STORED_RESULT_CHANNELS } from '../../shared/api';
import { visibleDeep } from '../../shared/visible';
import { BRIDGE_PATH, CLOSE_TOKEN_REFUSED, TOKEN_FRAGMENT, type BridgeServerMessage } from '../../shared/bridge';
import { BridgeFrameSchema, BridgeHelloSchema, BridgeIdSchema, BridgeInvokeSchema } from '../../shared/schemas/bridge';
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
  /** Flow limits (tests make them small). */
  limits?: Partial<FlowLimits>;
}

export interface FlowLimits {
  /** Bytes queued for one client above which the host stops reading its requests. */
  highWaterBytes: number;
  /** Bytes queued for one client above which it is disconnected (it is not reading). */
  maxQueuedBytes: number;
  /** Requests of one client being worked on at once; more wait unread. */
  maxInFlight: number;
  /** Time a new socket has to send its hello. */
  helloTimeoutMs: number;
}

const DEFAULT_LIMITS: FlowLimits = { highWaterBytes: 1024 * 1024, maxQueuedBytes: 32 * 1024 * 1024, maxInFlight: 16, helloTimeoutMs: 10_000 };

export interface UiHost {
  /** The address to print: the token rides in its #fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  /** A one-time address (valid once, for a minute) that hands the token to the first browser opening it. */
  oneTimeUrl(): string;
  /** Flow figures (tests of backpressure): the most bytes ever queued for one client, clients not being read now. */
  stats(): { peakQueuedBytes: number; pausedClients: number };
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const ONE_TIME_TTL_MS = 60_000;
/** Largest request id we answer to; beyond it ids lose precision in JavaScript clients. */

export function isLoopbackAddress(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1';
}

export async function startUiHost(options: UiHostOptions): Promise<UiHost> {
  const bindAddress = options.bindAddress ?? '127.0.0.1';
  if (!isLoopbackAddress(bindAddress)) throw new Error(`The UI host only listens on loopback addresses, not ${bindAddress}.`);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const oneTime = new Map<string, number>();
  let peakQueued = 0;

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

  const tokenMatches = (candidate: unknown): boolean => {
    if (typeof candidate !== 'string' || candidate.length > 256) return false;
    const c = Buffer.from(candidate);
    return c.length === tokenBytes.length && timingSafeEqual(c, tokenBytes);
  };

  const baseHeaders = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
  const refuse = (res: http.ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...baseHeaders });
    res.end(`${message}\n`);
  };

  server.on('request', (req, res) => {
    void (async () => {
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host.
      if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden: unexpected Host header.');
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed.');
      const url = new URL(req.url ?? '/', origin);
      const open = /^\/open\/([\w-]{16,64})$/.exec(url.pathname);
      if (open) {
        const nonce = open[1]!;
        const expires = oneTime.get(nonce);
        oneTime.delete(nonce);
        if (expires === undefined || expires < Date.now()) {
          return refuse(res, 410, 'This one-time link was used already or has expired. Open the address that "sftp-doctor ui" printed.');
        }
        // The fragment stays in the browser: it reaches the page, never a server or a log.
        res.writeHead(303, { Location: `/#${TOKEN_FRAGMENT}=${token}`, ...baseHeaders });
        return res.end();
      }
      const file = await resolveStatic(options.staticDir, url.pathname);
      if (!file) return refuse(res, 404, 'Not found.');
      res.writeHead(200, {
        ...baseHeaders,
        'Content-Type': contentType(file),
        'Content-Security-Policy': csp,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'X-Frame-Options': 'DENY',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    })().catch(() => refuse(res, 500, 'Internal error.'));
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const ok = url.pathname === BRIDGE_PATH && allowedHosts.has(req.headers.host ?? '') && allowedOrigins.has(req.headers.origin ?? '');
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      attach(ws, options.services, limits, tokenMatches, (queued) => {
        if (queued > peakQueued) peakQueued = queued;
      }),
    );
  });

  return {
    url: `${origin}/#${TOKEN_FRAGMENT}=${token}`,
    origin,
    port,
    token,
    oneTimeUrl() {
      const now = Date.now();
      for (const [n, expires] of oneTime) if (expires < now) oneTime.delete(n);
      const nonce = randomBytes(24).toString('base64url');
      oneTime.set(nonce, now + ONE_TIME_TTL_MS);
      return `${origin}/open/${nonce}`;
    },
    stats: () => ({ peakQueuedBytes: peakQueued, pausedClients: [...wss.clients].filter((c) => c.isPaused).length }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const badFrame = (message: string): ApiErrorShape => ({ code: 'INVALID_ARGUMENT', message });

function attach(ws: WebSocket, services: Services, limits: FlowLimits, tokenMatches: (t: unknown) => boolean, onQueued: (bytes: number) => void): void {
  let authed = false;
  let queued = 0;
  let inFlight = 0;
  let closed = false;

  const helloTimer = setTimeout(() => ws.close(CLOSE_TOKEN_REFUSED, 'no access token'), limits.helloTimeoutMs);
  helloTimer.unref();

  // Backpressure: stop reading a client's requests while its replies pile up or too many are
  // being worked on; drop a client that does not read at all.
  const updateFlow = () => {
    if (closed) return;
    const hold = queued > limits.highWaterBytes || inFlight >= limits.maxInFlight;
    if (hold && !ws.isPaused) ws.pause();
    else if (!hold && ws.isPaused) ws.resume();
  };
  const send = (message: BridgeServerMessage, stored = false) => {
    if (closed || ws.readyState !== ws.OPEN) return;
    // Text from servers and files reaches the page with its control characters made visible;
    // saved sites go as stored (the page shows them made visible, and saves them back unchanged).
    const text = JSON.stringify(stored ? message : visibleDeep(message));
    const bytes = Buffer.byteLength(text);
    if (queued + bytes > limits.maxQueuedBytes) {
      closed = true;
      ws.terminate();
      return;
    }
    queued += bytes;
    onQueued(queued);
    ws.send(text, () => {
      queued -= bytes;
      updateFlow();
    });
    updateFlow();
  };
  const client: RunClient = {
    sendEvent: (payload) => send({ type: 'event', channel: EVENT_CHANNELS[0], payload }),
    sendPrompt: (payload) => send({ type: 'event', channel: 'run:prompt', payload }),
    sendCheck: (payload) => send({ type: 'event', channel: 'check:event', payload }),
  };

  const onFrame = (data: RawData, isBinary: boolean) => {
    if (!authed) {
      let hello: unknown;
      try {
        hello = isBinary ? null : JSON.parse(data.toString());
      } catch {
        hello = null;
      }
      const h = BridgeHelloSchema.safeParse(hello);
      if (h.success && tokenMatches(h.data.token)) {
        authed = true;
        clearTimeout(helloTimer);
        return;
      }
      closed = true;
      return ws.close(CLOSE_TOKEN_REFUSED, 'access token refused');
    }
    if (isBinary) return send({ type: 'error', error: badFrame('Binary frames are not accepted: send JSON text.') });
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return send({ type: 'error', error: badFrame('The message is not valid JSON.') });
    }
    // Read in steps (shared/schemas/bridge.ts), each with its own reply: an object, a usable id, a request.
    const frame = BridgeFrameSchema.safeParse(msg);
    if (!frame.success) {
      return send({ type: 'error', error: badFrame('A message must be a JSON object {type, id, channel, args}.') });
    }
    const idRead = BridgeIdSchema.safeParse(frame.data.id);
    if (!idRead.success) {
      return send({ type: 'error', error: badFrame('A request needs an "id": a whole number from 0 to 2^53-1.') });
    }
    const id = idRead.data;
    const invoke = BridgeInvokeSchema.safeParse(frame.data);
    if (!invoke.success) {
      return send({ type: 'result', id, ok: false, error: badFrame('A request is {type: "invoke", id, channel: string, args: array}.') });
    }
    const m = invoke.data;
    inFlight++;
    updateFlow();
    let answer: Promise<unknown>;
    try {
      answer = services.dispatch(m.channel, m.args, { client });
    } catch (err) {
      answer = Promise.reject(err);
    }
    answer
      .then(
        (result) => send({ type: 'result', id, ok: true, result: result ?? null }, STORED_RESULT_CHANNELS.includes(m.channel)),
        (err: unknown) => send({ type: 'result', id, ok: false, error: toApiError(err) }),
      )
      .catch(() => send({ type: 'result', id, ok: false, error: { code: 'FAILED', message: 'The reply could not be sent.' } }))
      .finally(() => {
        inFlight--;
        updateFlow();
      });
  };

  ws.on('message', (data, isBinary) => {
    try {
      onFrame(data, isBinary);
    } catch {
      // Whatever a frame holds, the host stays up.
      send({ type: 'error', error: { code: 'FAILED', message: 'The message could not be handled.' } });
    }
  });
  ws.on('close', () => {
    closed = true;
    clearTimeout(helloTimer);
    services.dropClient(client);
  });
  ws.on('error', () => ws.terminate());
}
