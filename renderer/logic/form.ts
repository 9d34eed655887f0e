/**
 * The session form as data, and its rules: the port that follows the protocol, notes about the
 * password, and turning the form into a ConnectionRequest or a saved site. Pure functions.
 */
import type { SiteSettings } from '../../shared/sites';
import { DEFAULT_PROXY_PORTS, formatJumpHost, parseJumpList } from '../../shared/path';
import { LOGIN_METHODS, type ConnectionRequest, type JumpHostSpec, type LoginMethod, type Protocol, type ProxySpec, type ProxyType, type RsaSignature } from '../../shared/types';

export const PROTOCOLS: readonly { value: Protocol; label: string }[] = [
  { value: 'sftp', label: 'SFTP' },
  { value: 'scp', label: 'SCP' },
];

export const DEFAULT_PORTS: Record<Protocol, number> = { sftp: 22, scp: 22 };

/** The largest key file the service accepts (it refuses bigger ones anyway). */
export const MAX_KEY_BYTES = 1024 * 1024;

/** A private key as the form holds it: a path main can read, or content loaded in the window. */
export type KeyChoice =
  | { source: 'path'; path: string }
  | { source: 'content'; name: string; size: number; text?: string; base64?: string };

export interface FormValues {
  protocol: Protocol;
  host: string;
  /** As typed. */
  port: string;
  /** The user changed the port: it no longer follows the protocol's default. */
  portEdited: boolean;
  user: string;
  password: string;
  key: KeyChoice | null;
  useAgent: boolean;
  /** Login methods the site uses; empty: all (the default). */
  authMethods: LoginMethod[];
  /** The signature algorithm an RSA key signs with; '': automatic (from the server's list). */
  rsaSignature: RsaSignature | '';
  identitiesOnly: boolean;
  keepaliveSeconds: string;
  /** Connection timeout in seconds, as typed (WinSCP's "Timeout"); empty: the default 10 s. */
  timeoutSeconds: string;
  legacyAlgorithms: string[];
  knownHostsPath: string;
  startPath: string;
  /** Write, read back and remove a test file after the listing (off for read-only accounts). */
  writeTest: boolean;
  /** "Stay connected for N seconds" as typed; empty: no hold. */
  holdSeconds: string;
  /** Connection: proxy. '' is none. */
  proxyType: '' | ProxyType;
  proxyHost: string;
  proxyPort: string;
  proxyUser: string;
  /** SECRET: never saved with a site. */
  proxyPassword: string;
  /** Tunnel: jump hosts as typed, "[user@]host[:port]", comma separated for a chain. */
  jumpHosts: string;
  /** SECRET: the jump hosts' password (empty: they use the same key / agent as the server). */
  jumpPassword: string;
}

export function emptyForm(): FormValues {
  return {
    protocol: 'sftp',
    host: '',
    port: String(DEFAULT_PORTS.sftp),
    portEdited: false,
    user: '',
    password: '',
    key: null,
    useAgent: true,
    authMethods: [],
    rsaSignature: '',
    identitiesOnly: false,
    keepaliveSeconds: '',
    timeoutSeconds: '',
    legacyAlgorithms: [],
    knownHostsPath: '',
    startPath: '',
    writeTest: true,
    holdSeconds: '',
    proxyType: '',
    proxyHost: '',
    proxyPort: '',
    proxyUser: '',
    proxyPassword: '',
    jumpHosts: '',
    jumpPassword: '',
  };
}

/** A message when the jump host field cannot be read, else null. */
export function jumpHostsProblem(text: string): string | null {
  const parsed = parseJumpList(text);
  return 'error' in parsed ? `${parsed.error[0]!.toUpperCase()}${parsed.error.slice(1)}. Write [user@]host[:port], several separated by commas.` : null;
}

