/**
 * FileZilla's Site Manager (sitemanager.xml) -> sites.
 *
 * <FileZilla3><Servers> holds <Server> entries and <Folder> elements (the folder's name is the
 * text directly inside it) nested to any depth. Only SFTP sites (<Protocol>1</Protocol>) are
 * imported; the others are listed as skipped ("skipped: FTP"), not as problems. Passwords are base64 (encoding="base64"), plain text in old versions, or encrypted
 * with FileZilla's master password (encoding="crypt", which we cannot read).
 */
import type { SiteSettings } from '../../shared/sites';
import { Secret } from '../common/secret';
import { MAX_SITES_PER_FILE, emptyResult, type ImportProblem, limitProblems, makeCandidate, parsePort, tooManySites, windowsPathNote, type ParsedSource } from './common';
import { MAX_SITE_FOLDER } from '../../shared/schemas/sites';
import { childElements, childText, ownText, parseXml, type XmlElement } from './xml';

/** FileZilla's protocol numbers (ServerProtocol) for what is not SFTP, as the preview names them. */
const PROTOCOL_NAMES: Record<string, string> = {
  '0': 'FTP',
  '2': 'HTTP',
  '3': 'FTPS',
  '4': 'FTPS',
  '5': 'HTTPS',
  '6': 'FTP',
  '7': 'Amazon S3',
  '8': 'Storj',
  '9': 'WebDAV',
  '10': 'Azure',
  '13': 'Google Cloud Storage',
  '14': 'Google Drive',
  '15': 'Dropbox',
  '16': 'OneDrive',
  '17': 'Backblaze B2',
  '18': 'Box',
};

// Logontype: 0 anonymous, 1 normal (password saved), 2 ask for password, 3 interactive,
// 4 account, 5 key file, 6 profile.
const LOGON_ASK = new Set(['2', '3']);

/**
 * XML elements read from one file. FileZilla writes about 20 to 25 per site (Host, Port, User,
 * Pass, Logontype...), so this leaves room for the MAX_SITES_PER_FILE sites of a real file with
 * some to spare, while a file of nothing but elements ("<a/>" repeated to 5 MB: 1.3 million of
 * them) stops here instead of being built in full.
 */
export const MAX_ELEMENTS = 40 * MAX_SITES_PER_FILE;

function tooManyElements(file: string, line: number): ImportProblem {
  return {
    file,
    line,
    message: `This file has more than ${MAX_ELEMENTS} XML elements, far more than ${MAX_SITES_PER_FILE} FileZilla sites take (about 25 each); the sites before this line were read and the rest skipped. Check that this is FileZilla's sitemanager.xml, or export the sites again from FileZilla (File > Export) and import that file.`,
  };
}

export interface FileZillaParseOptions {
  platform?: NodeJS.Platform;
}

function serverToCandidate(server: XmlElement, folder: string, file: string, result: ParsedSource, opts: FileZillaParseOptions): void {
  const text = (name: string) => childText(server, name)?.trim();
  const name = (text('Name') || ownText(server).trim() || text('Host') || '').trim();
  const label = folder === '' ? name : `${folder}/${name}`;
  if (server.incomplete) {
    result.problems.push({ file, line: server.line, message: `The site "${label || 'without a name'}" is cut off by the damage in the file, so it was not imported.` });
    return;
  }
  const proto = text('Protocol') ?? '0';
  if (proto !== '1') {
    // Not a reading problem: the file is fine, the site is simply not SFTP.
    result.skipped.push({ file, line: server.line, name: label || text('Host') || 'without a name', reason: PROTOCOL_NAMES[proto] ?? `protocol ${proto}` });
    return;
  }
  const host = text('Host') ?? '';
  if (host === '') {
    result.problems.push({ file, line: server.line, message: `The site "${label}" has no host name, so it was not imported.` });
    return;
  }
  const user = childText(server, 'User') ?? '';
  const notes: string[] = [];
  const settings: SiteSettings = { protocol: 'sftp', host, user };
  if (user === '') notes.push('No user name was saved in FileZilla. Type it in before connecting.');

  const portRaw = text('Port');
  const port = parsePort(portRaw);
  if (port === 'invalid') {
    const line = childElements(server, 'Port')[0]?.line ?? server.line;
    result.problems.push({ file, line, message: `The site "${label}" has port "${portRaw ?? ''}", which is not a port number; the default port 22 is used.` });
  } else if (port !== undefined && port !== 22) {
    settings.port = port;
  }

  const logon = text('Logontype') ?? '1';
  const keyFile = (childText(server, 'Keyfile') ?? '')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (keyFile.length > 0) {
    settings.privateKey = { path: keyFile[0]! };
    if (keyFile.length > 1) notes.push(`FileZilla lists more key files (${keyFile.slice(1).join(', ')}); SFTP Doctor uses the first one.`);
    const note = windowsPathNote(keyFile[0], opts.platform ?? process.platform);
    if (note) notes.push(note);
  }
  if (logon === '5' && keyFile.length === 0) notes.push('FileZilla was set to log in with a key file, but none is named. Choose the key file before connecting.');
  if (logon === '0') notes.push('FileZilla logged in anonymously here; check the user name.');

  let password: Secret | undefined;
  const passEl = childElements(server, 'Pass')[0];
  if (passEl && !LOGON_ASK.has(logon) && logon !== '5') {
    const raw = ownText(passEl);
    const encoding = passEl.attrs.encoding;
    if (encoding === 'base64') {
      const clean = raw.replace(/\s+/g, '');
      if (/^[A-Za-z0-9+/]*={0,2}$/.test(clean) && clean !== '') password = Secret.from(Buffer.from(clean, 'base64').toString('utf8'));
      else if (clean !== '') notes.push('The saved password is not valid base64, so it was not imported. Enter it when you connect.');
    } else if (encoding === 'crypt') {
      notes.push('The saved password is protected by your FileZilla master password, so it was not imported. Enter it when you connect.');
    } else if (encoding === undefined) {
      password = Secret.from(raw);
    } else {
      notes.push(`The saved password uses an encoding SFTP Doctor does not know ("${encoding}"), so it was not imported.`);
    }
  }
  result.candidates.push(
    makeCandidate({ origin: { tool: 'filezilla', file, name: label }, name: name || host, folder, settings, notes, ...(password ? { password } : {}) }),
  );
}

