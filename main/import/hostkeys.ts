/**
 * PuTTY's (and WinSCP's) cached host keys -> OpenSSH known_hosts lines.
 *
 * PuTTY stores each key as `<type>@<port>:<host>` = the key's numbers in hex:
 *   rsa2                 0x<e>,0x<n>
 *   dss                  0x<p>,0x<q>,0x<g>,0x<y>
 *   ecdsa-sha2-nistpNNN  nistpNNN,0x<x>,0x<y>        (affine point)
 *   ssh-ed25519          0x<x>,0x<y>                 (affine point, not the 32-byte encoding)
 * We rebuild the SSH wire blob from those numbers (RFC 4253 strings and mpints, RFC 5656 points,
 * RFC 8709 Ed25519 encoding) and check that curve points really are on their curve, so a damaged
 * value is reported instead of turning into a wrong key.
 */
import { fingerprintSha256, hostLookupName, hostNameProblem } from '../store/known-hosts';
import { percentDecode } from './common';
import { SshWriter, bigToBuf, sshString } from '../common/ssh-wire';

/**
 * A stored value that is not a usable key. One is thrown for each bad value of a file, so it is
 * made without a stack trace (nobody reads one; capturing it was most of the cost: 20,000 bad
 * values took 0.3 s).
 */
export class HostKeyFormatError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'HostKeyFormatError';
  }
}

export interface ConvertedHostKey {
  /** One literal host name (never a pattern, list or hashed name), as the other program stored it. */
  host: string;
  port: number;
  /** OpenSSH key type, e.g. "ssh-ed25519". */
  type: string;
  keyBase64: string;
  sha256: string;
  /** "host type base64" or "[host]:port type base64". */
  line: string;
}

interface NistCurve {
  name: string;
  p: bigint;
  b: bigint;
  size: number;
}

const NIST: Record<string, NistCurve> = {
  nistp256: {
    name: 'nistp256',
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    size: 32,
  },
  nistp384: {
    name: 'nistp384',
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    size: 48,
  },
  nistp521: {
    name: 'nistp521',
    p: (1n << 521n) - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    size: 66,
  },
};

const ED25519_P = (1n << 255n) - 19n;
const ED25519_D = 0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3n;

function mod(a: bigint, p: bigint): bigint {
  const r = a % p;
  return r < 0n ? r + p : r;
}

function parseHexNumber(text: string, what: string): bigint {
  const t = text.trim();
  if (!/^0x[0-9a-fA-F]+$/.test(t)) throw new HostKeyFormatError(`${what} is not a hexadecimal number ("${t.slice(0, 20)}${t.length > 20 ? '...' : ''}")`);
  if (t.length > 4100) throw new HostKeyFormatError(`${what} is far too long to be a key number`);
  return BigInt(t);
}

/** Big-endian bytes of exactly `len` bytes (a curve coordinate). */
function fixedBytes(n: bigint, len: number): Buffer {
  if (n < 0n || bigToBuf(n).length > len) throw new HostKeyFormatError('a coordinate is larger than the curve allows');
  return bigToBuf(n, len);
}

function mpint(n: bigint): Buffer {
  if (n < 0n) throw new HostKeyFormatError('a key number is negative');
  return new SshWriter().mpint(n).toBuffer();
}

function parts(value: string, count: number, type: string): string[] {
  const list = value.split(',').map((s) => s.trim());
  if (list.length !== count) {
    throw new HostKeyFormatError(`a ${type} key has ${count} numbers separated by commas, but this value has ${list.length}`);
  }
  return list;
}

