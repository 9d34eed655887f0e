import net from 'node:net';
import { randomInt } from 'node:crypto';

/**
 * A random loopback address of our own: 127.<1-254>.<0-255>.<1-254>. Each scenario gets one, so
 * probes of the usual SSH ports (22, 2222, ...) on "the same host" only ever meet our own servers,
 * and teammates' concurrent runs never collide.
 */
export function freeLoopbackAddress(): string {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** True when nothing listens on host:port and we may bind it. */
export function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A random port above 20000 that is free on `host` right now. */
export async function freePort(host: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = randomInt(20_000, 60_000);
    if (await canBind(host, port)) return port;
  }
  throw new Error(`no free port found on ${host}`);
}

/** A host and port where nothing listens (connections are refused). */
export async function closedEndpoint(): Promise<{ host: string; port: number }> {
  const host = freeLoopbackAddress();
  return { host, port: await freePort(host) };
}

/** Resolves once something accepts TCP connections on host:port, or rejects after timeoutMs. */
export async function waitForListen(host: string, port: number, timeoutMs = 5000, isAlive: () => boolean = () => true): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      const done = (v: boolean) => {
        s.destroy();
        resolve(v);
      };
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(500, () => done(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`server on ${host}:${port} exited before listening`);
    if (Date.now() > until) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
