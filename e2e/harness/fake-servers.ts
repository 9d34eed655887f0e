import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { freeLoopbackAddress, freePort } from './addresses';

/**
 * Tiny TCP servers that misbehave the way real networks and wrong services do, for the cases
 * OpenSSH will not produce on demand.
 */
export type FakeServerKind =
  | 'ftp' // "220 ..." FTP greeting
  | 'http' // waits for the client's first bytes, answers "HTTP/1.1 400", closes
  | 'tls' // answers the first bytes with a TLS alert record
  | 'close' // accepts and closes (FIN) a moment later, like a blocked address or MaxStartups
  | 'reset' // accepts and resets (RST) a moment later
  | 'reset-on-accept' // resets the moment it accepts (the client may see it while connecting)
  | 'silent' // accepts and never says a word
  | 'ssh1' // "SSH-1.5-..." identification
  | 'huge-banner' // "SSH-2.0-" followed by 5 MB without a line end
  | 'endless-prebanner' // text lines before the identification, forever
  | 'garbage' // random binary bytes
  | 'garbage-after-banner' // a valid identification, then bytes that are no SSH packet
  | 'reset-after-banner' // a valid identification, then a reset once the client answers
  | 'close-after-banner' // a valid identification, then a clean close once the client answers
  | 'kexinit-after-client'; // a valid identification, then its KEXINIT (old algorithms only) only after the client's

export interface FakeServerOptions {
  host?: string;
  port?: number;
}

export interface FakeServer {
  kind: FakeServerKind;
  host: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

const FAKE_IDENT = 'SSH-2.0-OpenSSH_9.9 FakeForTests\r\n';
const HUGE_BANNER_BYTES = 5 * 1024 * 1024;

function writeUntil(sock: net.Socket, limit: number, chunk: () => Buffer | string): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < limit && !sock.destroyed) {
      const c = chunk();
      sent += c.length;
      if (!sock.write(c)) {
        sock.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function handle(kind: FakeServerKind, sock: net.Socket): void {
  sock.on('error', () => undefined);
  switch (kind) {
    case 'ftp':
      sock.write('220 ProFTPD Server (Fake FTP for tests) [127.0.0.1]\r\n');
      return;
    case 'http':
      sock.once('data', () => {
        sock.end('HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>Bad Request</body></html>\r\n');
      });
      return;
    case 'tls':
      sock.once('data', () => sock.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46])));
      return;
    case 'close':
      // A moment after accepting, as a server deciding to refuse this client does.
      setTimeout(() => sock.end(), 20);
      return;
    case 'reset':
      setTimeout(() => sock.resetAndDestroy(), 20);
      return;
    case 'reset-on-accept':
      sock.resetAndDestroy();
      return;
    case 'silent':
      return;
    case 'ssh1':
      sock.write('SSH-1.5-OldSSH_1.2.33\n');
      return;
    case 'huge-banner':
      sock.write('SSH-2.0-');
      writeUntil(sock, HUGE_BANNER_BYTES, () => 'A'.repeat(64 * 1024));
      return;
    case 'endless-prebanner': {
      let n = 0;
      writeUntil(sock, 64 * 1024 * 1024, () => `Welcome line ${++n}: this server talks a lot before it says who it is.\r\n`);
      return;
    }
    case 'garbage':
      writeUntil(sock, 256 * 1024, () => randomBytes(4096));
      return;
    case 'garbage-after-banner':
      sock.write(FAKE_IDENT);
      sock.once('data', () => {
        // A "packet" whose length field is absurd, then noise.
        sock.write(Buffer.concat([Buffer.from([0x7f, 0xff, 0xff, 0xf0, 0x04]), randomBytes(2048)]));
      });
      return;
    case 'reset-after-banner':
      sock.write(FAKE_IDENT);
      sock.once('data', () => sock.resetAndDestroy());
      return;
    case 'close-after-banner':
      sock.write(FAKE_IDENT);
      sock.once('data', () => sock.end());
      return;
    case 'kexinit-after-client': {
      // Waits for the client's identification line and then its first packet (its KEXINIT).
      sock.write(FAKE_IDENT);
      let buf = Buffer.alloc(0);
      const onData = (d: Buffer) => {
        buf = Buffer.concat([buf, d]).subarray(0, 70_000);
        const nl = buf.indexOf(0x0a);
        if (nl < 0 || buf.length < nl + 5) return;
        if (buf.length < nl + 5 + buf.readUInt32BE(nl + 1)) return;
        sock.off('data', onData);
        sock.write(oldKexinit());
      };
      sock.on('data', onData);
      return;
    }
  }
}

/** An unencrypted SSH packet (RFC 4253 6): length, padding length, payload, padding to a multiple of 8. */
function sshPacket(payload: Buffer): Buffer {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + padding, 0);
  head[4] = padding;
  return Buffer.concat([head, payload, randomBytes(padding)]);
}

/** A KEXINIT offering only old algorithms (group14-sha1, aes128-cbc, hmac-sha1) with an Ed25519 host key. */
function oldKexinit(): Buffer {
  const lists = ['diffie-hellman-group14-sha1', 'ssh-ed25519', 'aes128-cbc', 'aes128-cbc', 'hmac-sha1', 'hmac-sha1', 'none', 'none', '', ''];
  const parts = [Buffer.from([20]), randomBytes(16)];
  for (const l of lists) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(l.length, 0);
    parts.push(len, Buffer.from(l, 'latin1'));
  }
  parts.push(Buffer.from([0, 0, 0, 0, 0]));
  return sshPacket(Buffer.concat(parts));
}

/** Starts a fake server of the given kind on its own loopback address (or the one given). */
export async function startFakeServer(kind: FakeServerKind, options: FakeServerOptions = {}): Promise<FakeServer> {
  const host = options.host ?? freeLoopbackAddress();
  const port = options.port ?? (await freePort(host));
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((sock) => {
    count++;
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    handle(kind, sock);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  return {
    kind,
    host,
    port,
    connections: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
