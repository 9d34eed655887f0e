/**
 * PuTTY saved sessions and cached host keys -> sites and known_hosts lines.
 *
 * Windows keeps them in the registry (HKCU\Software\SimonTatham\PuTTY\Sessions\<name> and
 * ...\SshHostKeys), read here from a regedit export (.reg) or from `reg query ... /s` output;
 * PuTTY on Linux keeps one file per session in ~/.putty/sessions/<name> (name=value lines) and
 * the host keys in ~/.putty/sshhostkeys ("type@port:host value" lines). Session names are
 * %-escaped in both places.
 */
import type { SiteSettings } from '../../shared/sites';
import { mapToolAlgorithms } from './algorithms';
import { mapToolLogin } from './login';
import { mapProxyMethod } from './path';
import { MAX_HOST_KEYS_PER_FILE, MAX_SITES_PER_FILE, addHostKey, emptyResult, limitProblems, LineReader, addProblem, makeCandidate, parsePort, percentDecode, tooManyHostKeys, tooManySites, windowsPathNote, type ImportProblem, type ParsedSource } from './common';
import { HostKeyFormatError, puttyHostKeyToKnownHosts } from './hostkeys';
import { getValue, looksLikeRegExport, looksLikeRegQuery, parseKeyValueLines, parseRegExport, parseRegQuery, type RegKey } from './registry';

export const PUTTY_SESSIONS_KEY = 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions';
export const PUTTY_HOSTKEYS_KEY = 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\SshHostKeys';

const SESSION_PATH = /\\SimonTatham\\PuTTY\\Sessions\\([^\\]+)$/i;
const HOSTKEYS_PATH = /\\SimonTatham\\PuTTY\\SshHostKeys$/i;

export interface PuttyParseOptions {
  platform?: NodeJS.Platform;
}

function hostKeyProblem(file: string, line: number, name: string, err: unknown): ImportProblem {
  const reason = err instanceof HostKeyFormatError ? err.message : 'it could not be read';
  return { file, line, message: `The cached host key "${name}" was not imported: ${reason}.` };
}

/**
 * Whether the session looks set up for Kerberos: PuTTY writes AuthGSSAPI=1 (its default) into
 * every session, so only forwarding the Kerberos ticket (GssapiFwd, off by default) shows a choice.
 */
function puttyKerberos(key: RegKey): string | undefined {
  return getValue(key, 'AuthGSSAPI') !== '0' && getValue(key, 'GssapiFwd') === '1' ? '1' : undefined;
}

/** Turns one session key into a candidate (or a problem saying why not). */
function sessionToCandidate(key: RegKey, munged: string, file: string, result: ParsedSource, opts: PuttyParseOptions): void {
  const name = percentDecode(munged);
  if (name === 'Default Settings') return; // PuTTY's template for new sessions, not a site
  const protocol = (getValue(key, 'Protocol') ?? 'ssh').toLowerCase();
  if (protocol !== 'ssh') {
    result.skipped.push({ file, line: key.line, name, reason: protocol });
    return;
  }
  let host = (getValue(key, 'HostName') ?? '').trim();
  let user = getValue(key, 'UserName') ?? '';
  const at = host.lastIndexOf('@');
  if (at > 0) {
    if (user === '') user = host.slice(0, at);
    host = host.slice(at + 1);
  }
  if (host === '') {
    result.problems.push({ file, line: key.line, message: `The session "${name}" has no host name, so it was not imported.` });
    return;
  }
  const notes: string[] = [];
  const settings: SiteSettings = { protocol: 'sftp', host, user };
  if (user === '') notes.push('No user name was saved in PuTTY. Type it in before connecting.');

  const portRaw = getValue(key, 'PortNumber');
  const port = parsePort(portRaw);
  if (port === 'invalid') {
    result.problems.push({ file, line: key.values.get('portnumber')?.line ?? key.line, message: `The session "${name}" has port "${portRaw ?? ''}", which is not a port number; the default port 22 is used.` });
  } else if (port !== undefined && port !== 22) {
    settings.port = port;
  }

  const keyFile = (getValue(key, 'PublicKeyFile') ?? '').trim();
  if (keyFile !== '') {
    settings.privateKey = { path: keyFile };
    const note = windowsPathNote(keyFile, opts.platform ?? process.platform);
    if (note) notes.push(note);
  }
  if (getValue(key, 'TryAgent') === '0') settings.useAgent = false;
  const login = mapToolLogin('PuTTY', { ki: getValue(key, 'AuthKI'), gssapi: puttyKerberos(key), tis: getValue(key, 'AuthTIS'), noAuth: getValue(key, 'SshNoAuth'), certificate: getValue(key, 'DetachedCertificate'), plugin: getValue(key, 'AuthPlugin') });
  if (login.authMethods) settings.authMethods = login.authMethods;
  for (const n of login.notes) notes.push(n);
  const ping = Number(getValue(key, 'PingIntervalSecs') ?? '0');
  if (Number.isInteger(ping) && ping > 0) settings.keepaliveSeconds = ping;

  const path = mapProxyMethod('PuTTY', getValue(key, 'ProxyMethod'), getValue(key, 'ProxyHost'), getValue(key, 'ProxyPort'), getValue(key, 'ProxyUsername'), !!getValue(key, 'ProxyPassword'));
  if (path.proxy) settings.proxy = path.proxy;
  if (path.jump) settings.jumpHosts = path.jump;
  if (path.note) notes.push(path.note);
  const algorithms = mapToolAlgorithms('PuTTY', { hostKey: getValue(key, 'HostKey'), kex: getValue(key, 'KEX'), cipher: getValue(key, 'Cipher') });
  if (algorithms.legacy.length > 0) settings.legacyAlgorithms = algorithms.legacy;
  for (const n of algorithms.notes) notes.push(n);
  if (getValue(key, 'SshProt') === '0') notes.push('This session was set to SSH-1 only, which is obsolete; SFTP Doctor uses SSH-2.');

  result.candidates.push(makeCandidate({ origin: { tool: 'putty', file, name }, name, settings, notes }));
}

