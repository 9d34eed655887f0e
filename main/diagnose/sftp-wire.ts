import type { ClientChannel } from 'ssh2';
import { SshReader, sshString, uint32 } from '../common/ssh-wire';

/**
 * A small SFTP (version 3) client of our own on a raw "sftp" subsystem channel: the few requests
 * the diagnosis needs (realpath, opendir/readdir, lstat, open/read). Unlike a full client it keeps
 * what arrived before the first valid packet — the text a login script printed — and the
 * session's exit status and error output, which are the evidence when the session breaks.
 * Every buffer is bounded.
 */

const T = { INIT: 1, VERSION: 2, OPEN: 3, CLOSE: 4, READ: 5, WRITE: 6, LSTAT: 7, FSTAT: 8, OPENDIR: 11, READDIR: 12, REMOVE: 13, REALPATH: 16, STAT: 17, RENAME: 18, STATUS: 101, HANDLE: 102, DATA: 103, NAME: 104, ATTRS: 105, EXTENDED: 200, EXTENDED_REPLY: 201 } as const;
/** SSH_FXF_* open flags. */
export const OPEN_FLAGS = { READ: 0x1, WRITE: 0x2, APPEND: 0x4, CREAT: 0x8, TRUNC: 0x10, EXCL: 0x20 } as const;
export const SFTP_STATUS = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4 } as const;
/** Largest packet we accept (OpenSSH's own limit is 256 KiB). A bigger length is text, not SFTP. */
const MAX_PACKET = 256 * 1024;
const MAX_LEADING = 16 * 1024;
const MAX_STDERR = 8 * 1024;

export interface SftpAttrs {
  size?: number;
  uid?: number;
  gid?: number;
  mode?: number;
}

export interface SftpNameEntry {
  filename: string;
  longname: string;
  attrs: SftpAttrs;
}

export class SftpStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message || `SFTP status ${code}`);
  }
}

export class SftpClosedError extends Error {}

/** A file system's figures from statvfs@openssh.com. */
export interface SftpStatvfs {
  blockSize: number;
  fragmentSize: number;
  blocks: number;
  freeBlocks: number;
  /** Blocks free for unprivileged users (what an upload can use). */
  availBlocks: number;
  files: number;
  freeFiles: number;
  availFiles: number;
  /** ST_RDONLY: mounted read-only. */
  readOnly: boolean;
}

/** An SFTP packet: the shared SSH wire reader, plus SFTP's file attributes. */
class Reader extends SshReader {
  attrs(): SftpAttrs {
    const flags = this.uint32();
    const a: SftpAttrs = {};
    if (flags & 0x1) a.size = this.uint64();
    if (flags & 0x2) {
      a.uid = this.uint32();
      a.gid = this.uint32();
    }
    if (flags & 0x4) a.mode = this.uint32();
    if (flags & 0x8) {
      this.uint32();
      this.uint32();
    }
    if (flags & 0x80000000) {
      const n = this.uint32();
      for (let i = 0; i < n && i < 1000; i++) {
        this.string();
        this.string();
      }
    }
    return a;
  }
}

const str = sshString;
const u32 = uint32;

/** Is there an SFTP VERSION packet starting at i? (length, type 2, version 1..6) */
function versionAt(buf: Buffer, i: number): boolean {
  if (i + 9 > buf.length) return false;
  const len = buf.readUInt32BE(i);
  return len >= 5 && len <= 64 * 1024 && buf[i + 4] === T.VERSION && buf.readUInt32BE(i + 5) >= 1 && buf.readUInt32BE(i + 5) <= 6;
}

