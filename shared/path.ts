/**
 * The path to a server as text: jump hosts as "[user@]host[:port]" (OpenSSH's ProxyJump, comma
 * separated for a chain) and proxies as "socks5://[user@]host:port" or "http://[user@]host:port".
 * Pure: used by the CLI, the importers and the window's Advanced panel alike.
 */
import { parsePort, splitHostPort as splitHostAndPort } from './host-input';
import type { JumpHostSpec, ProxySpec, ProxyType } from './types';

export const DEFAULT_PROXY_PORTS: Record<ProxyType, number> = { socks5: 1080, http: 8080 };
const MAX_FIELD = 1000;

/** One "[user@]host[:port]" (IPv6 in brackets: "[::1]:2222"). */
export function parseJumpHost(text: string): JumpHostSpec | { error: string } {
  const t = text.trim();
  if (!t) return { error: 'a jump host needs a host name' };
  if (t.length > MAX_FIELD) return { error: 'the jump host is longer than 1000 characters' };
  // eslint-disable-next-line no-control-regex
  if (/\s|\/|[\x00-\x1f\x7f]/.test(t)) return { error: `"${visible(t)}" is not [user@]host[:port] (no spaces, slashes or protocol prefixes)` };
  const at = t.lastIndexOf('@');
  const user = at >= 0 ? t.slice(0, at) : undefined;
  const rest = at >= 0 ? t.slice(at + 1) : t;
  if (user === '') return { error: `"${visible(t)}" has an empty user name before @` };
  const hp = splitHostPort(rest);
  if ('error' in hp) return { error: `"${visible(t)}": ${hp.error}` };
  return { host: hp.host, ...(hp.port !== undefined ? { port: hp.port } : {}), ...(user !== undefined ? { user } : {}) };
}

/** A ProxyJump value: one jump host or several, comma separated, in order. "none" means none. */
export function parseJumpList(text: string): JumpHostSpec[] | { error: string } {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'none') return [];
  const out: JumpHostSpec[] = [];
  for (const part of t.split(',')) {
    // OpenSSH also accepts ssh://[user@]host[:port] in ProxyJump.
    const p = parseJumpHost(part.trim().replace(/^ssh:\/\//i, ''));
    if ('error' in p) return p;
    out.push(p);
  }
  if (out.length > 8) return { error: 'more than 8 jump hosts' };
  return out;
}

/** "socks5://[user@]host[:port]" or "http://[user@]host[:port]" (socks5h:// and socks:// are read as socks5). */
export function parseProxyUrl(text: string): ProxySpec | { error: string } {
  const t = text.trim();
  const m = /^([a-z0-9]+):\/\/(.*)$/i.exec(t);
  if (!m) return { error: `"${visible(t)}" is not a proxy address: write socks5://host:port or http://host:port` };
  const scheme = m[1]!.toLowerCase();
  const type: ProxyType | null = scheme === 'socks5' || scheme === 'socks5h' || scheme === 'socks' ? 'socks5' : scheme === 'http' ? 'http' : null;
  if (!type) return { error: `"${scheme}://" proxies are not supported: use socks5:// or http://` };
  const rest = m[2]!.replace(/\/$/, '');
  if (rest.includes('/')) return { error: `"${visible(t)}" has a path; a proxy is only [user@]host:port` };
  const at = rest.lastIndexOf('@');
  let user = at >= 0 ? rest.slice(0, at) : undefined;
  if (user !== undefined && user.includes(':')) return { error: 'put the proxy password in an environment variable (--proxy-password-env), not in the address' };
  if (user !== undefined) {
    try {
      user = decodeURIComponent(user);
    } catch {
      return { error: `the user name in "${visible(t)}" is not valid` };
    }
  }
  if (user === '') return { error: `"${visible(t)}" has an empty user name before @` };
  const hp = splitHostPort(at >= 0 ? rest.slice(at + 1) : rest);
  if ('error' in hp) return { error: `"${visible(t)}": ${hp.error}` };
  return { type, host: hp.host, port: hp.port ?? DEFAULT_PROXY_PORTS[type], ...(user !== undefined ? { user } : {}) };
}

function splitHostPort(text: string): { host: string; port?: number } | { error: string } {
  const { host, portText } = splitHostAndPort(text);
  if (!host) return { error: 'no host name' };
  if (host.length > 253 && !text.startsWith('[')) return { error: 'the host name is too long' };
  if (portText === undefined) return { host };
  const port = parsePort(portText);
  if (port === null) return { error: `"${portText}" is not a port number (1-65535)` };
  return { host, port };
}

function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** "user@host:port" as typed in the CLI or ProxyJump (port left out when it is 22). */
export function formatJumpHost(j: JumpHostSpec): string {
  return `${j.user ? `${j.user}@` : ''}${bracket(j.host)}${j.port && j.port !== 22 ? `:${j.port}` : ''}`;
}

export function formatProxy(p: ProxySpec): string {
  return `${p.type}://${p.user ? `${encodeURIComponent(p.user)}@` : ''}${bracket(p.host)}:${p.port}`;
}
