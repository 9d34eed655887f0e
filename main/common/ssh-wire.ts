/**
 * The one SSH wire reader and writer (RFC 4251 byte, uint32, uint64, string, mpint; the SSH-1 and
 * ssh.com mpints the old key formats use), for diagnose (KEXINIT, SFTP packets), keys (every key
 * codec), import (host keys), store (known_hosts) and bundle (secret scan).
 *
 * Bounded: every read is checked against the end of the data and against an optional size limit,
 * and a short or lying length throws TruncatedError (never reads past the end, never allocates
 * what a length field claims). Callers that only ask "is this well formed?" use `tryRead`.
 */

/** Thrown by the reader when a structure runs past its end, is larger than allowed or malformed. */
export class TruncatedError extends Error {
  override readonly name = 'TruncatedError';
}

export class SshReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  uint8(): number {
    if (this.pos + 1 > this.buf.length) throw new TruncatedError('unexpected end of data (byte)');
    return this.buf[this.pos++]!;
  }

  uint16(): number {
    if (this.pos + 2 > this.buf.length) throw new TruncatedError('unexpected end of data (uint16)');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint32(): number {
    if (this.pos + 4 > this.buf.length) throw new TruncatedError('unexpected end of data (uint32)');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** uint64 as a number (exact up to 2^53, which every size and date we read stays below). */
  uint64(): number {
    const hi = this.uint32();
    const lo = this.uint32();
    return hi * 2 ** 32 + lo;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new TruncatedError(`unexpected end of data (need ${n} bytes, ${this.remaining} left)`);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A length-prefixed string; `max` refuses one longer than that (a field that is never long). */
  string(max?: number): Buffer {
    const n = this.uint32();
    if (max !== undefined && n > max) throw new TruncatedError(`a field claims ${n} bytes, more than the ${max} it may have`);
    return this.bytes(n);
  }

  text(max?: number): string {
    return this.string(max).toString('utf8');
  }

  /** A string of single-byte characters (algorithm names, name-lists). */
  latin1(max?: number): string {
    return this.string(max).toString('latin1');
  }

  /** RFC 4251 mpint (two's complement; keys are never negative). */
  mpint(): bigint {
    const b = this.string();
    if (b.length > 0 && (b[0]! & 0x80) !== 0) throw new TruncatedError('negative number in key data');
    return bufToBig(b);
  }

  /** SSH-1 mpint: uint16 bit count, then the bytes. */
  mpint1(): bigint {
    const bits = this.uint16();
    return bufToBig(this.bytes(Math.ceil(bits / 8)));
  }

  /** ssh.com mpint: uint32 bit count, then the bytes. */
  mpintBits32(): bigint {
    const bits = this.uint32();
    if (bits > 65536) throw new TruncatedError('number too large in key data');
    return bufToBig(this.bytes(Math.ceil(bits / 8)));
  }
}

/** Runs a read over `buf`; null when the data is short or malformed (TruncatedError), other errors pass. */
export function tryRead<T>(buf: Buffer, read: (r: SshReader) => T): T | null {
  try {
    return read(new SshReader(buf));
  } catch (err) {
    if (err instanceof TruncatedError) return null;
    throw err;
  }
}

export class SshWriter {
  private parts: Buffer[] = [];

  uint8(v: number): this {
    this.parts.push(Buffer.from([v & 0xff]));
    return this;
  }

  uint32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.parts.push(b);
    return this;
  }

  uint64(v: number): this {
    return this.uint32(Math.floor(v / 2 ** 32)).uint32(v % 2 ** 32);
  }

  raw(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  string(b: Uint8Array | string): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
    this.uint32(buf.length);
    this.parts.push(buf);
    return this;
  }

  mpint(v: bigint): this {
    if (v < 0n) throw new RangeError('negative');
    let b = bigToBuf(v);
    if (b.length > 0 && (b[0]! & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
    return this.string(b);
  }

  /** SSH-1 mpint. */
  mpint1(v: bigint): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(bitLength(v));
    this.parts.push(b, bigToBuf(v));
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** One length-prefixed SSH string. */
export function sshString(data: Uint8Array | string): Buffer {
  return new SshWriter().string(data).toBuffer();
}

/** A uint32 in network byte order. */
export function uint32(n: number): Buffer {
  return new SshWriter().uint32(n).toBuffer();
}

export function bufToBig(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

/** Minimal big-endian bytes (empty for zero), or exactly `len` bytes when given. */
export function bigToBuf(v: bigint, len?: number): Buffer {
  if (v < 0n) throw new RangeError('negative');
  let hex = v === 0n ? '' : v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const b = Buffer.from(hex, 'hex');
  if (len === undefined) return b;
  if (b.length > len) throw new RangeError('number too large for its field');
  return Buffer.concat([Buffer.alloc(len - b.length), b]);
}

export function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}