/** A message when the proxy settings cannot be used, else null. */
export function proxyProblem(v: Pick<FormValues, 'proxyType' | 'proxyHost' | 'proxyPort'>): string | null {
  if (!v.proxyType) return null;
  if (!v.proxyHost.trim()) return 'Type the proxy\'s host name or address.';
  const p = v.proxyPort.trim();
  if (p !== '' && (!/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535)) return 'The proxy port must be a number between 1 and 65535.';
  return null;
}

function proxyOf(v: FormValues): ProxySpec | undefined {
  if (!v.proxyType || !v.proxyHost.trim()) return undefined;
  const p = v.proxyPort.trim();
  const port = /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535 ? Number(p) : DEFAULT_PROXY_PORTS[v.proxyType];
  return { type: v.proxyType, host: v.proxyHost.trim(), port, ...(v.proxyUser.trim() ? { user: v.proxyUser.trim() } : {}) };
}

/** The jump hosts as typed; one that cannot be read is still sent as typed, so the run says what is wrong with it. */
function jumpsOf(v: FormValues): JumpHostSpec[] | undefined {
  const t = v.jumpHosts.trim();
  if (!t) return undefined;
  const parsed = parseJumpList(t);
  if ('error' in parsed) return [{ host: t.slice(0, 1000) }];
  return parsed.length ? parsed : undefined;
}

/** Switching protocol moves the port to the new default unless the user chose a port. */
export function withProtocol(v: FormValues, protocol: Protocol): FormValues {
  return { ...v, protocol, port: v.portEdited ? v.port : String(DEFAULT_PORTS[protocol]) };
}

/** Typing in the port field: an empty field or the default means "follow the protocol" again. */
export function withPort(v: FormValues, port: string): FormValues {
  const t = port.trim();
  const edited = t !== '' && t !== String(DEFAULT_PORTS[v.protocol]);
  return { ...v, port, portEdited: edited };
}

/** Leaving the port field empty puts the default back. */
export function portOnBlur(v: FormValues): FormValues {
  return v.port.trim() === '' ? { ...v, port: String(DEFAULT_PORTS[v.protocol]), portEdited: false } : v;
}

/** A message when the port cannot be a TCP port, else null (shared with the command line's `sites add|edit`). */
export { portProblem } from '../../shared/sites';

export interface FieldNote {
  id: string;
  tone: 'warn' | 'info';
  text: string;
}

/** Notes under the password field. Never repeats the password itself. */
export function passwordNotes(password: string, capsLock: boolean | null): FieldNote[] {
  const notes: FieldNote[] = [];
  if (capsLock) notes.push({ id: 'caps', tone: 'warn', text: 'Caps Lock is on. Passwords are case-sensitive: turn it off unless you mean it.' });
  if (password !== password.trim()) {
    notes.push({
      id: 'spaces',
      tone: 'warn',
      text: 'The password starts or ends with a space. That often comes from copy and paste; remove it unless the space is really part of the password.',
    });
  }
  return notes;
}

/** Notes under the user name field. */
export function userNotes(user: string): FieldNote[] {
  if (user !== user.trim()) {
    return [{ id: 'spaces', tone: 'warn', text: 'The user name starts or ends with a space. Remove it: user names almost never contain spaces.' }];
  }
  return [];
}

/** Notes under the host field. */
export function hostNotes(host: string): FieldNote[] {
  if (host !== host.trim() && host.trim() !== '') {
    return [{ id: 'spaces', tone: 'warn', text: 'The host name starts or ends with a space. Remove it.' }];
  }
  return [];
}

/**
 * Reads the Caps Lock state from a keyboard event. Returns null when the browser cannot tell
 * (then no warning is shown rather than a wrong one).
 */
export function capsLockFrom(ev: { getModifierState?: (key: string) => boolean }): boolean | null {
  if (typeof ev.getModifierState !== 'function') return null;
  return ev.getModifierState('CapsLock');
}

function keySource(key: KeyChoice | null): ConnectionRequest['privateKey'] {
  if (!key) return undefined;
  if (key.source === 'path') return key.path.trim() ? { path: key.path.trim() } : undefined;
  if (key.text !== undefined) return { text: key.text };
  return undefined;
}