/** The SSH public key blob from PuTTY's stored form. Returns the OpenSSH type and the blob. */
export function puttyKeyBlob(puttyType: string, value: string): { type: string; blob: Buffer } {
  switch (puttyType) {
    case 'rsa2': {
      const [e, n] = parts(value, 2, 'RSA').map((v, i) => parseHexNumber(v, i === 0 ? 'the RSA exponent' : 'the RSA modulus')) as [bigint, bigint];
      if (e < 3n || e % 2n === 0n || n < 1n << 511n) throw new HostKeyFormatError('the RSA numbers do not form a usable key');
      return { type: 'ssh-rsa', blob: Buffer.concat([sshString('ssh-rsa'), mpint(e), mpint(n)]) };
    }
    case 'dss': {
      const nums = parts(value, 4, 'DSA').map((v) => parseHexNumber(v, 'a DSA number'));
      if (nums.some((x) => x === 0n)) throw new HostKeyFormatError('a DSA number is zero');
      return { type: 'ssh-dss', blob: Buffer.concat([sshString('ssh-dss'), ...nums.map(mpint)]) };
    }
    case 'ssh-ed25519': {
      const [x, y] = parts(value, 2, 'Ed25519').map((v, i) => parseHexNumber(v, i === 0 ? 'the x coordinate' : 'the y coordinate')) as [bigint, bigint];
      if (x >= ED25519_P || y >= ED25519_P) throw new HostKeyFormatError('a coordinate is larger than the curve allows');
      // -x^2 + y^2 = 1 + d x^2 y^2 (mod p)
      const x2 = mod(x * x, ED25519_P);
      const y2 = mod(y * y, ED25519_P);
      if (mod(y2 - x2 - 1n - ED25519_D * x2 * y2, ED25519_P) !== 0n) {
        throw new HostKeyFormatError('the Ed25519 point is not on the curve (the value is damaged)');
      }
      // RFC 8032: y little-endian, top bit = low bit of x.
      const enc = fixedBytes(y, 32).reverse();
      if (x & 1n) enc[31] = enc[31]! | 0x80;
      return { type: 'ssh-ed25519', blob: Buffer.concat([sshString('ssh-ed25519'), sshString(enc)]) };
    }
    default: {
      const m = /^ecdsa-sha2-(nistp256|nistp384|nistp521)$/.exec(puttyType);
      if (!m) {
        if (puttyType === 'rsa') throw new HostKeyFormatError('it is an SSH-1 key; SSH-1 is obsolete and not supported');
        if (puttyType === 'ssh-ed448') throw new HostKeyFormatError('Ed448 host keys are not supported by OpenSSH, so they cannot be used here');
        throw new HostKeyFormatError(`the key type "${puttyType}" is not known`);
      }
      const curve = NIST[m[1]!]!;
      const [name, xs, ys] = parts(value, 3, 'ECDSA') as [string, string, string];
      if (name !== curve.name) throw new HostKeyFormatError(`the value is for curve "${name}" but the name says ${curve.name}`);
      const x = parseHexNumber(xs, 'the x coordinate');
      const y = parseHexNumber(ys, 'the y coordinate');
      if (x >= curve.p || y >= curve.p) throw new HostKeyFormatError('a coordinate is larger than the curve allows');
      // y^2 = x^3 - 3x + b (mod p)
      if (mod(y * y - (x * x * x - 3n * x + curve.b), curve.p) !== 0n) {
        throw new HostKeyFormatError('the ECDSA point is not on the curve (the value is damaged)');
      }
      const point = Buffer.concat([Buffer.from([4]), fixedBytes(x, curve.size), fixedBytes(y, curve.size)]);
      return { type: puttyType, blob: Buffer.concat([sshString(puttyType), sshString(curve.name), sshString(point)]) };
    }
  }
}

/** How OpenSSH names a host in known_hosts: lower case, "[host]:port" unless the port is 22. */
export const knownHostsName = hostLookupName;

/**
 * One PuTTY/WinSCP host key entry -> a known_hosts line. `name` is the stored name
 * (`type@port:host`, possibly %-escaped as in the registry). Throws HostKeyFormatError with a
 * reason a user can read.
 */
export function puttyHostKeyToKnownHosts(name: string, value: string): ConvertedHostKey {
  const decoded = percentDecode(name.trim());
  const m = /^([A-Za-z0-9-]+)@(\d{1,5}):(.+)$/.exec(decoded);
  if (!m) throw new HostKeyFormatError(`"${decoded}" is not in the form type@port:host`);
  const [, puttyType, portText, rawHost] = m as unknown as [string, string, string, string];
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new HostKeyFormatError(`the port ${portText} is not valid`);
  const host = rawHost.trim();
  // Only a key for one literal server may become trusted: a "*" (or "?", "!", a list, a hashed
  // name) would make every matching server "known" and its password sent without a question.
  const problem = hostNameProblem(host);
  if (problem) throw new HostKeyFormatError(`it is not for one server: ${problem}`);
  const { type, blob } = puttyKeyBlob(puttyType, value);
  const keyBase64 = blob.toString('base64');
  return { host, port, type, keyBase64, sha256: fingerprintSha256(blob), line: `${knownHostsName(host, port)} ${type} ${keyBase64}` };
}
