import { describe, expect, it } from 'vitest';
import { SshReader, SshWriter, TruncatedError, bigToBuf, sshString, tryRead } from './ssh-wire';

describe('the one SSH wire reader and writer', () => {
  it('reads back what it writes: bytes, uint32, uint64, strings and mpints', () => {
    const big = 2n ** 200n + 12345n;
    const buf = new SshWriter().uint8(20).uint32(0xfffffffe).uint64(2 ** 40 + 7).string('ssh-ed25519').mpint(big).mpint(0n).mpint(0x80n).toBuffer();
    const r = new SshReader(buf);
    expect(r.uint8()).toBe(20);
    expect(r.uint32()).toBe(0xfffffffe);
    expect(r.uint64()).toBe(2 ** 40 + 7);
    expect(r.text()).toBe('ssh-ed25519');
    expect(r.mpint()).toBe(big);
    expect(r.mpint()).toBe(0n);
    expect(r.mpint()).toBe(0x80n);
    expect(r.remaining).toBe(0);
  });

  it('writes mpints as RFC 4251 says (a leading zero byte when the top bit is set, nothing for zero)', () => {
    expect(new SshWriter().mpint(0n).toBuffer().toString('hex')).toBe('00000000');
    expect(new SshWriter().mpint(0x80n).toBuffer().toString('hex')).toBe('000000020080');
    expect(new SshWriter().mpint(0x7fn).toBuffer().toString('hex')).toBe('000000017f');
  });

  it('never reads past the end: a string whose length lies is refused, not allocated', () => {
    const lying = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xf0]), Buffer.from('abc')]);
    expect(() => new SshReader(lying).string()).toThrow(TruncatedError);
    expect(() => new SshReader(Buffer.from([0, 0])).uint32()).toThrow(TruncatedError);
    expect(tryRead(lying, (r) => r.string())).toBeNull();
    expect(tryRead(sshString('ok'), (r) => r.text())).toBe('ok');
  });

  it('refuses a field longer than the caller allows, even when the data holds it', () => {
    const long = sshString('x'.repeat(100));
    expect(() => new SshReader(long).latin1(64)).toThrow(/more than the 64/);
    expect(new SshReader(long).latin1(100)).toHaveLength(100);
  });

  it('tryRead lets errors that are not about the data through', () => {
    expect(() =>
      tryRead(sshString('x'), () => {
        throw new RangeError('a bug');
      }),
    ).toThrow(RangeError);
  });

  it('pads numbers to a fixed width and refuses one that does not fit', () => {
    expect(bigToBuf(1n, 4).toString('hex')).toBe('00000001');
    expect(() => bigToBuf(2n ** 40n, 4)).toThrow(RangeError);
  });
});
