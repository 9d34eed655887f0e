import type { ConnectionRequest, Facts } from '../../../shared/types';
import type { PhaseModule, PhaseOutcome } from '../context';
import { checkKey, keyGiven } from '../keycheck';

/** Ports that normally belong to another protocol than SFTP. */
export const OTHER_PROTOCOL_PORTS: Record<number, string> = { 21: 'FTP', 990: 'FTPS', 80: 'HTTP', 443: 'HTTPS' };

export interface HostFieldParse {
  /** The bare host name or address. */
  host: string;
  scheme?: string;
  user?: string;
  port?: number;
  /** Port text that followed a colon but is not a valid port. */
  badPort?: string;
  path?: string;
  /** Spaces before or after the text. */
  outerWhitespace: boolean;
  /** Spaces inside the host name itself. */
  innerWhitespace: boolean;
}

/**
 * Reads what a person may paste into a host field: `sftp://user@host:2222/path`, `user@host`,
 * `host:port`, `[v6]:port`, a bare IPv6 address, spaces around it.
 */
export function parseHostField(raw: string): HostFieldParse {
  const trimmed = raw.trim();
  const out: HostFieldParse = { host: trimmed, outerWhitespace: trimmed !== raw, innerWhitespace: false };
  let rest = trimmed;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    out.scheme = scheme[1]!.toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  // Path: from the first "/" after the authority part.
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const p = rest.slice(slash);
    if (p !== '/') out.path = decodeSafe(p);
    else if (scheme) out.path = undefined;
    rest = rest.slice(0, slash);
  }
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    out.user = decodeSafe(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(rest);
  if (bracket) {
    rest = bracket[1]!;
    if (bracket[2] !== undefined) setPort(out, bracket[2]);
  } else {
    const colons = rest.split(':').length - 1;
    if (colons === 1) {
      const [h, p] = rest.split(':') as [string, string];
      rest = h;
      setPort(out, p);
    }
    // Two or more colons without brackets: a bare IPv6 address.
  }
  out.host = rest;
  out.innerWhitespace = /\s/.test(rest);
  return out;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function setPort(out: HostFieldParse, text: string): void {
  const n = parsePort(text);
  if (n === null) out.badPort = text;
  else out.port = n;
}

/** A port number 1..65535 from a number or text, or null. Empty means "not given". */
export function parsePort(value: number | string): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

export type InputFacts = NonNullable<Facts['input']>;

/** Checks the form before the network is touched. Pure: exported for the form's own live checks. */
export function checkInput(request: ConnectionRequest): InputFacts {
  const parsed = parseHostField(request.host ?? '');
  const warnings: string[] = [];
  const whitespace: NonNullable<InputFacts['whitespace']> = [];
  const user = request.user ?? '';
  if (parsed.outerWhitespace) whitespace.push('host');
  if (user !== user.trim()) {
    whitespace.push('user');
    warnings.push('The user name has spaces before or after it.');
  }
  if (request.password !== undefined && request.password !== request.password.trim()) {
    whitespace.push('password');
    warnings.push('The password starts or ends with a space (it will be sent as typed).');
  }
  if (request.passphrase !== undefined && request.passphrase !== request.passphrase.trim()) whitespace.push('passphrase');

  const portGiven = request.port !== undefined && request.port !== null && String(request.port).trim() !== '';
  const portFromField = portGiven ? parsePort(request.port!) : 22;
  const facts: InputFacts = {
    host: parsed.host,
    port: portFromField ?? 0,
    user: user.trim(),
    warnings,
    ...(whitespace.length ? { whitespace } : {}),
  };

  if (parsed.host === '' && !parsed.user && !parsed.port) {
    return { ...facts, problem: 'host-empty' };
  }
  const hostFieldHasMore = parsed.scheme !== undefined || parsed.user !== undefined || parsed.port !== undefined || parsed.badPort !== undefined || parsed.path !== undefined || parsed.outerWhitespace;
  if (hostFieldHasMore || parsed.innerWhitespace) {
    const split: NonNullable<InputFacts['split']> = { host: parsed.host.replace(/\s+/g, '') };
    if (parsed.scheme) split.scheme = parsed.scheme;
    if (parsed.user !== undefined) split.user = parsed.user;
    if (parsed.port !== undefined) split.port = parsed.port;
    if (parsed.path !== undefined) split.path = parsed.path;
    return { ...facts, host: split.host, problem: 'host-field', split, ...(parsed.badPort !== undefined ? { portText: parsed.badPort } : {}) };
  }
  if (portFromField === null) {
    return { ...facts, problem: 'port-invalid', portText: String(request.port) };
  }
  if (OTHER_PROTOCOL_PORTS[portFromField] && request.protocol !== undefined) {
    facts.otherProtocolPort = portFromField;
    warnings.push(`Port ${portFromField} is normally used by ${OTHER_PROTOCOL_PORTS[portFromField]}, not SFTP (which normally uses 22).`);
  }
  if (/^www\./i.test(parsed.host)) {
    warnings.push('The host name starts with "www.": that is usually the web site, and the SFTP server may have another name.');
  }
  return facts;
}

export const inputPhase: PhaseModule = {
  phase: 'input',
  async run(ctx): Promise<PhaseOutcome> {
    const input = checkInput(ctx.request);
    if (input.problem === 'host-empty') return { status: 'fail', detail: 'The host field is empty', facts: { input }, stop: true };
    if (input.problem === 'host-field') return { status: 'fail', detail: 'The host field holds more than a host name', facts: { input }, stop: true };
    if (input.problem === 'port-invalid') return { status: 'fail', detail: `"${input.portText ?? ''}" is not a port number`, facts: { input }, stop: true };
    const detail = `${input.user ? `${input.user}@` : ''}${input.host}:${input.port}`;
    // The key is checked here, before the network: a missing passphrase or a .pub file is known at once.
    if (keyGiven(ctx.request.privateKey)) {
      ctx.progress('Reading the private key…');
      const { facts: key, key: ready } = await checkKey(ctx);
      if (key.error) return { status: 'fail', detail: `The private key cannot be used: ${key.error.message}`, facts: { input, key }, stop: true };
      ctx.link.key = ready;
      const keyNote = `key ${key.type} ${key.fingerprint}${key.convertedFrom ? ` (${key.convertedFrom}, converted in memory)` : ''}`;
      return { status: input.warnings.length ? 'warn' : 'ok', detail: `${detail}, ${keyNote}${input.warnings.length ? ` — ${input.warnings[0]}` : ''}`, facts: { input, key } };
    }
    return { status: input.warnings.length ? 'warn' : 'ok', detail: input.warnings.length ? `${detail} — ${input.warnings[0]}` : detail, facts: { input } };
  },
};
