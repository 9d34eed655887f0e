/**
 * Jump hosts and proxies in other programs' settings, mapped to a site's path: OpenSSH's
 * ProxyCommand of the common shapes (`ssh -W %h:%p jump`, `nc -X 5 -x proxy:1080 %h %p`, `ncat
 * --proxy`), and PuTTY's / WinSCP's proxy methods. Whatever cannot be mapped comes back as a
 * note for the preview (never silently dropped).
 */
import { parseJumpHost } from '../../shared/path';
import type { JumpHostSpec, ProxySpec, ProxyType } from '../../shared/types';

export type MappedPath = { jump?: JumpHostSpec[]; proxy?: ProxySpec; note?: string };

/** Splits a command line like a shell would for simple cases (quotes, no expansions). */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(command)) && out.length < 64) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** ssh options that take a value (from ssh(1)). */
const SSH_ARG_OPTIONS = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

const TARGET = /^(\[?%h\]?|%h):%p$/;

function isTarget(host: string | undefined, port: string | undefined): boolean {
  return (host === '%h' || host === '[%h]') && port === '%p';
}

function hostPortOf(text: string): { host: string; port?: number } | null {
  const m = /^\[?([^\]]+?)\]?(?::(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const port = m[2] !== undefined ? Number(m[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { host: m[1]!, ...(port !== undefined ? { port } : {}) };
}

function basename(cmd: string): string {
  return (cmd.split(/[\\/]/).pop() ?? cmd).toLowerCase().replace(/\.exe$/, '');
}

/** `ssh [opts] -W %h:%p [user@]jump` -> one jump host. */
function fromSshW(args: string[]): MappedPath | null {
  let w: string | undefined;
  let port: number | undefined;
  let user: string | undefined;
  let dest: string | undefined;
  const extra: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-') && a.length >= 2) {
      const letter = a[1]!;
      if (SSH_ARG_OPTIONS.has(letter)) {
        const value = a.length > 2 ? a.slice(2) : args[++i];
        if (value === undefined) return null;
        if (letter === 'W') w = value;
        else if (letter === 'p') port = Number(value);
        else if (letter === 'l') user = value;
        else extra.push(`${a.slice(0, 2)} ${value}`);
      }
      // flags without a value (-q, -4, -T ...) do not change the path
      continue;
    }
    if (dest !== undefined) return null; // a remote command: not the -W shape
    dest = a;
  }
  if (!w || !TARGET.test(w) || !dest) return null;
  const parsed = parseJumpHost(dest.replace(/^ssh:\/\//i, ''));
  if ('error' in parsed) return null;
  const spec: JumpHostSpec = { ...parsed };
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
    spec.port = port;
  }
  if (user !== undefined && spec.user === undefined) spec.user = user;
  return { jump: [spec], ...(extra.length ? { note: `The jump host's ssh options ${extra.join(', ')} are not used by SFTP Doctor.` } : {}) };
}

/** OpenBSD nc: `nc -X 5|4|connect -x proxy[:port] %h %p`. */
function fromNc(args: string[]): MappedPath | null {
  let kind: string | undefined;
  let proxy: string | undefined;
  const rest: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-X') kind = args[++i];
    else if (a === '-x') proxy = args[++i];
    else if (a.startsWith('-X')) kind = a.slice(2);
    else if (a.startsWith('-x')) proxy = a.slice(2);
    else if (a.startsWith('-')) continue;
    else rest.push(a);
  }
  if (!proxy || !isTarget(rest[0], rest[1]) || rest.length !== 2) return null;
  const hp = hostPortOf(proxy);
  if (!hp) return null;
  const k = (kind ?? '5').toLowerCase();
  const type: ProxyType | null = k === '5' ? 'socks5' : k === 'connect' ? 'http' : null;
  if (!type) return { note: `The proxy command uses a SOCKS${k === '4' ? '4' : ` "${k}"`} proxy (${proxy}); SFTP Doctor speaks SOCKS5 and HTTP CONNECT only, so it will try to reach the server directly.` };
  return { proxy: { type, host: hp.host, port: hp.port ?? (type === 'socks5' ? 1080 : 3128) } };
}

/** Nmap's ncat: `ncat --proxy host:port --proxy-type socks5|http [--proxy-auth user:pass] %h %p`. */
function fromNcat(args: string[]): MappedPath | null {
  let proxy: string | undefined;
  let type = 'http';
  let auth: string | undefined;
  const rest: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (name === '--proxy') proxy = inline ?? args[++i];
    else if (name === '--proxy-type') type = (inline ?? args[++i] ?? '').toLowerCase();
    else if (name === '--proxy-auth') auth = inline ?? args[++i];
    else if (a.startsWith('-')) continue;
    else rest.push(a);
  }
  if (!proxy || !isTarget(rest[0], rest[1])) return null;
  const hp = hostPortOf(proxy);
  if (!hp) return null;
  const t: ProxyType | null = type === 'socks5' ? 'socks5' : type === 'http' ? 'http' : null;
  if (!t) return { note: `The proxy command uses a ${type} proxy (${proxy}); SFTP Doctor speaks SOCKS5 and HTTP CONNECT only, so it will try to reach the server directly.` };
  const user = auth?.split(':')[0];
  const out: MappedPath = { proxy: { type: t, host: hp.host, port: hp.port ?? (t === 'socks5' ? 1080 : 3128), ...(user ? { user } : {}) } };
  if (auth?.includes(':')) out.note = 'The proxy password written in the proxy command was not imported; give it when you connect.';
  return out;
}

