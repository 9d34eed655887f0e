/**
 * WinSCP sites (WinSCP.ini, or a registry dump of HKCU\Software\Martin Prikryl\WinSCP 2) ->
 * sites and known_hosts lines.
 *
 * Sites are sections [Sessions\Folder/Sub/Name] with %-escaped names (UTF-8 marked by an escaped
 * BOM, else the Windows code page). A saved password is only OBFUSCATED: anyone who can read the
 * file can turn it back into the password with WinSCP's published algorithm (below). We recover
 * it only when the user asks for it, and then store it encrypted (or not at all).
 */
import type { SiteSettings } from '../../shared/sites';
import { mapToolAlgorithms } from './algorithms';
import { mapToolLogin } from './login';
import { mapProxyMethod } from './path';
import { Secret } from '../common/secret';
import { MAX_HOST_KEYS_PER_FILE, MAX_SITES_PER_FILE, addHostKey, decodeBytes, emptyResult, limitProblems, makeCandidate, parsePort, percentDecode, tooManyHostKeys, tooManySites, windowsPathNote, type ImportProblem, type ParsedSource } from './common';
import { HostKeyFormatError, puttyHostKeyToKnownHosts } from './hostkeys';
import { getValue, looksLikeRegExport, looksLikeRegQuery, parseIni, parseRegExport, parseRegQuery, type RegKey } from './registry';

export const WINSCP_REGISTRY_KEY = 'HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2';

/** What a user should know before asking for WinSCP passwords. */
export { WINSCP_PASSWORD_EXPLANATION } from '../../shared/sites';

// WinSCP's password scrambling (core/Security.cpp): every byte is written as two hex digits of
// ~(byte ^ 0xA3); a header gives a flag (0xFF), a dummy byte, the length and a count of random
// bytes to skip; the plain text is user name + host name + password.
const PWALG_SIMPLE_MAGIC = 0xa3;
const PWALG_SIMPLE_FLAG = 0xff;

export type WinScpPasswordResult = { ok: true; password: string } | { ok: false; reason: string };

/** Recovers a password WinSCP stored in its Password= setting. */
export function winscpDeobfuscate(encoded: string, userName: string, hostName: string): WinScpPasswordResult {
  const text = encoded.trim();
  if (!/^[0-9A-Fa-f]*$/.test(text) || text.length % 2 !== 0) return { ok: false, reason: 'the stored value is not WinSCP\'s hex form' };
  const bytes = Buffer.from(text, 'hex').map((b) => ~(b ^ PWALG_SIMPLE_MAGIC) & 0xff);
  let pos = 0;
  const next = (): number | undefined => (pos < bytes.length ? bytes[pos++] : undefined);
  const flag = next();
  if (flag === undefined) return { ok: false, reason: 'the stored value is empty' };
  let length: number | undefined;
  if (flag === PWALG_SIMPLE_FLAG) {
    const kind = next(); // 0x00: internal (our case); 0x01/0x02 mean an external or other scheme
    if (kind !== 0) return { ok: false, reason: 'it is stored with a scheme this import does not know (perhaps a master password)' };
    length = next();
  } else {
    length = flag;
  }
  const skip = next();
  if (length === undefined || skip === undefined) return { ok: false, reason: 'the stored value is too short' };
  pos += skip;
  if (pos + length > bytes.length) return { ok: false, reason: 'the stored value is too short' };
  let plain = Buffer.from(bytes.subarray(pos, pos + length));
  if (flag === PWALG_SIMPLE_FLAG) {
    const key = Buffer.from(userName + hostName, 'utf8');
    if (!plain.subarray(0, key.length).equals(key)) {
      return { ok: false, reason: 'it does not belong to this user name and host (the site was edited outside WinSCP, or a master password is set)' };
    }
    plain = plain.subarray(key.length);
  }
  return { ok: true, password: decodeBytes(plain) };
}

/** The reverse, as WinSCP writes it (used by tests and fixtures). `random` gives bytes 0-255. */
export function winscpObfuscate(password: string, userName: string, hostName: string, random: () => number = () => Math.floor(Math.random() * 256)): string {
  const plain = Buffer.from(userName + hostName + password, 'utf8');
  if (plain.length > 255) throw new Error('too long for WinSCP\'s format');
  const enc = (b: number) => (~(b ^ PWALG_SIMPLE_MAGIC) & 0xff).toString(16).toUpperCase().padStart(2, '0');
  const shift = plain.length < 50 ? random() % (50 - plain.length) : 0;
  let out = enc(PWALG_SIMPLE_FLAG) + enc(0) + enc(plain.length) + enc(shift);
  for (let i = 0; i < shift; i++) out += enc(random() & 0xff);
  for (const b of plain) out += enc(b);
  while (out.length < 100) out += enc(random() & 0xff);
  return out;
}

const PROTOCOLS: Record<string, SiteSettings['protocol'] | string> = {
  '0': 'scp',
  '1': 'sftp',
  '2': 'sftp',
  '5': 'FTP',
  '6': 'WebDAV',
  '7': 'Amazon S3',
};

