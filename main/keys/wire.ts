/** SSH wire encodings (RFC 4251 string/uint32/mpint) and BigInt helpers for the key codecs. */

/** Thrown by the readers when a structure runs past its end or is malformed. */
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

  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new TruncatedError(`unexpected end of data (need ${n} bytes, ${this.remaining} left)`);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
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

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod === 1n) return 0n;
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    e >>= 1n;
    b = (b * b) % mod;
  }
  return result;
}

export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return ((oldS % m) + m) % m;
}
