import net from 'node:net';
import { freeLoopbackAddress, freePort } from './addresses';

/**
 * A NAT router in miniature: a TCP relay on its own loopback address that forgets a connection
 * after idleMs without traffic in either direction. 'reset' answers with a TCP reset at once (the
 * client sees ECONNRESET while idle); 'blackhole' keeps both sockets open but silently drops every
 * byte from then on (only a request that gets no answer reveals it). Bounded: at most
 * maxConnections at a time, each ended after maxLifetimeMs, everything closed by stop().
 */
export interface IdleProxyOptions {
  target: { host: string; port: number };
  idleMs: number;
  style: 'reset' | 'blackhole';
  maxConnections?: number;
  maxLifetimeMs?: number;
}

export interface IdleProxy {
  host: string;
  port: number;
  /** Connections it dropped for being idle so far. */
  dropped(): number;
  stop(): Promise<void>;
}

export async function startIdleProxy(options: IdleProxyOptions): Promise<IdleProxy> {
  const host = freeLoopbackAddress();
  const port = await freePort(host);
  const maxConnections = options.maxConnections ?? 8;
  const maxLifetimeMs = options.maxLifetimeMs ?? 60_000;
  const sockets = new Set<net.Socket>();
  let dropped = 0;

  const server = net.createServer((client) => {
    if (sockets.size >= maxConnections * 2) {
      client.destroy();
      return;
    }
    const upstream = net.connect(options.target.port, options.target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      s.setNoDelay(true);
    }
    let forgotten = false;
    let idle: NodeJS.Timeout | undefined;
    const lifetime = setTimeout(() => end(), maxLifetimeMs);
    const end = () => {
      clearTimeout(idle);
      clearTimeout(lifetime);
      client.destroy();
      upstream.destroy();
    };
    const forget = () => {
      forgotten = true;
      dropped++;
      if (options.style === 'reset') {
        client.resetAndDestroy();
        upstream.destroy();
        clearTimeout(lifetime);
      }
    };
    const touch = () => {
      if (forgotten) return;
      clearTimeout(idle);
      idle = setTimeout(forget, options.idleMs);
    };
    touch();
    client.on('data', (d: Buffer) => {
      if (forgotten) return;
      touch();
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (forgotten) return;
      touch();
      client.write(d);
    });
    client.on('close', end);
    upstream.on('close', () => {
      if (!forgotten) end();
    });
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    host,
    port,
    dropped: () => dropped,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
