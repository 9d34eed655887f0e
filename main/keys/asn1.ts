/** Just enough DER to read and write the PEM key structures (PKCS#1, SEC1, PKCS#8, DSA). */
import { bigToBuf, bufToBig } from '../common/ssh-wire';

export interface Tlv {
  tag: number;
  value: Buffer;
  /** Offset just past this element in the buffer it was read from. */
  end: number;
}

export class DerError extends Error {
  override readonly name = 'DerError';
}

export function readTlv(buf: Buffer, pos = 0): Tlv {
  if (pos + 2 > buf.length) throw new DerError('DER data ends early');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw new DerError('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new DerError('DER data ends early');
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

/** The children of a constructed element (SEQUENCE or context tag). */
export function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < value.length && out.length < 64) {
    const t = readTlv(value, pos);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function expectSeq(t: Tlv | undefined): Tlv[] {
  if (!t || t.tag !== 0x30) throw new DerError('expected a DER SEQUENCE');
  return children(t.value);
}

export function intOf(t: Tlv | undefined): bigint {
  if (!t || t.tag !== 0x02) throw new DerError('expected a DER INTEGER');
  if (t.value.length > 0 && (t.value[0]! & 0x80)) throw new DerError('negative DER INTEGER');
  return bufToBig(t.value);
}

export function oidOf(t: Tlv | undefined): string {
  if (!t || t.tag !== 0x06 || t.value.length === 0) throw new DerError('expected a DER OBJECT IDENTIFIER');
  const v = t.value;
  const parts = [Math.floor(v[0]! / 40), v[0]! % 40];
  let acc = 0;
  for (let i = 1; i < v.length; i++) {
    acc = acc * 128 + (v[i]! & 0x7f);
    if (!(v[i]! & 0x80)) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

function lenBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const b = bigToBuf(BigInt(n));
  return Buffer.concat([Buffer.from([0x80 | b.length]), b]);
}

export function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), lenBytes(body.length), body]);
}

export const seq = (...c: Buffer[]): Buffer => der(0x30, ...c);
export const octets = (b: Buffer): Buffer => der(0x04, b);
export const bitString = (b: Buffer): Buffer => der(0x03, Buffer.from([0]), b);

export function derInt(v: bigint): Buffer {
  let b = bigToBuf(v);
  if (b.length === 0 || (b[0]! & 0x80)) b = Buffer.concat([Buffer.from([0]), b]);
  return der(0x02, b);
}

export function derOid(oid: string): Buffer {
  const nums = oid.split('.').map(Number);
  const out = [nums[0]! * 40 + nums[1]!];
  for (const n of nums.slice(2)) {
    const enc = [n & 0x7f];
    let v = Math.floor(n / 128);
    while (v > 0) {
      enc.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...enc);
  }
  return der(0x06, Buffer.from(out));
}

export function toPem(label: string, body: Buffer, headers: string[] = []): string {
  const b64 = body.toString('base64').match(/.{1,64}/g) ?? [];
  const head = headers.length ? `${headers.join('\n')}\n\n` : '';
  return `-----BEGIN ${label}-----\n${head}${b64.join('\n')}\n-----END ${label}-----\n`;
}
