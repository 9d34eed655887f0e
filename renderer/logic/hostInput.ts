/**
 * Splits what people paste into a "Host name" field into the fields it belongs in:
 * sftp://user@host:2222/path, user@host, host:port, [v6]:port, scp://..., ssh://...
 * Pure: the form uses it on paste, the tests pin its rules.
 */
import type { Protocol } from '../../shared/types';

export interface HostSplit {
  host: string;
  user?: string;
  /** Only when it is all digits; anything else stays for the engine to explain. */
  port?: string;
  protocol?: Protocol;
  password?: string;
  startPath?: string;
  /** Something the user should know about the pasted text (e.g. it named FTP). */
  note?: string;
}

const SCHEMES: Record<string, Protocol | 'unsupported'> = {
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

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function splitHostPort(hostPort: string): { host: string; port?: string } | null {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0) return null;
    const host = hostPort.slice(1, end);
    const rest = hostPort.slice(end + 1);
    if (rest === '') return { host };
    if (/^:\d{1,5}$/.test(rest)) return { host, port: rest.slice(1) };
    return null;
  }
  const colons = hostPort.split(':').length - 1;
  if (colons === 0) return { host: hostPort };
  if (colons === 1) {
    const [host, port] = hostPort.split(':') as [string, string];
    if (/^\d{1,5}$/.test(port) && host) return { host, port };
    return null;
  }
  // A bare IPv6 address: leave it whole.
  return { host: hostPort };
}

/**
 * Returns the fields hidden in `text`, or null when it is already a plain host name (or
 * something we should not guess about).
 */
export function splitHostInput(text: string): HostSplit | null {
  let rest = text.trim();
  if (!rest || /\s/.test(rest)) return null;
  const out: Partial<HostSplit> = {};

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    const proto = SCHEMES[name];
    if (!proto) return null;
    if (proto === 'unsupported') {
      out.note = `The address starts with ${name}://. SFTP Doctor checks SFTP and SCP (both over SSH), so it kept only the host name; make sure the server offers SFTP.`;
    } else {
      out.protocol = proto;
    }
    rest = rest.slice(scheme[0].length);
  }

  // Path: everything from the first "/" after the authority.
  const slash = rest.indexOf('/');
  let authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash) : '';
  if (path && path !== '/') out.startPath = decode(path.replace(/[?#].*$/, ''));

  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    let userInfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    // WinSCP-style session parameters after ";" (e.g. ;fingerprint=...): not a part of the name.
    userInfo = userInfo.split(';')[0] ?? '';
    const colon = userInfo.indexOf(':');
    if (colon >= 0) {
      if (scheme) out.password = decode(userInfo.slice(colon + 1));
      userInfo = userInfo.slice(0, colon);
    }
    if (userInfo) out.user = decode(userInfo);
  }

  const hp = splitHostPort(authority);
  if (!hp || !hp.host) return null;
  out.host = hp.host;
  if (hp.port !== undefined) out.port = String(Number(hp.port));

  const changed = scheme !== null || out.user !== undefined || out.port !== undefined || out.startPath !== undefined || out.host !== text;
  if (!changed) return null;
  return out as HostSplit;
}
