import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ForwardFacts, ProxyFacts, ProxyRequest } from '../../../shared/types';
import type { PhaseModule, PhaseOutcome, RunContext } from '../context';
import { loadPackage } from '../../common/load-package';
import { lookupAll } from './dns';
import { connectOnce, mainError } from './tcp';

/**
 * The parts of a path before an SSH server: a proxy (SOCKS5 or HTTP CONNECT) that the first hop's
 * tcp phase goes through, and the channel a jump host forwards to the next hop (ssh2 forwardOut),
 * which stands in for the tcp phase of every hop behind it. Name lookups of hosts behind a proxy or
 * a jump host are theirs, not ours.
 */

const MAX_TEXT = 300;

/** Server words made printable and bounded before they reach facts (control bytes as \xNN). */
export function printable(text: string, max = MAX_TEXT): string {
  // eslint-disable-next-line no-control-regex
  const t = text.trim().replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** "host:port", with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function proxyLabel(p: { type: string; host: string; port: number }): string {
  return `${p.type}://${hostPort(p.host, p.port)}`;
}

/** The dns phase of a hop whose name someone else looks up (the proxy or a jump host). */
export const remoteDnsPhase: PhaseModule = {
  phase: 'dns',
  async run(ctx): Promise<PhaseOutcome> {
    const host = ctx.facts.input!.host;
    return { status: 'ok', detail: `${host} is looked up by ${ctx.link.resolvedBy ?? 'the next hop'}` };
  },
};

// ------------------------------------------------------------------------------------------------
// Proxy

const SOCKS5_REPLIES: Record<string, number> = { Failure: 1, NotAllowed: 2, NetworkUnreachable: 3, HostUnreachable: 4, ConnectionRefused: 5, TTLExpired: 6, CommandNotSupported: 7, AddressNotSupported: 8 };

type Handshake = { ok: true } | { ok: false; stage: 'auth' | 'connect'; message: string; socksReply?: number; httpStatus?: number; httpReason?: string };

/**
 * SOCKS5 CONNECT on our own socket with the `socks` library. The server's first bytes may arrive
 * with the proxy's answer: they are caught here and put back on the (paused) socket.
 */
async function socksHandshake(socket: net.Socket, address: string, proxy: ProxyRequest, target: { host: string; port: number }, timeoutMs: number): Promise<Handshake> {
  try {
    // Loaded only when a SOCKS proxy is used (before we send anything, so no byte can be missed).
    const { SocksClient } = await loadPackage<typeof import('socks')>('socks');
    const client = new SocksClient({
      proxy: { host: address, port: proxy.port, type: 5, ...(proxy.user ? { userId: proxy.user, password: proxy.password ?? '' } : {}) },
      command: 'connect',
      destination: { host: target.host, port: target.port },
      timeout: Math.max(1, timeoutMs),
      existing_socket: socket,
    });
    const caught: Buffer[] = [];
    const collect = (chunk: Buffer) => caught.push(chunk);
    await new Promise<void>((resolve, reject) => {
      client.once('established', () => {
        socket.on('data', collect);
        resolve();
      });
      client.once('error', reject);
      client.connect(socket);
    });
    // The library re-emits extra bytes and resumes the socket on the next turn of the loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    socket.off('data', collect);
    socket.pause();
    if (caught.length) socket.unshift(Buffer.concat(caught));
    return { ok: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const rejected = /rejected connection - (\w+)/.exec(message);
    if (rejected) return { ok: false, stage: 'connect', message: printable(message), socksReply: SOCKS5_REPLIES[rejected[1]!] ?? 1 };
    if (/Authentication failed|no accepted authentication type/i.test(message)) return { ok: false, stage: 'auth', message: printable(message) };
    return { ok: false, stage: 'connect', message: printable(message) };
  }
}

/** HTTP CONNECT over node:http's 'connect' event, on our own socket. */
async function httpHandshake(socket: net.Socket, proxy: ProxyRequest, target: { host: string; port: number }, timeoutMs: number): Promise<Handshake> {
  // Loaded here: node:http is only for an HTTP proxy, not on every run's start-up.
  const http = await loadPackage<typeof import('node:http')>('node:http');
  return new Promise((resolve) => {
    const authority = hostPort(target.host, target.port);
    const headers: Record<string, string> = { Host: authority };
    if (proxy.user) headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${proxy.user}:${proxy.password ?? ''}`).toString('base64')}`;
    let done = false;
    const finish = (r: Handshake) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      finish({ ok: false, stage: 'connect', message: 'The proxy did not answer the CONNECT request in time' });
      socket.destroy();
    }, Math.max(1, timeoutMs));
    const req = http.request({ method: 'CONNECT', path: authority, headers, createConnection: () => socket, timeout: 0 });
    req.once('connect', (res: IncomingMessage, sock: Duplex, head: Buffer) => {
      const status = res.statusCode ?? 0;
      const reason = printable(res.statusMessage ?? '', 120);
      if (status >= 200 && status < 300) {
        sock.pause();
        if (head.length) sock.unshift(head);
        finish({ ok: true });
        return;
      }
      sock.destroy();
      finish({ ok: false, stage: status === 407 || status === 401 ? 'auth' : 'connect', message: printable(`HTTP ${status} ${reason}`), httpStatus: status, httpReason: reason });
    });
    req.once('response', (res: IncomingMessage) => {
      // Not an answer to CONNECT (some proxies answer errors as plain responses).
      const status = res.statusCode ?? 0;
      res.resume();
      socket.destroy();
      finish({ ok: false, stage: status === 407 || status === 401 ? 'auth' : 'connect', message: printable(`HTTP ${status} ${res.statusMessage ?? ''}`), httpStatus: status, httpReason: printable(res.statusMessage ?? '', 120) });
    });
    req.once('error', (err: Error) => finish({ ok: false, stage: 'connect', message: printable(err.message) }));
    req.end();
  });
}