/** The timeout field in milliseconds, when it holds a usable number of seconds (1 to 120). */
export function timeoutMsOf(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  const s = Number(t);
  return s >= 1 && s <= 120 ? Math.round(s * 1000) : undefined;
}

/** What is wrong with the timeout field, or null. */
export function timeoutProblem(text: string): string | null {
  if (text.trim() === '' || timeoutMsOf(text) !== undefined) return null;
  return 'The connection timeout is a number of seconds from 1 to 120. Leave it empty for 10 seconds.';
}

function keepalive(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  return Math.min(3600, Number(t));
}

/** Seconds to stay connected (1..3600), or undefined when empty, zero or not a number. */
export function holdSecondsOf(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) === 0) return undefined;
  return Math.min(3600, Number(t));
}

/** The settings a saved site keeps: everything but secrets (a loaded key's content is one). */
export function toSiteSettings(v: FormValues): SiteSettings {
  const s: SiteSettings = { protocol: v.protocol, host: v.host.trim(), user: v.user.trim() };
  if (v.port.trim() !== '') s.port = /^\d+$/.test(v.port.trim()) ? Number(v.port.trim()) : v.port.trim();
  if (v.key?.source === 'path' && v.key.path.trim()) s.privateKey = { path: v.key.path.trim() };
  if (!v.useAgent) s.useAgent = false;
  if (v.authMethods.length) s.authMethods = [...v.authMethods];
  if (v.rsaSignature) s.rsaSignature = v.rsaSignature;
  if (v.identitiesOnly) s.identitiesOnly = true;
  if (v.legacyAlgorithms.length) s.legacyAlgorithms = [...v.legacyAlgorithms];
  const ka = keepalive(v.keepaliveSeconds);
  if (ka !== undefined) s.keepaliveSeconds = ka;
  const tms = timeoutMsOf(v.timeoutSeconds);
  if (tms !== undefined) s.timeoutMs = tms;
  if (v.knownHostsPath.trim()) s.knownHostsPath = v.knownHostsPath.trim();
  if (v.startPath.trim()) s.startPath = v.startPath.trim();
  if (!v.writeTest) s.writeTest = false;
  const hold = holdSecondsOf(v.holdSeconds);
  if (hold !== undefined) s.holdSeconds = hold;
  const proxy = proxyOf(v);
  if (proxy) s.proxy = proxy;
  const jumps = jumpsOf(v);
  if (jumps) s.jumpHosts = jumps;
  return s;
}

/** The form as the engine gets it: host, user and password exactly as typed (the engine explains mistakes). */
export function toConnectionRequest(v: FormValues, siteId?: string): ConnectionRequest {
  const r: ConnectionRequest = { protocol: v.protocol, host: v.host, user: v.user };
  if (v.port.trim() !== '') r.port = /^\d+$/.test(v.port.trim()) ? Number(v.port.trim()) : v.port;
  if (v.password !== '') r.password = v.password;
  const key = keySource(v.key);
  if (key) r.privateKey = key;
  r.useAgent = v.useAgent;
  if (v.authMethods.length) r.authMethods = [...v.authMethods];
  if (v.rsaSignature) r.rsaSignature = v.rsaSignature;
  if (v.identitiesOnly) r.identitiesOnly = true;
  if (v.legacyAlgorithms.length) r.legacyAlgorithms = [...v.legacyAlgorithms];
  const ka = keepalive(v.keepaliveSeconds);
  if (ka !== undefined) r.keepaliveSeconds = ka;
  const tms = timeoutMsOf(v.timeoutSeconds);
  if (tms !== undefined) r.timeoutMs = tms;
  if (v.knownHostsPath.trim()) r.knownHostsPath = v.knownHostsPath.trim();
  if (v.startPath.trim()) r.startPath = v.startPath.trim();
  if (!v.writeTest) r.writeTest = false;
  const hold = holdSecondsOf(v.holdSeconds);
  if (hold !== undefined) r.holdSeconds = hold;
  const proxy = proxyOf(v);
  if (proxy) r.proxy = { ...proxy, ...(proxy.user && v.proxyPassword !== '' ? { password: v.proxyPassword } : {}) };
  const jumps = jumpsOf(v);
  if (jumps) r.jumpHosts = jumps.map((j) => ({ ...j, ...(v.jumpPassword !== '' ? { password: v.jumpPassword } : {}) }));
  if (siteId) r.siteId = siteId;
  return r;
}