/** A ProxyCommand in one of the shapes we can follow, or a note saying why not. */
export function mapProxyCommand(command: string): MappedPath {
  const args = splitCommand(command.trim());
  const prog = args[0] ? basename(args[0]) : '';
  let mapped: MappedPath | null = null;
  if (prog === 'ssh') mapped = fromSshW(args);
  else if (prog === 'nc' || prog === 'netcat') mapped = fromNc(args);
  else if (prog === 'ncat') mapped = fromNcat(args);
  if (mapped) return mapped;
  return { note: `ssh reaches this server through a proxy command ("${command.length > 200 ? `${command.slice(0, 200)}…` : command}") that SFTP Doctor cannot follow (it understands "ssh -W %h:%p host", "nc -X 5|connect -x proxy:port %h %p" and "ncat --proxy"), so it will try to reach the server directly; that may fail where ssh works.` };
}

/**
 * PuTTY's and WinSCP's proxy settings (the same numbering: 0 none, 1 SOCKS4, 2 SOCKS5, 3 HTTP,
 * 4 Telnet, 5 local command, 6 SSH in PuTTY 0.77+).
 */
export function mapProxyMethod(tool: 'PuTTY' | 'WinSCP', method: string | undefined, host: string | undefined, portText: string | undefined, user: string | undefined, hasPassword: boolean): MappedPath {
  if (method === undefined || method === '0' || method === '') return {};
  const h = (host ?? '').trim();
  const n = portText !== undefined && /^\d{1,5}$/.test(portText.trim()) ? Number(portText.trim()) : undefined;
  const u = (user ?? '').trim();
  if (!h) return { note: `${tool} was set to use a proxy, but no proxy host is saved, so SFTP Doctor will try to reach the server directly.` };
  const pwNote = hasPassword ? ` The saved proxy password was not imported; give it when you connect.` : '';
  if (method === '2' || method === '3') {
    const type: ProxyType = method === '2' ? 'socks5' : 'http';
    // Both programs use port 80 when none is saved, whatever the proxy type.
    const port = n && n <= 65535 && n > 0 ? n : 80;
    return { proxy: { type, host: h, port, ...(u ? { user: u } : {}) }, ...(pwNote ? { note: pwNote.trim() } : {}) };
  }
  if (method === '6') {
    const port = n && n <= 65535 && n > 0 ? n : 22;
    return { jump: [{ host: h, ...(port !== 22 ? { port } : {}), ...(u ? { user: u } : {}) }], ...(pwNote ? { note: pwNote.trim().replace('proxy password', "jump host's password") } : {}) };
  }
  const what = method === '1' ? 'a SOCKS4 proxy' : method === '4' ? 'a Telnet proxy' : method === '5' ? 'a local proxy command' : `proxy method ${method}`;
  return { note: `${tool} connects to this server through ${what} (${h}). SFTP Doctor speaks SOCKS5 and HTTP CONNECT only, so it will try to reach the server directly.` };
}