/**
 * The tcp phase of the first hop when a proxy is set: look up the proxy's name, connect to it
 * (one TCP connection, setNoDelay), and ask it for the hop's host and port. The proxy resolves the
 * hop's name itself (SOCKS5 domain-name address, HTTP CONNECT authority).
 */
export const proxyTcpPhase: PhaseModule = {
  phase: 'tcp',
  async run(ctx): Promise<PhaseOutcome> {
    const via = ctx.link.via;
    if (via?.kind !== 'proxy') throw new Error('proxyTcpPhase without a proxy');
    const proxy = via.proxy;
    const target = { host: ctx.facts.input!.host, port: ctx.facts.input!.port };
    const pf: ProxyFacts = { type: proxy.type, host: proxy.host, port: proxy.port, target: hostPort(target.host, target.port), stage: 'dns', authUsed: !!proxy.user };
    const label = proxyLabel(proxy);
    const fail = (detail: string): PhaseOutcome => ({ status: 'fail', detail, facts: { proxy: pf }, stop: true });

    let addresses: string[];
    if (net.isIP(proxy.host)) addresses = [proxy.host];
    else {
      ctx.progress(`Looking up the proxy ${proxy.host}…`);
      const res = await lookupAll(proxy.host, ctx.remainingBeforeProbes(), ctx.signal);
      if (!('addresses' in res) || res.addresses.length === 0) {
        pf.error = 'error' in res ? res.error : 'ENOTFOUND';
        return fail(`The proxy's name ${proxy.host} could not be looked up (${pf.error})`);
      }
      addresses = res.addresses.map((a) => a.address);
    }

    pf.stage = 'tcp';
    const attempts: NonNullable<ProxyFacts['attempts']> = [];
    let socket: net.Socket | undefined;
    for (let i = 0; i < addresses.length && !socket; i++) {
      const left = ctx.remainingBeforeProbes();
      if (left <= 0) break;
      const address = addresses[i]!;
      ctx.progress(`Connecting to the proxy ${hostPort(address, proxy.port)}…`);
      const t0 = Date.now();
      const r = await connectOnce(address, proxy.port, Math.max(1, Math.floor(left / (addresses.length - i))), ctx.signal, (err) => {
        ctx.link.socketError ??= err;
      });
      attempts.push({ address, result: r.result, ms: Date.now() - t0 });
      pf.address = address;
      if (r.local) pf.local = r.local;
      if (r.socket) socket = r.socket;
      if (r.result === 'ABORTED') break;
    }
    pf.attempts = attempts;
    if (!socket) {
      pf.error = mainError(attempts.map((a) => a.result));
      return fail(`The proxy ${label} ${pf.error === 'ECONNREFUSED' ? 'refused the connection' : pf.error === 'ETIMEDOUT' ? 'did not answer' : `could not be reached (${pf.error})`}`);
    }
    const sock = socket;
    ctx.onCleanup(() => sock.destroy());

    pf.stage = proxy.user && proxy.type === 'socks5' ? 'auth' : 'connect';
    ctx.progress(`Asking the proxy ${label} to connect to ${pf.target}…`);
    const t0 = Date.now();
    const onAbort = () => sock.destroy();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let shake: Handshake;
    try {
      shake = proxy.type === 'socks5' ? await socksHandshake(sock, pf.address!, proxy, target, ctx.remainingBeforeProbes()) : await httpHandshake(sock, proxy, target, ctx.remainingBeforeProbes());
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (!shake.ok) {
      pf.stage = shake.stage;
      pf.message = shake.message;
      if (shake.socksReply !== undefined) pf.socksReply = shake.socksReply;
      if (shake.httpStatus !== undefined) pf.httpStatus = shake.httpStatus;
      if (shake.httpReason) pf.httpReason = shake.httpReason;
      sock.destroy();
      return fail(`The proxy ${label} ${shake.stage === 'auth' ? 'refused the login' : 'did not connect'}: ${shake.message}`);
    }
    pf.stage = 'done';
    if (proxy.type === 'socks5') pf.socksReply = 0;
    else pf.httpStatus = 200;
    ctx.link.socket = sock;
    ctx.link.address = undefined;
    ctx.link.port = target.port;
    return {
      status: 'ok',
      detail: `Through the proxy ${label} (at ${pf.address}) to ${pf.target} in ${Date.now() - t0} ms`,
      facts: { proxy: pf, tcp: { address: target.host, port: target.port, attempts: [{ address: `${target.host} through ${label}`, result: 'connected', ms: Date.now() - t0 }] } },
    };
  },
};

// ------------------------------------------------------------------------------------------------
// Jump host forwarding

/** What a jump host's "open failed" words mean, as an errno-like code the rules know. */
export function forwardErrorCode(reason: number | undefined, description: string): string {
  if (reason === 1) return 'EPROHIBITED';
  if (/refused/i.test(description)) return 'ECONNREFUSED';
  if (/timed out|timeout/i.test(description)) return 'ETIMEDOUT';
  if (/temporary failure in name resolution/i.test(description)) return 'EAI_AGAIN';
  if (/name or service not known|not known|nodename nor servname|no address associated|getaddrinfo|name resolution|could not resolve/i.test(description)) return 'ENOTFOUND';
  if (/no route to host/i.test(description)) return 'EHOSTUNREACH';
  if (/network is unreachable/i.test(description)) return 'ENETUNREACH';
  if (/reset/i.test(description)) return 'ECONNRESET';
  if (/prohibited|denied|not permitted|not allowed/i.test(description)) return 'EPROHIBITED';
  return 'ECONNECT';
}

/**
 * The tcp phase of a hop behind a jump host: the jump host opens a direct-tcpip channel to it
 * (ssh2 forwardOut), and that channel is the next SSH connection's socket.
 */
export const forwardTcpPhase: PhaseModule = {
  phase: 'tcp',
  async run(ctx: RunContext): Promise<PhaseOutcome> {
    const via = ctx.link.via;
    if (via?.kind !== 'jump') throw new Error('forwardTcpPhase without a jump host');
    const { host, port } = ctx.facts.input!;
    const target = hostPort(host, port);
    const fwd: ForwardFacts = { via: via.label, viaHop: via.hop, target };
    ctx.progress(`Asking the jump host ${via.label} to connect to ${target}…`);
    const t0 = Date.now();
    const res = await new Promise<{ stream: Duplex } | { error: string; reason?: number; description: string }>((resolve) => {
      let done = false;
      const finish = (r: { stream: Duplex } | { error: string; reason?: number; description: string }) => {
        if (done) {
          if ('stream' in r) r.stream.destroy();
          return;
        }
        done = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        via.client.off('close', onClose);
        resolve(r);
      };
      const onAbort = () => finish({ error: 'ETIMEDOUT', description: 'no answer from the jump host before the time ran out' });
      const onClose = () => finish({ error: 'ECONNRESET', description: 'the jump host closed the connection' });
      const timer = setTimeout(onAbort, Math.max(1, ctx.remainingBeforeProbes()));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      via.client.once('close', onClose);
      try {
        via.client.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
          if (err) {
            const reason = typeof (err as { reason?: unknown }).reason === 'number' ? (err as unknown as { reason: number }).reason : undefined;
            const description = printable(err.message.replace(/^\(SSH\) Channel open failure:\s*/, ''));
            finish({ error: forwardErrorCode(reason, description), ...(reason !== undefined ? { reason } : {}), description });
          } else finish({ stream });
        });
      } catch (err) {
        finish({ error: 'ECONNRESET', description: printable((err as Error).message) });
      }
    });
    fwd.ms = Date.now() - t0;
    if ('stream' in res) {
      const stream = res.stream;
      ctx.onCleanup(() => stream.destroy());
      stream.on('error', (err: NodeJS.ErrnoException) => {
        ctx.link.socketError ??= err;
      });
      ctx.link.socket = stream;
      ctx.link.address = undefined;
      ctx.link.port = port;
      return {
        status: 'ok',
        detail: `The jump host ${via.label} connected to ${target} in ${fwd.ms} ms`,
        facts: { forward: fwd, tcp: { address: host, port, attempts: [{ address: `${host} through ${via.label}`, result: 'connected', ms: fwd.ms }] } },
      };
    }
    fwd.error = res.error;
    fwd.description = res.description;
    if (res.reason !== undefined) fwd.reason = res.reason;
    const what = res.error === 'EPROHIBITED' ? 'refused to forward' : 'could not connect';
    return { status: 'fail', detail: `The jump host ${via.label} ${what} to ${target}: ${res.description}`, facts: { forward: fwd }, stop: true };
  },
};
