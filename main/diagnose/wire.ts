import type { AlgorithmLists } from '../../shared/types';
import { SshReader, tryRead } from '../common/ssh-wire';

/**
 * Records what a server sends before encryption starts — lines before its identification, the
 * identification line itself and its first binary packet (KEXINIT) — and classifies it.
 * Bounded: it keeps at most MAX_RECORD bytes and stops listening once it has the KEXINIT.
 */

export const MAX_RECORD = 64 * 1024;
/** ssh2 refuses identification lines longer than this; RFC 4253 allows 255. */
export const MAX_IDENT_LINE = 8192;
const MAX_PRE_BANNER_LINES_KEPT = 20;
const MAX_PACKET = 35_000;

export type WireVerdict =
  | { kind: 'pending' }
  | { kind: 'ssh2'; ident: string; software: string }
  | { kind: 'ftp'; line: string }
  | { kind: 'ssh1'; ident: string }
  | { kind: 'not-ssh'; reason: 'http' | 'tls' | 'binary' | 'text' | 'too-long' | 'too-much' | 'bad-version'; sample: string };

export interface KexinitInfo {
  algorithms: AlgorithmLists;
  /** Server-to-client lists where they differ from client-to-server. */
  cipherServerToClient: string[];
  macServerToClient: string[];
  compressionServerToClient: string[];
  firstKexPacketFollows: boolean;
}

/** Printable view of bytes: text kept, control and non-ASCII bytes shown as \xNN, cut to max chars. */
export function printable(bytes: Buffer, max = 160): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  if (bytes.length > max) out += '…';
  return out;
}

function isTextByte(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0xc2;
}

export class WireRecorder {
  /** Every byte kept (at most MAX_RECORD). */
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes seen in total (also past the limit). */
  bytesSeen = 0;
  verdict: WireVerdict = { kind: 'pending' };
  preBanner: string[] = [];
  preBannerCount = 0;
  kexinit: KexinitInfo | null = null;
  /** A problem with the first binary packet (absurd length, not a KEXINIT). */
  packetProblem: string | null = null;
  private lineStart = 0;
  private identEnd = -1;
  done = false;

  /** First bytes received, for quoting. */
  firstBytes(max = 160): string {
    return printable(this.buf, max);
  }

  feed(chunk: Buffer): void {
    this.bytesSeen += chunk.length;
    if (this.done) return;
    const room = MAX_RECORD - this.buf.length;
    const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.buf = Buffer.concat([this.buf, take]);
    if (this.verdict.kind === 'pending') this.scanLines();
    if (this.verdict.kind === 'ssh2') this.scanPacket();
    if (this.verdict.kind !== 'pending' && this.verdict.kind !== 'ssh2') this.done = true;
    if (this.verdict.kind === 'pending' && this.buf.length >= MAX_RECORD) {
      this.verdict = { kind: 'not-ssh', reason: 'too-much', sample: this.firstBytes() };
      this.done = true;
    }
  }