export interface WinScpParseOptions {
  platform?: NodeJS.Platform;
}

/** Sections as WinSCP names them ("Sessions\\X", "SshHostKeys"), whatever the storage. */
function relativePath(p: string): string {
  const m = /\\WinSCP 2\\(.*)$/i.exec(p);
  return m ? m[1]! : p;
}

function sessionToCandidate(key: RegKey, munged: string, file: string, fromIni: boolean, masterPassword: boolean, result: ParsedSource, opts: WinScpParseOptions): void {
  const value = (name: string): string | undefined => {
    const v = getValue(key, name);
    return v === undefined ? undefined : fromIni ? percentDecode(v) : v;
  };
  const fullName = percentDecode(munged);
  if (fullName === 'Default Settings' || value('IsWorkspace') === '1') return;
  const parts = fullName.split('/').filter((p) => p !== '');
  const name = parts.pop() ?? fullName;
  const folder = parts.join('/');

  const protoCode = value('FSProtocol') ?? '1';
  const protocol = PROTOCOLS[protoCode] ?? `protocol number ${protoCode}`;
  if (protocol !== 'sftp' && protocol !== 'scp') {
    // FSProtocol 5 is FTP; its Ftps setting (1 implicit, 2/3 explicit TLS) makes it FTPS.
    const reason = protoCode === '5' && (value('Ftps') ?? '0') !== '0' ? 'FTPS' : protocol;
    result.skipped.push({ file, line: key.line, name: fullName, reason });
    return;
  }
  let host = (value('HostName') ?? '').trim();
  const user = value('UserName') ?? '';
  if (host === '') {
    result.problems.push({ file, line: key.line, message: `The site "${fullName}" has no host name, so it was not imported.` });
    return;
  }
  // WinSCP keeps IPv6 addresses bracketed in some versions.
  if (/^\[.*\]$/.test(host)) host = host.slice(1, -1);

  const notes: string[] = [];
  const settings: SiteSettings = { protocol, host, user };
  if (user === '') notes.push('No user name was saved in WinSCP. Type it in before connecting.');
  if (protoCode === '1') notes.push('WinSCP was set to "SFTP with SCP fallback"; SFTP Doctor checks SFTP.');

  const portRaw = value('PortNumber');
  const port = parsePort(portRaw);
  if (port === 'invalid') {
    result.problems.push({ file, line: key.values.get('portnumber')?.line ?? key.line, message: `The site "${fullName}" has port "${portRaw ?? ''}", which is not a port number; the default port 22 is used.` });
  } else if (port !== undefined && port !== 22) {
    settings.port = port;
  }
  const keyFile = (value('PublicKeyFile') ?? '').trim();
  if (keyFile !== '') {
    settings.privateKey = { path: keyFile };
    const note = windowsPathNote(keyFile, opts.platform ?? process.platform);
    if (note) notes.push(note);
  }
  if (value('TryAgent') === '0') settings.useAgent = false;
  const login = mapToolLogin('WinSCP', { ki: value('AuthKI'), kiPassword: value('AuthKIPassword'), gssapi: value('AuthGSSAPI') === '1' || (value('AuthGSSAPI') !== '0' && value('GSSAPIFwdTGT') === '1') ? '1' : undefined, tis: value('AuthTIS'), noAuth: value('SshNoUserAuth'), certificate: value('DetachedCertificate') });
  if (login.authMethods) settings.authMethods = login.authMethods;
  for (const n of login.notes) notes.push(n);
  const ping = Number(value('PingIntervalSecs') ?? '0');
  if (Number.isInteger(ping) && ping > 0) settings.keepaliveSeconds = ping;
  const remoteDir = (value('RemoteDirectory') ?? '').trim();
  if (remoteDir !== '') settings.startPath = remoteDir;
  const algorithms = mapToolAlgorithms('WinSCP', { hostKey: value('HostKey'), kex: value('KEX'), cipher: value('Cipher') });
  if (algorithms.legacy.length > 0) settings.legacyAlgorithms = algorithms.legacy;
  for (const n of algorithms.notes) notes.push(n);
  // The proxy is how the first connection is made: to the tunnel's jump host when there is one.
  const path = mapProxyMethod('WinSCP', value('ProxyMethod'), value('ProxyHost'), value('ProxyPort'), value('ProxyUsername'), !!(value('ProxyPassword') || value('ProxyPasswordEnc')));
  if (path.proxy) settings.proxy = path.proxy;
  if (path.note) notes.push(path.note);
  if ((value('Tunnel') ?? '0') !== '0') {
    const tunnelHost = (value('TunnelHostName') ?? '').trim().replace(/^\[(.*)\]$/, '$1');
    const tunnelPort = parsePort(value('TunnelPortNumber'));
    const tunnelUser = (value('TunnelUserName') ?? '').trim();
    if (!tunnelHost) notes.push('WinSCP was set to open this site through an SSH tunnel, but no tunnel host is saved, so SFTP Doctor will try to reach the server directly.');
    else {
      settings.jumpHosts = [{ host: tunnelHost, ...(typeof tunnelPort === 'number' && tunnelPort !== 22 ? { port: tunnelPort } : {}), ...(tunnelUser ? { user: tunnelUser } : {}) }];
      if (value('TunnelPasswordPlain') || value('TunnelPassword') || value('TunnelPasswordEnc')) notes.push("The tunnel's saved password was not imported; give it when you connect (in the window, or with --jump-password-env).");
      const tunnelKey = (value('TunnelPublicKeyFile') ?? '').trim();
      if (tunnelKey && tunnelKey !== keyFile) notes.push(`WinSCP logs in to the tunnel with its own key (${tunnelKey}); SFTP Doctor uses the site's key or agent for the jump host too.`);
      if ((value('TunnelLocalPortNumber') ?? '0') !== '0') notes.push('The fixed local tunnel port is not needed: SFTP Doctor forwards through the jump host directly.');
    }
  }

  let password: Secret | undefined;
  const plain = getValue(key, 'PasswordPlain');
  const scrambled = getValue(key, 'Password');
  if (plain !== undefined && plain !== '') {
    password = new Secret(fromIni ? percentDecode(plain) : plain);
  } else if (scrambled !== undefined && scrambled !== '') {
    if (masterPassword) {
      notes.push('The saved password is protected by your WinSCP master password, so it was not imported. Enter it when you connect.');
    } else {
      const r = winscpDeobfuscate(scrambled, user, value('HostName') ?? '');
      if (r.ok) password = new Secret(r.password);
      else notes.push(`The saved password could not be recovered (${r.reason}). Enter it when you connect.`);
    }
  }
  result.candidates.push(makeCandidate({ origin: { tool: 'winscp', file, name: fullName }, name, folder, settings, notes, ...(password ? { password } : {}) }));
}