function hostKeysFromKey(key: RegKey, file: string, result: ParsedSource): void {
  let n = 0;
  for (const value of key.values.values()) {
    if (++n > MAX_HOST_KEYS_PER_FILE) {
      result.problems.push(tooManyHostKeys(file));
      break;
    }
    try {
      const converted = puttyHostKeyToKnownHosts(value.name, value.data);
      addHostKey(result, converted);
    } catch (err) {
      result.problems.push(hostKeyProblem(file, value.line, percentDecode(value.name), err));
    }
  }
}

/** Sessions and host keys from registry keys, whichever reader produced them. */
export function puttyFromRegistryKeys(keys: RegKey[], file: string, opts: PuttyParseOptions = {}): ParsedSource {
  const result = emptyResult('putty');
  result.files.push(file);
  let sessions = 0;
  for (const key of keys) {
    const session = SESSION_PATH.exec(key.path);
    if (session) {
      if (++sessions > MAX_SITES_PER_FILE) {
        if (sessions === MAX_SITES_PER_FILE + 1) result.problems.unshift(tooManySites(file));
        continue;
      }
      sessionToCandidate(key, session[1]!, file, result, opts);
    }
    else if (HOSTKEYS_PATH.test(key.path)) hostKeysFromKey(key, file, result);
  }
  return result;
}

/**
 * A registry dump of PuTTY's keys: a regedit export (.reg) or the output of
 * `reg query HKCU\Software\SimonTatham\PuTTY /s`.
 */
export function parsePuttyRegistry(text: string, file: string, opts: PuttyParseOptions = {}): ParsedSource {
  const problems: ImportProblem[] = [];
  let keys: RegKey[];
  if (looksLikeRegExport(text)) keys = parseRegExport(text, file, problems);
  else if (looksLikeRegQuery(text)) keys = parseRegQuery(text, file, problems);
  else {
    const result = emptyResult('putty');
    result.files.push(file);
    result.problems.push({ file, message: 'This file is neither a registry export (.reg) nor "reg query" output. Export PuTTY\'s settings with: reg query HKCU\\Software\\SimonTatham\\PuTTY /s > putty.txt' });
    return result;
  }
  const result = puttyFromRegistryKeys(keys, file, opts);
  result.problems = problems.concat(result.problems);
  if (result.candidates.length === 0 && result.hostKeys.length === 0 && result.problems.length === 0 && result.skipped.length === 0) {
    result.problems.push({
      file,
      message: keys.some((k) => /SimonTatham\\PuTTY/i.test(k.path))
        ? 'No PuTTY sessions or host keys were found in this file (the PuTTY keys in it are empty).'
        : 'No PuTTY sessions were found in this file (no key under HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY).',
    });
  }
  result.problems = limitProblems(result.problems);
  return result;
}

/** One file of ~/.putty/sessions; the file name is the %-escaped session name. */
export function parsePuttySessionFile(text: string, file: string, fileName: string, opts: PuttyParseOptions = {}): ParsedSource {
  const problems: ImportProblem[] = [];
  const key = parseKeyValueLines(text, file, `${PUTTY_SESSIONS_KEY}\\${fileName}`, problems);
  const result = puttyFromRegistryKeys([key], file, opts);
  result.problems = limitProblems(problems.concat(result.problems));
  return result;
}

/** ~/.putty/sshhostkeys: one "type@port:host value" per line. */
export function parsePuttyHostKeysFile(text: string, file: string): ParsedSource {
  const result = emptyResult('putty');
  result.files.push(file);
  let n = 0;
  const lines = new LineReader(text);
  for (let line = lines.nextNonEmpty(); line !== undefined; line = lines.nextNonEmpty()) {
    const t = line.trim();
    if (t === '') continue;
    if (++n > MAX_HOST_KEYS_PER_FILE) {
      result.problems.push(tooManyHostKeys(file));
      break;
    }
    const space = t.indexOf(' ');
    if (space <= 0) {
      addProblem(result.problems, { file, line: lines.lineNo, message: 'This line is not "type@port:host value" and was skipped.' });
      continue;
    }
    const name = t.slice(0, space);
    try {
      const converted = puttyHostKeyToKnownHosts(name, t.slice(space + 1));
      addHostKey(result, converted);
    } catch (err) {
      addProblem(result.problems, hostKeyProblem(file, lines.lineNo, name, err));
    }
  }
  result.problems = limitProblems(result.problems);
  return result;
}