  private scanLines(): void {
    // The very first bytes tell binary protocols apart before any line end arrives.
    if (this.lineStart === 0 && this.buf.length > 0) {
      const b0 = this.buf[0]!;
      if ((b0 === 0x15 || b0 === 0x16) && (this.buf.length < 2 || this.buf[1] === 0x03)) {
        this.verdict = { kind: 'not-ssh', reason: 'tls', sample: this.firstBytes(32) };
        return;
      }
      const head = this.buf.subarray(0, 16);
      if (!head.every(isTextByte)) {
        this.verdict = { kind: 'not-ssh', reason: 'binary', sample: this.firstBytes(48) };
        return;
      }
    }
    for (;;) {
      const nl = this.buf.indexOf(0x0a, this.lineStart);
      if (nl === -1) {
        const partial = this.buf.subarray(this.lineStart);
        if (partial.length > MAX_IDENT_LINE) {
          this.verdict = { kind: 'not-ssh', reason: 'too-long', sample: printable(partial, 80) };
        } else if (this.lineStart === 0 && partial.length >= 4 && partial.subarray(0, 4).toString('latin1') === '220 ' && partial.length > 12) {
          // FTP greetings are one line; no need to wait for its end.
          this.verdict = { kind: 'ftp', line: partial.toString('latin1') };
        }
        return;
      }
      let line = this.buf.subarray(this.lineStart, nl).toString('latin1');
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const first = this.lineStart === 0;
      this.lineStart = nl + 1;
      if (line.length > MAX_IDENT_LINE) {
        this.verdict = { kind: 'not-ssh', reason: 'too-long', sample: line.slice(0, 80) };
        return;
      }
      if (line.startsWith('SSH-')) {
        const m = /^SSH-([0-9.]+)-(.*)$/.exec(line);
        const version = m?.[1] ?? '';
        if (version === '2.0' || version === '1.99') {
          this.verdict = { kind: 'ssh2', ident: line, software: m?.[2] ?? '' };
          this.identEnd = this.lineStart;
        } else if (version.startsWith('1.')) {
          this.verdict = { kind: 'ssh1', ident: line };
        } else {
          this.verdict = { kind: 'not-ssh', reason: 'bad-version', sample: line.slice(0, 160) };
        }
        return;
      }
      if (first && /^220[ -]/.test(line)) {
        this.verdict = { kind: 'ftp', line };
        return;
      }
      // A web server answering our greeting as an old-style (HTTP/0.9) request sends its error
      // page alone, without a status line: a page is still a web server.
      if (first && (/^HTTP\/\d/.test(line) || /^\s*<(!doctype\s+html|html[\s>]|head>|body[\s>]|\?xml)/i.test(line))) {
        this.verdict = { kind: 'not-ssh', reason: 'http', sample: line.slice(0, 160) };
        return;
      }
      if (!Buffer.from(line, 'latin1').every(isTextByte)) {
        this.verdict = { kind: 'not-ssh', reason: 'binary', sample: printable(Buffer.from(line, 'latin1'), 80) };
        return;
      }
      this.preBannerCount++;
      if (this.preBanner.length < MAX_PRE_BANNER_LINES_KEPT) this.preBanner.push(line.slice(0, 200));
    }
  }

  private scanPacket(): void {
    const p = this.buf.subarray(this.identEnd);
    if (p.length < 5) return;
    const len = new SshReader(p).uint32();
    if (len < 5 || len > MAX_PACKET) {
      this.packetProblem = `the first packet claims to be ${len} bytes long`;
      this.done = true;
      return;
    }
    if (p.length < 4 + len) {
      if (this.buf.length >= MAX_RECORD) this.done = true;
      return;
    }
    const padding = p[4]!;
    const payload = p.subarray(5, 4 + len - padding);
    this.done = true;
    if (payload[0] !== 20) {
      this.packetProblem = `the first packet is message type ${payload[0] ?? 'none'}, not the key exchange offer (20)`;
      return;
    }
    this.kexinit = parseKexinit(payload);
    if (!this.kexinit) this.packetProblem = 'the key exchange offer could not be read';
  }
}

/** Parses a KEXINIT payload (starting with message type 20). Null when malformed. */
export function parseKexinit(payload: Buffer): KexinitInfo | null {
  return tryRead(payload, (r) => {
    if (r.uint8() !== 20) return null;
    r.bytes(16); // cookie
    const lists: string[][] = [];
    for (let i = 0; i < 10; i++) {
      const s = r.latin1();
      lists.push(s === '' ? [] : s.split(','));
    }
    const follows = r.remaining > 0 ? r.uint8() !== 0 : false;
    const [kex, hostKey, cCs, cSc, mCs, mSc, zCs, zSc] = lists as [string[], string[], string[], string[], string[], string[], string[], string[]];
    return {
      algorithms: { kex, serverHostKey: hostKey, cipher: cCs, mac: mCs, compression: zCs },
      cipherServerToClient: cSc,
      macServerToClient: mSc,
      compressionServerToClient: zSc,
      firstKexPacketFollows: follows,
    };
  });
}