function hostKeys(key: RegKey, file: string, fromIni: boolean, result: ParsedSource): void {
  let n = 0;
  for (const v of key.values.values()) {
    const name = fromIni ? percentDecode(v.name) : v.name;
    for (const one of v.data.split(';').filter((s) => s.trim() !== '')) {
      if (++n > MAX_HOST_KEYS_PER_FILE) {
        result.problems.push(tooManyHostKeys(file));
        return;
      }
      try {
        const converted = puttyHostKeyToKnownHosts(name, one);
        addHostKey(result, converted);
      } catch (err) {
        const reason = err instanceof HostKeyFormatError ? err.message : 'it could not be read';
        result.problems.push({ file, line: v.line, message: `The cached host key "${name}" was not imported: ${reason}.` });
      }
    }
  }
}

function fromKeys(keys: RegKey[], file: string, fromIni: boolean, problems: ImportProblem[], opts: WinScpParseOptions): ParsedSource {
  const result = emptyResult('winscp');
  result.files.push(file);
  result.problems = problems.slice();
  const security = keys.find((k) => /^Configuration\\Security$/i.test(relativePath(k.path)));
  const masterPassword = security !== undefined && getValue(security, 'UseMasterPassword') === '1';
  let sessions = 0;
  for (const key of keys) {
    const rel = relativePath(key.path);
    const session = /^Sessions\\(.+)$/i.exec(rel);
    if (session) {
      if (++sessions > MAX_SITES_PER_FILE) {
        if (sessions === MAX_SITES_PER_FILE + 1) result.problems.unshift(tooManySites(file));
        continue;
      }
      sessionToCandidate(key, session[1]!, file, fromIni, masterPassword, result, opts);
    }
    else if (/^SshHostKeys$/i.test(rel)) hostKeys(key, file, fromIni, result);
  }
  if (!keys.some((k) => /^Sessions\\/i.test(relativePath(k.path))) && result.hostKeys.length === 0) {
    result.problems.push({ file, message: 'No WinSCP sites were found in this file. In WinSCP, use Tools > Export/Backup Configuration to make a WinSCP.ini, then import that file.' });
  }
  result.problems = limitProblems(result.problems);
  return result;
}

/** WinSCP.ini, or a registry export / reg query dump of WinSCP's key. */
export function parseWinScp(text: string, file: string, opts: WinScpParseOptions = {}): ParsedSource {
  const problems: ImportProblem[] = [];
  if (looksLikeRegExport(text)) return fromKeys(parseRegExport(text, file, problems), file, false, problems, opts);
  if (looksLikeRegQuery(text)) return fromKeys(parseRegQuery(text, file, problems), file, false, problems, opts);
  // Sessions past the cap are not even kept while reading: a 5 MB file of 190,000 tiny sessions.
  let sessions = 0;
  const keys = parseIni(text, file, problems, (p) => !/^Sessions\\/i.test(p) || ++sessions <= MAX_SITES_PER_FILE);
  const result = fromKeys(keys, file, true, problems, opts);
  if (sessions > MAX_SITES_PER_FILE) result.problems.unshift(tooManySites(file));
  return result;
}
