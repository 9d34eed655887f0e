/**
 * What people type or paste into a "Host name" field (or give the CLI as TARGET):
 * sftp://user@host:2222/path, user@host, host:port, [v6]:port, a bare IPv6 address, scp://...,
 * ssh://..., spaces around it. ONE reader for the engine's input check (main/diagnose), the CLI's
 * TARGET and the window's paste splitting, so they never disagree about a field. Pure.
 */
import type { Protocol } from './types';

export const DEFAULT_SSH_PORT = 22;

/** Schemes a host field may start with: the ones we check, and the ones we recognise but do not. */
export const HOST_SCHEMES: Record<string, Protocol | 'unsupported'> = {
  sftp: 'sftp',
  ssh: 'sftp',
  scp: 'scp',
  ftp: 'unsupported',
  ftps: 'unsupported',
  ftpes: 'unsupported',
  http: 'unsupported',
  https: 'unsupported',
  webdav: 'unsupported',
  dav: 'unsupported',
};

export interface HostFieldParse {
  /** The bare host name or address. */
  host: string;
  /** The scheme, lower case, without "://". */
  scheme?: string;
  user?: string;
  /** A password in a URL ("sftp://user:pw@host"); only read after a scheme. Never put into facts. */
  password?: string;
  port?: number;
  /** Port text that followed a colon but is not a valid port. */
  badPort?: string;
  /** The folder after the address ("/" alone is no folder). */
  path?: string;
  /** Spaces before or after the text. */
  outerWhitespace: boolean;
  /** Spaces inside the host name itself. */
  innerWhitespace: boolean;
}

/** A port number 1..65535 from a number or text, or null. */
export function parsePort(value: number | string): number | null {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * "host", "host:port", "[v6]" or "[v6]:port"; two or more colons without brackets are a bare IPv6
 * address (no port guessed). `portText` is what followed the colon, whether or not it is a port.
 */
export function splitHostPort(text: string): { host: string; portText?: string } {
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracket) return { host: bracket[1]!, ...(bracket[2] !== undefined ? { portText: bracket[2] } : {}) };
  const colon = text.indexOf(':');
  if (colon >= 0 && text.lastIndexOf(':') === colon) return { host: text.slice(0, colon), portText: text.slice(colon + 1) };
  return { host: text };
}

export function parseHostField(raw: string): HostFieldParse {
  const trimmed = raw.trim();
  const out: HostFieldParse = { host: trimmed, outerWhitespace: trimmed !== raw, innerWhitespace: false };
  let rest = trimmed;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    out.scheme = scheme[1]!.toLowerCase();
    rest = rest.slice(scheme[0].length);
  }
  // Path: from the first "/" after the authority part (a query or fragment is not part of it).
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const p = rest.slice(slash).replace(/[?#].*$/, '');
    if (p !== '/' && p !== '') out.path = decodeSafe(p);
    rest = rest.slice(0, slash);
  }
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    // WinSCP puts session parameters after ";" (user;fingerprint=...): not a part of the name.
    let userInfo = rest.slice(0, at).split(';')[0]!;
    const colon = userInfo.indexOf(':');
    if (colon !== -1) {
      if (scheme) out.password = decodeSafe(userInfo.slice(colon + 1));
      userInfo = userInfo.slice(0, colon);
    }
    out.user = decodeSafe(userInfo);
    rest = rest.slice(at + 1);
  }
  const hp = splitHostPort(rest);
  if (hp.portText !== undefined) {
    const n = parsePort(hp.portText);
    if (n === null) out.badPort = hp.portText;
    else out.port = n;
  }
  out.host = hp.host;
  out.innerWhitespace = /\s/.test(hp.host);
  return out;
}

/** The fields hidden in a pasted host field, for the window's form (ports as text, as the form keeps them). */
export interface HostSplit {
  host: string;
  user?: string;
  port?: string;
  protocol?: Protocol;
  password?: string;
  startPath?: string;
  /** Something the user should know about the pasted text (e.g. it named FTP). */
  note?: string;
}

/**
 * The fields hidden in `text`, or null when it is already a plain host name or something not to
 * guess about (words with spaces, an unknown scheme, a port that is no port: those stay in the
 * field for the engine to explain).
 */
export function splitHostInput(text: string): HostSplit | null {
  const trimmed = text.trim();
  if (!trimmed || /\s/.test(trimmed)) return null;
  const p = parseHostField(trimmed);
  const out: HostSplit = { host: p.host };
  if (p.scheme !== undefined) {
    const proto = HOST_SCHEMES[p.scheme];
    if (!proto) return null;
    if (proto === 'unsupported') {
      out.note = `The address starts with ${p.scheme}://. SFTP Doctor checks SFTP and SCP (both over SSH), so it kept only the host name; make sure the server offers SFTP.`;
    } else {
      out.protocol = proto;
    }
  }
  if (p.badPort !== undefined || !p.host || /[[\]]/.test(p.host)) return null;
  if (p.user) out.user = p.user;
  if (p.password !== undefined) out.password = p.password;
  if (p.port !== undefined) out.port = String(p.port);
  if (p.path !== undefined) out.startPath = p.path;
  const changed = p.scheme !== undefined || out.user !== undefined || out.port !== undefined || out.startPath !== undefined || p.host !== text;
  return changed ? out : null;
}