/** Fills the form from a saved site. */
export function fromSiteSettings(s: SiteSettings): FormValues {
  const base = emptyForm();
  const port = s.port === undefined || s.port === '' ? String(DEFAULT_PORTS[s.protocol]) : String(s.port);
  return {
    ...base,
    protocol: s.protocol,
    host: s.host,
    port,
    portEdited: port !== String(DEFAULT_PORTS[s.protocol]),
    user: s.user,
    key: s.privateKey?.path ? { source: 'path', path: s.privateKey.path } : null,
    useAgent: s.useAgent ?? true,
    authMethods: s.authMethods ? [...s.authMethods] : [],
    rsaSignature: s.rsaSignature ?? '',
    identitiesOnly: s.identitiesOnly ?? false,
    keepaliveSeconds: s.keepaliveSeconds !== undefined ? String(s.keepaliveSeconds) : '',
    timeoutSeconds: s.timeoutMs !== undefined ? String(s.timeoutMs / 1000) : '',
    legacyAlgorithms: s.legacyAlgorithms ? [...s.legacyAlgorithms] : [],
    knownHostsPath: s.knownHostsPath ?? '',
    startPath: s.startPath ?? '',
    writeTest: s.writeTest ?? true,
    holdSeconds: s.holdSeconds ? String(s.holdSeconds) : '',
    proxyType: s.proxy?.type ?? '',
    proxyHost: s.proxy?.host ?? '',
    proxyPort: s.proxy ? String(s.proxy.port) : '',
    proxyUser: s.proxy?.user ?? '',
    jumpHosts: (s.jumpHosts ?? []).map(formatJumpHost).join(', '),
  };
}

/** Whether the form still points at the same server and account as the site (so main may use its saved password). */
export function sameTarget(v: FormValues, s: SiteSettings): boolean {
  const port = s.port === undefined || s.port === '' ? String(DEFAULT_PORTS[s.protocol]) : String(s.port);
  const formPort = v.port.trim() === '' ? String(DEFAULT_PORTS[v.protocol]) : v.port.trim();
  return v.host.trim() === s.host.trim() && v.user.trim() === s.user.trim() && formPort === port && v.protocol === s.protocol;
}

/** "user@host" or "host" (WinSCP's default site name). */
export function defaultSiteName(v: FormValues): string {
  const host = v.host.trim();
  if (!host) return 'New site';
  return v.user.trim() ? `${v.user.trim()}@${host}` : host;
}

/** Whether a loaded file looks like text (an SSH-1 key is binary; everything else is text). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) return false;
  }
  return true;
}

/** Whether pasted text is a key rather than a file path. */
export function looksLikeKeyText(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*KEY|PuTTY-User-Key-File-|---- BEGIN SSH2|^(ssh-|ecdsa-|sk-)[a-z0-9@.-]+ AAAA/m.test(text);
}

/** The site's login methods with one switched on or off; all of them is stored as none (the default). */
export function withAuthMethod(v: FormValues, method: LoginMethod, on: boolean): FormValues {
  const current = new Set<LoginMethod>(v.authMethods.length ? v.authMethods : LOGIN_METHODS);
  if (on) current.add(method);
  else current.delete(method);
  const next = LOGIN_METHODS.filter((m) => current.has(m));
  return { ...v, authMethods: next.length === LOGIN_METHODS.length ? [] : next };
}

/** Whether the site uses this login method (no setting: every method). */
export function usesAuthMethod(v: FormValues, method: LoginMethod): boolean {
  return v.authMethods.length === 0 || v.authMethods.includes(method);
}