export class SftpWire {
  version: number | null = null;
  /** Extensions the server announced in its VERSION packet (name -> data), e.g. statvfs@openssh.com. */
  readonly extensions = new Map<string, string>();
  /** Bytes that arrived before the first valid SFTP packet (a login script's output). */
  leading: Buffer = Buffer.alloc(0);
  /** The first 4 bytes read as a packet length, when they were not one. */
  bogusLength: number | null = null;
  stderr = '';
  exitCode: number | null = null;
  exitSignal: string | null = null;
  closed = false;
  protocolError: string | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private synced = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reader & { type: number }) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly channel: ClientChannel) {
    channel.on('data', (d: Buffer) => this.onData(d));
    channel.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < MAX_STDERR) this.stderr += d.toString('utf8').slice(0, MAX_STDERR - this.stderr.length);
      this.changed();
    });
    // ssh2 emits 'exit' once, as the status arrives, and keeps it on the channel (_exit): a status
    // that came before this listener (in the same read as the channel's last reply) is read there.
    const seen = (channel as unknown as { _exit?: { code?: unknown; signal?: unknown } })._exit;
    if (typeof seen?.code === 'number') this.exitCode = seen.code;
    if (typeof seen?.signal === 'string') this.exitSignal = seen.signal;
    channel.on('exit', (code: number | null, signal?: string) => {
      if (typeof code === 'number') this.exitCode = code;
      if (typeof signal === 'string') this.exitSignal = signal;
      this.changed();
    });
    channel.on('close', () => this.onClose());
    channel.on('error', () => this.onClose());
  }

  /** Calls fn on every change (data, exit, close); returns the unsubscribe function. */
  watch(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new SftpClosedError('The server closed the SFTP session'));
    this.pending.clear();
    this.changed();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.synced) {
      this.leading = Buffer.from(this.buf.subarray(0, MAX_LEADING));
      if (this.buf.length < 9) return this.changed();
      if (this.bogusLength === null && !versionAt(this.buf, 0)) this.bogusLength = this.buf.readUInt32BE(0);
      let found = -1;
      for (let i = 0; i + 9 <= this.buf.length && i <= MAX_LEADING; i++) {
        if (versionAt(this.buf, i)) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        if (this.buf.length > MAX_LEADING) {
          this.protocolError = 'text instead of SFTP';
          this.buf = Buffer.alloc(0);
        }
        return this.changed();
      }
      this.leading = Buffer.from(this.buf.subarray(0, found));
      this.buf = this.buf.subarray(found);
      this.synced = true;
    }
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len === 0 || len > MAX_PACKET) {
        this.protocolError = `bad packet length ${len}`;
        this.buf = Buffer.alloc(0);
        break;
      }
      if (this.buf.length < 4 + len) break;
      const pkt = this.buf.subarray(4, 4 + len);
      this.buf = this.buf.subarray(4 + len);
      this.onPacket(pkt);
    }
    this.changed();
  }

  private onPacket(pkt: Buffer): void {
    const r = new Reader(pkt) as Reader & { type: number };
    try {
      r.type = r.uint8();
      if (r.type === T.VERSION) {
        this.version = r.uint32();
        try {
          for (let i = 0; i < 64 && r.pos < r.buf.length; i++) this.extensions.set(r.text().slice(0, 200), r.text().slice(0, 200));
        } catch {
          // a truncated extension list: keep what was read
        }
        return;
      }
      const id = r.uint32();
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      p.resolve(r);
    } catch {
      this.protocolError = 'malformed packet';
    }
  }

  init(): void {
    this.channel.write(Buffer.concat([u32(5), Buffer.from([T.INIT]), u32(3)]));
  }

  private request(type: number, body: Buffer[]): Promise<Reader & { type: number }> {
    if (this.closed) return Promise.reject(new SftpClosedError('The SFTP session is closed'));
    const id = this.nextId++;
    const payload = Buffer.concat([Buffer.from([type]), u32(id), ...body]);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.channel.write(Buffer.concat([u32(payload.length), payload]));
    });
  }

  private static status(r: Reader): SftpStatusError {
    const code = r.uint32();
    let msg = '';
    try {
      msg = r.text();
    } catch {
      // version 3 servers may omit the message
    }
    return new SftpStatusError(code, msg);
  }

  async realpath(path: string): Promise<string> {
    const r = await this.request(T.REALPATH, [str(path)]);
    if (r.type === T.STATUS) throw SftpWire.status(r);
    if (r.type !== T.NAME || r.uint32() < 1) throw new Error('unexpected answer to REALPATH');
    return r.text();
  }

  async opendir(path: string): Promise<Buffer> {
    const r = await this.request(T.OPENDIR, [str(path)]);
    if (r.type === T.STATUS) throw SftpWire.status(r);
    if (r.type !== T.HANDLE) throw new Error('unexpected answer to OPENDIR');
    return Buffer.from(r.string());
  }

  /** One batch of names, or null at the end of the folder. */
  async readdir(handle: Buffer): Promise<SftpNameEntry[] | null> {
    const r = await this.request(T.READDIR, [str(handle)]);
    if (r.type === T.STATUS) {
      const e = SftpWire.status(r);
      if (e.code === SFTP_STATUS.EOF) return null;
      throw e;
    }
    if (r.type !== T.NAME) throw new Error('unexpected answer to READDIR');
    const n = r.uint32();
    const out: SftpNameEntry[] = [];
    for (let i = 0; i < n && i < 100_000; i++) out.push({ filename: r.text(), longname: r.text(), attrs: r.attrs() });
    return out;
  }

  async close(handle: Buffer): Promise<void> {
    const r = await this.request(T.CLOSE, [str(handle)]);
    if (r.type === T.STATUS) {
      const e = SftpWire.status(r);
      if (e.code !== SFTP_STATUS.OK) throw e;
    }
  }

  async lstat(path: string): Promise<SftpAttrs> {
    const r = await this.request(T.LSTAT, [str(path)]);
    if (r.type === T.STATUS) throw SftpWire.status(r);
    if (r.type !== T.ATTRS) throw new Error('unexpected answer to LSTAT');
    return r.attrs();
  }

  /** Reads a whole (small) file, at most maxBytes. */
  async readFile(path: string, maxBytes: number): Promise<Buffer> {
    const o = await this.request(T.OPEN, [str(path), u32(1), u32(0)]);
    if (o.type === T.STATUS) throw SftpWire.status(o);
    if (o.type !== T.HANDLE) throw new Error('unexpected answer to OPEN');
    const handle = Buffer.from(o.string());
    const parts: Buffer[] = [];
    let offset = 0;
    try {
      for (let i = 0; i < 64 && offset < maxBytes; i++) {
        const want = Math.min(32 * 1024, maxBytes - offset);
        const r = await this.request(T.READ, [str(handle), u32(Math.floor(offset / 2 ** 32)), u32(offset % 2 ** 32), u32(want)]);
        if (r.type === T.STATUS) {
          const e = SftpWire.status(r);
          if (e.code === SFTP_STATUS.EOF) break;
          throw e;
        }
        const data = r.string();
        if (data.length === 0) break;
        parts.push(Buffer.from(data));
        offset += data.length;
      }
    } finally {
      await this.close(handle).catch(() => undefined);
    }
    return Buffer.concat(parts);
  }

  /** Opens a file with SSH_FXF_* flags (and a mode for a new file); returns the handle. */
  async open(path: string, flags: number, mode?: number): Promise<Buffer> {
    const attrs = mode === undefined ? u32(0) : Buffer.concat([u32(0x4), u32(mode)]);
    const r = await this.request(T.OPEN, [str(path), u32(flags), attrs]);
    if (r.type === T.STATUS) throw SftpWire.status(r);
    if (r.type !== T.HANDLE) throw new Error('unexpected answer to OPEN');
    return Buffer.from(r.string());
  }

  async write(handle: Buffer, offset: number, data: Buffer): Promise<void> {
    await this.expectOk(this.request(T.WRITE, [str(handle), u32(Math.floor(offset / 2 ** 32)), u32(offset % 2 ** 32), str(data)]));
  }

  /** Up to `length` bytes at `offset`; null at the end of the file. */
  async read(handle: Buffer, offset: number, length: number): Promise<Buffer | null> {
    const r = await this.request(T.READ, [str(handle), u32(Math.floor(offset / 2 ** 32)), u32(offset % 2 ** 32), u32(length)]);
    if (r.type === T.STATUS) {
      const e = SftpWire.status(r);
      if (e.code === SFTP_STATUS.EOF) return null;
      throw e;
    }
    if (r.type !== T.DATA) throw new Error('unexpected answer to READ');
    return Buffer.from(r.string());
  }

  async fstat(handle: Buffer): Promise<SftpAttrs> {
    const r = await this.request(T.FSTAT, [str(handle)]);
    if (r.type === T.STATUS) throw SftpWire.status(r);
    if (r.type !== T.ATTRS) throw new Error('unexpected answer to FSTAT');
    return r.attrs();
  }

  async remove(path: string): Promise<void> {
    await this.expectOk(this.request(T.REMOVE, [str(path)]));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.expectOk(this.request(T.RENAME, [str(from), str(to)]));
  }

  /** statvfs@openssh.com for the file system holding path; null when the server does not offer it. */
  async statvfs(path: string): Promise<SftpStatvfs | null> {
    if (!this.extensions.has('statvfs@openssh.com')) return null;
    const r = await this.request(T.EXTENDED, [str('statvfs@openssh.com'), str(path)]);
    if (r.type === T.STATUS) throw SftpWire.status(r);
    if (r.type !== T.EXTENDED_REPLY) throw new Error('unexpected answer to statvfs');
    const v = Array.from({ length: 11 }, () => r.uint64());
    return { blockSize: v[0]!, fragmentSize: v[1]!, blocks: v[2]!, freeBlocks: v[3]!, availBlocks: v[4]!, files: v[5]!, freeFiles: v[6]!, availFiles: v[7]!, readOnly: (v[9]! & 0x1) !== 0 };
  }

  private async expectOk(p: Promise<Reader & { type: number }>): Promise<void> {
    const r = await p;
    if (r.type !== T.STATUS) throw new Error('unexpected answer');
    const e = SftpWire.status(r);
    if (e.code !== SFTP_STATUS.OK) throw e;
  }

  /**
   * Writes requests without waiting (fire and forget), for a clean-up on the way out: the answers
   * are not awaited and failures are ignored.
   */
  sendQuietly(fn: (wire: SftpWire) => Promise<unknown>): void {
    if (this.closed) return;
    fn(this).catch(() => undefined);
  }

  end(): void {
    try {
      this.channel.end();
    } catch {
      // already gone
    }
  }
}

/**
 * Text printed where SFTP packets were expected, made readable: control bytes shown as \xNN,
 * at most maxChars characters.
 */
export function printable(buf: Buffer, maxChars = 2000): string {
  const s = buf.subarray(0, maxChars * 2).toString('utf8');
  return s
    .replace(/\r\n/g, '\n')
    .replace(/[^\t\n\x20-\x7e\u00a0-\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .slice(0, maxChars);
}

/** What a wrong "packet length" says as text: 1214606444 is "Hell" (of "Hello"). */
export function lengthAsText(length: number): string {
  return printable(uint32(length));
}