/**
 * Walks the folders, each one's path ("Work/Clients") made once, not again for every site in it.
 * A path longer than a saved site's folder may be is not a real one: its sites are left out with
 * one problem, so that 10,000 sites under one 4 MB folder name are not 10,000 copies of it.
 */
function walk(el: XmlElement, folder: string, file: string, result: ParsedSource, opts: FileZillaParseOptions): void {
  for (const child of childElements(el)) {
    if (child.name === 'Server') serverToCandidate(child, folder, file, result, opts);
    else if (child.name === 'Folder') {
      const name = ownText(child).trim().replaceAll('/', '-') || 'Folder';
      const path = folder === '' ? name : `${folder}/${name}`;
      if (path.length > MAX_SITE_FOLDER) {
        result.problems.push({ file, line: child.line, message: `This folder's path is longer than ${MAX_SITE_FOLDER} characters ("${path.slice(0, 60)}…"), more than a site's folder can be; the sites in it were not imported. Give the folder a shorter name in FileZilla's Site Manager and export the sites again.` });
      } else {
        walk(child, path, file, result, opts);
      }
    }
  }
}

/** Reads sitemanager.xml. A damaged file still gives the sites before the damage. */
export function parseFileZillaSiteManager(text: string, file: string, opts: FileZillaParseOptions = {}): ParsedSource {
  const result = emptyResult('filezilla');
  result.files.push(file);
  // Reading stops at the first <Server> past the site cap, or at the first element past the
  // element cap: a 5 MB file of tiny servers, or of a million "<a/>", is not built in full.
  let servers = 0;
  let elements = 0;
  let cap: 'sites' | 'elements' | undefined;
  const { root, error, stoppedAt } = parseXml(text, {
    stopBefore: (el) => {
      if (++elements > MAX_ELEMENTS) cap = 'elements';
      else if (el.name === 'Server' && ++servers > MAX_SITES_PER_FILE) cap = 'sites';
      return cap !== undefined;
    },
  });
  if (error) {
    result.problems.push({
      file,
      line: error.line,
      message: `The file is damaged here (${error.message}). ${root ? 'Sites before this point were read; the rest was skipped.' : 'Nothing could be read from it.'} If FileZilla can still open its Site Manager, export the sites again (File > Export) and import that file.`,
    });
  }
  if (!root) return result;
  if (root.name !== 'FileZilla3' && root.name !== 'FileZilla') {
    result.problems.push({ file, line: root.line, message: `This is not a FileZilla site manager file (it starts with <${root.name}>, not <FileZilla3>).` });
    return result;
  }
  if (stoppedAt) result.problems.push(cap === 'elements' ? tooManyElements(file, stoppedAt.line) : tooManySites(file, 'sites'));
  const serverLists = childElements(root, 'Servers');
  if (serverLists.length === 0 && !error) result.problems.push({ file, line: root.line, message: 'The file has no <Servers> section, so there are no sites in it.' });
  for (const s of serverLists) walk(s, '', file, result, opts);
  result.problems = limitProblems(result.problems);
  return result;
}
