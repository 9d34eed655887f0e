/**
 * `sftp-doctor sites add|edit|remove|show`: the window's saved-site editing from the command line.
 * Every change goes through the services (the same handlers, argument checks and store as the
 * window); the settings are the connection flags of `diagnose`, checked the same way. Passwords
 * never come as an argument: --password-env, --password-stdin or --ask-password (a question
 * without echo), and are stored through the same password vault as the window's (the command
 * line has no access to the system keychain, so it says so and changes nothing). `show` never
 * prints a secret.
 */
import path from 'node:path';
import { portProblem, siteFullName, type Site, type SiteDraft, type SiteSettings } from '../../../shared/sites';
import type { ConnectionRequest } from '../../../shared/types';
import { visibleLine, visibleText } from '../../../shared/visible';
import { isRefusal } from '../../services/errors';
import type { CallContext } from '../../services/handlers';
import { appServicesFor, type PasswordVault } from '../../services/local';
import { askYesNo } from '../ask';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliIO } from '../command';
import { readHidden, requestFromArgs, type ExtraOptions } from './diagnose';

/** Why the command line cannot store a password (the same vault as the window's, without a keychain). */
export const CLI_NO_VAULT =
  'the command line cannot reach your system keychain, so it cannot store passwords safely. Save the password from the SFTP Doctor window, or enter it when you connect.';

export interface SiteEditDeps {
  dataDir?: string;
  /** The vault passwords are encrypted with; default: none (the command line has no keychain). */
  vault?: PasswordVault;
}

/** Flags that belong to one check, not to a saved site. */
const CHECK_ONLY = ['--trust-host-key', '--speed', '--passphrase-env', '--jump-password-env', '--proxy-password-env', '--verbose', '-v', '-vv', '--log', '--log-level'];

const EDIT_OPTIONS: ExtraOptions = {
  'ask-password': { type: 'boolean' },
  'forget-password': { type: 'boolean' },
  rename: { type: 'string' },
  agent: { type: 'boolean' },
  'write-test': { type: 'boolean' },
  'no-key': { type: 'boolean' },
};

const NO_CLIENT: CallContext = { client: { sendEvent: () => {}, sendPrompt: () => {}, sendCheck: () => {} } };

function services(io: CliIO, deps: SiteEditDeps) {
  const s = appServicesFor({ env: io.env, ...(deps.dataDir ? { dataDir: deps.dataDir } : {}), ...(deps.vault ? { vault: deps.vault } : {}), noVaultReason: CLI_NO_VAULT });
  return {
    list: async () => (await (await s).dispatch('sites:list', [], NO_CLIENT)) as Site[],
    save: async (draft: SiteDraft) => (await (await s).dispatch('sites:save', [draft], NO_CLIENT)) as Site,
    remove: async (id: string) => ((await (await s).dispatch('sites:delete', [id], NO_CLIENT)) as { deleted: boolean }).deleted,
  };
}

const fold = (t: string) => t.normalize('NFC').toLowerCase();
const fullName = siteFullName;
const cleanFolder = (f: string) =>
  f
    .split('/')
    .map((p) => p.trim())
    .filter(Boolean)
    .join('/');

/** "Folder/Sub/Name" into its folder and name. */
function splitName(text: string, flag = 'NAME'): { folder: string; name: string } {
  const slash = text.lastIndexOf('/');
  const name = (slash >= 0 ? text.slice(slash + 1) : text).trim();
  if (name === '') throw new UsageError(`${flag}: give the site a name ("Name", or "Folder/Name" to put it in a folder)`);
  return { folder: slash >= 0 ? cleanFolder(text.slice(0, slash)) : '', name };
}

/** Sites whose full name is `text` (case-insensitive, like the site list), or whose id it is. */
function matching(sites: Site[], text: string): Site[] {
  const byId = sites.filter((s) => s.id === text);
  if (byId.length) return byId;
  const { folder, name } = (() => {
    const slash = text.lastIndexOf('/');
    return { folder: slash >= 0 ? cleanFolder(text.slice(0, slash)) : null, name: (slash >= 0 ? text.slice(slash + 1) : text).trim() };
  })();
  return sites.filter((s) => fold(s.name) === fold(name) && (folder === null || fold(s.folder) === fold(folder)));
}

function findOne(sites: Site[], text: string, io: CliIO, who: string): Site | null {
  const found = matching(sites, text);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) io.stderr.write(`sftp-doctor sites ${who}: there is no saved site called "${visibleLine(text)}". See them with: sftp-doctor sites list\n`);
  else io.stderr.write(`sftp-doctor sites ${who}: "${visibleLine(text)}" names ${found.length} sites (${found.map((s) => `"${visibleLine(fullName(s))}"`).join(', ')}); give the folder too, as "Folder/Name"\n`);
  return null;
}

/** The site's settings as a request (no secret: a site keeps none), to put the flags on top. */
function requestOfSite(site: Site): ConnectionRequest {
  return { ...site.settings } as ConnectionRequest;
}

/** What a site keeps of a request: everything but the secrets and what belongs to one check. */
function settingsOf(request: ConnectionRequest): SiteSettings {
  const { password: _pw, passphrase: _pp, acceptHostKey: _a, siteId: _id, speedTest: _sp, legacyAlgorithmsAuto: auto, jumpHosts, proxy, ...rest } = request;
  // "auto" is a choice made while connecting, from what that server offers: a site keeps names.
  if (auto) throw new UsageError('--legacy-algorithms auto chooses while connecting, so a saved site keeps names instead: run "sftp-doctor diagnose TARGET --legacy-algorithms auto" to see which ones this server needs, then give them here (e.g. --legacy-algorithms diffie-hellman-group14-sha1)');
  const settings: SiteSettings = { ...rest };
  settings.host = request.host.trim();
  settings.user = request.user.trim();
  if (settings.host === '') throw new UsageError('the site needs a server: give a TARGET like user@host:22 or --host');
  if (/\s/.test(settings.host)) throw new UsageError(`the server name "${visibleLine(settings.host)}" holds a space; type only the name or address (the user and port have their own options)`);
  if (request.port !== undefined) {
    const problem = portProblem(String(request.port));
    if (problem) throw new UsageError(`--port: "${visibleLine(String(request.port))}": ${problem}`);
    if (String(request.port).trim() === '') delete settings.port;
    else settings.port = Number(String(request.port).trim());
  }
  if (request.privateKey?.path) settings.privateKey = { path: path.resolve(request.privateKey.path) };
  if (request.knownHostsPath) settings.knownHostsPath = path.resolve(request.knownHostsPath);
  if (jumpHosts?.length) settings.jumpHosts = jumpHosts.map((h) => ({ host: h.host, ...(h.port !== undefined ? { port: h.port } : {}), ...(h.user !== undefined ? { user: h.user } : {}) }));
  if (proxy) settings.proxy = { type: proxy.type, host: proxy.host, port: proxy.port, ...(proxy.user !== undefined ? { user: proxy.user } : {}) };
  return settings;
}

async function readPassword(io: CliIO, request: ConnectionRequest, ask: boolean, where: string): Promise<string | undefined> {
  if (!ask) return request.password;
  if (request.password !== undefined) throw new UsageError('--ask-password: the password is already given (--password-env or --password-stdin); use one of them');
  if (!io.stdin.isTTY || !io.stderr.isTTY) throw new UsageError('--ask-password needs a terminal to ask on; without one use --password-stdin or --password-env VAR');
  const pw = await readHidden(io, false, `Password for ${visibleLine(where)} (not shown as you type): `);
  if (pw === null) throw new UsageError('no password was typed; nothing was saved');
  return pw;
}

/** Runs a change; a refusal of the services (invalid field, password not storable, read-only file) is one sentence, exit 1. */
async function refusalOf<T>(io: CliIO, who: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (isRefusal(err)) {
      io.stderr.write(`sftp-doctor sites ${who}: ${visibleText(err.message)}\n`);
      return null;
    }
    throw err;
  }
}

function checkOnlyFlags(argv: string[]): void {
  for (const a of argv) {
    const flag = a.split('=')[0]!;
    if (CHECK_ONLY.includes(flag) || /^-v+$/.test(flag)) throw new UsageError(`${flag} belongs to a check, not to a saved site: use it with "sftp-doctor diagnose SITE"`);
  }
}

function describe(s: SiteSettings): string {
  const port = s.port !== undefined && String(s.port) !== '22' ? `:${s.port}` : '';
  return visibleLine(`${s.protocol} ${s.user ? `${s.user}@` : ''}${s.host}${port}`);
}

export async function runAdd(argv: string[], io: CliIO, deps: SiteEditDeps): Promise<number> {
  const [nameArg, ...rest] = argv;
  if (nameArg === undefined || nameArg.startsWith('-')) throw new UsageError('give the new site\'s name first: sftp-doctor sites add "Folder/Name" user@host[:port] [options]');
  checkOnlyFlags(rest);
  for (const f of ['--rename', '--forget-password', '--agent', '--write-test', '--no-key']) if (rest.includes(f)) throw new UsageError(`${f} is for "sites edit"`);
  const { folder, name } = splitName(nameArg);
  const { request, json, extraValues } = await requestFromArgs(rest, io, { targetIsServer: true, extra: EDIT_OPTIONS });
  const settings = settingsOf(request);
  const svc = services(io, deps);
  const existing = matching(await svc.list(), folder ? `${folder}/${name}` : `/${name}`).filter((s) => fold(s.folder) === fold(folder));
  if (existing.length) {
    io.stderr.write(`sftp-doctor sites add: a site called "${visibleLine(fullName(existing[0]!))}" already exists; change it with: sftp-doctor sites edit "${visibleLine(fullName(existing[0]!))}" [options]\n`);
    return EXIT_PROBLEM;
  }
  const password = await readPassword(io, request, extraValues['ask-password'] === true, `${settings.user ? `${settings.user}@` : ''}${settings.host}`);
  const site = await refusalOf(io, 'add', () => svc.save({ name, folder, settings, ...(password !== undefined ? { password } : {}) }));
  if (!site) return EXIT_PROBLEM;
  if (json) io.stdout.write(`${JSON.stringify(site, null, 2)}\n`);
  else io.stdout.write(`Saved the site "${visibleLine(fullName(site))}": ${describe(site.settings)}${site.hasSavedPassword ? ' (password saved)' : ''}.\nCheck it with: sftp-doctor diagnose "${visibleLine(fullName(site))}"\n`);
  return EXIT_OK;
}

export async function runEdit(argv: string[], io: CliIO, deps: SiteEditDeps): Promise<number> {
  const [nameArg, ...rest] = argv;
  if (nameArg === undefined || nameArg.startsWith('-')) throw new UsageError('give the site\'s name first: sftp-doctor sites edit "Folder/Name" [TARGET] [options]');
  checkOnlyFlags(rest);
  const svc = services(io, deps);
  const sites = await svc.list();
  const site = findOne(sites, nameArg, io, 'edit');
  if (!site) return EXIT_PROBLEM;
  const base = requestOfSite(site);
  if (rest.includes('--no-key')) delete base.privateKey;
  const { request, json, extraValues } = await requestFromArgs(rest, io, { base, extra: EDIT_OPTIONS });
  if (extraValues.agent === true) {
    if (rest.includes('--no-agent')) throw new UsageError('use either --agent or --no-agent, not both');
    delete request.useAgent;
  }
  if (extraValues['write-test'] === true) {
    if (rest.includes('--no-write-test')) throw new UsageError('use either --write-test or --no-write-test, not both');
    delete request.writeTest;
  }
  if (extraValues['no-key'] === true && rest.includes('--key')) throw new UsageError('use either --key FILE or --no-key, not both');
  if (request.identitiesOnly && !request.privateKey) throw new UsageError('--identities-only means "try only the key given", and the site would have no key: add --key FILE');
  const settings = settingsOf(request);
  let { folder, name } = site;
  if (typeof extraValues.rename === 'string') {
    ({ folder, name } = splitName(extraValues.rename, '--rename'));
    const clash = sites.find((s) => s.id !== site.id && fold(s.folder) === fold(folder) && fold(s.name) === fold(name));
    if (clash) {
      io.stderr.write(`sftp-doctor sites edit: a site called "${visibleLine(fullName(clash))}" already exists; choose another name\n`);
      return EXIT_PROBLEM;
    }
  }
  const forget = extraValues['forget-password'] === true;
  const password = await readPassword(io, request, extraValues['ask-password'] === true, `${settings.user ? `${settings.user}@` : ''}${settings.host}`);
  if (forget && password !== undefined) throw new UsageError('use either --forget-password or a new password, not both');
  const saved = await refusalOf(io, 'edit', () => svc.save({ id: site.id, name, folder, settings, ...(password !== undefined ? { password } : {}), ...(forget ? { forgetPassword: true } : {}) }));
  if (!saved) return EXIT_PROBLEM;
  if (json) io.stdout.write(`${JSON.stringify(saved, null, 2)}\n`);
  else io.stdout.write(`Saved the site "${visibleLine(fullName(saved))}": ${describe(saved.settings)}${saved.hasSavedPassword ? ' (password saved)' : forget ? ' (password forgotten)' : ''}.\n`);
  return EXIT_OK;
}

export async function runRemove(argv: string[], io: CliIO, deps: SiteEditDeps): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('-'));
  const flags = argv.filter((a) => a.startsWith('-'));
  for (const f of flags) if (f !== '--yes' && f !== '-y' && f !== '--json') throw new UsageError(`"sites remove" takes NAME and --yes; "${visibleLine(f)}" is not one of its options`);
  if (names.length !== 1) throw new UsageError(names.length === 0 ? 'which site? sftp-doctor sites remove "Folder/Name"' : 'remove one site at a time');
  const svc = services(io, deps);
  const site = findOne(await svc.list(), names[0]!, io, 'remove');
  if (!site) return EXIT_PROBLEM;
  const yes = flags.includes('--yes') || flags.includes('-y');
  if (!yes) {
    if (!io.stdin.isTTY || !io.stderr.isTTY) {
      io.stderr.write(`sftp-doctor sites remove: nothing was removed. To remove "${visibleLine(fullName(site))}" without a terminal to confirm on, add --yes\n`);
      return EXIT_PROBLEM;
    }
    if (!(await askYesNo(io, `Remove the site "${visibleLine(fullName(site))}" (${describe(site.settings)})${site.hasSavedPassword ? ' and its saved password' : ''}? [y/N] `))) {
      io.stderr.write('Nothing was removed.\n');
      return EXIT_PROBLEM;
    }
  }
  const deleted = await refusalOf(io, 'remove', () => svc.remove(site.id));
  if (deleted === null) return EXIT_PROBLEM;
  if (flags.includes('--json')) io.stdout.write(`${JSON.stringify({ removed: deleted, id: site.id, name: fullName(site) }, null, 2)}\n`);
  else io.stdout.write(deleted ? `Removed the site "${visibleLine(fullName(site))}".\n` : `The site "${visibleLine(fullName(site))}" was already gone.\n`);
  return EXIT_OK;
}

export async function runShow(argv: string[], io: CliIO, deps: SiteEditDeps): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('-'));
  const flags = argv.filter((a) => a.startsWith('-'));
  for (const f of flags) if (f !== '--json') throw new UsageError(`"sites show" takes NAME and --json; "${visibleLine(f)}" is not one of its options`);
  if (names.length !== 1) throw new UsageError('which site? sftp-doctor sites show "Folder/Name"');
  const site = findOne(await services(io, deps).list(), names[0]!, io, 'show');
  if (!site) return EXIT_PROBLEM;
  // A Site holds no secret (a saved password is only "hasSavedPassword"): safe to print whole.
  if (flags.includes('--json')) {
    io.stdout.write(`${JSON.stringify(site, null, 2)}\n`);
    return EXIT_OK;
  }
  const s = site.settings;
  const rows: [string, string][] = [
    ['Name', fullName(site)],
    ['Protocol', s.protocol],
    ['Server', s.host],
    ['Port', s.port !== undefined ? String(s.port) : '22 (default)'],
    ['User', s.user || '(none)'],
    ['Password', site.hasSavedPassword ? 'saved (encrypted; never shown)' : 'not saved (asked when you connect)'],
    ['Private key', s.privateKey?.path ?? '(none)'],
    ['SSH agent', s.useAgent === false ? 'not used' : 'used when running'],
    ['Only the key above', s.identitiesOnly ? 'yes' : 'no'],
    ...(s.authMethods?.length ? [['Login methods', s.authMethods.join(', ')] as [string, string]] : []),
    ...(s.rsaSignature ? [['RSA key signature', s.rsaSignature] as [string, string]] : []),
    ['Weak algorithms allowed', s.legacyAlgorithms?.length ? s.legacyAlgorithms.join(', ') : '(none)'],
    ['Keepalive', s.keepaliveSeconds ? `every ${s.keepaliveSeconds} s` : 'off'],
    ['Timeout', s.timeoutMs ? `${s.timeoutMs / 1000} s` : '10 s (default)'],
    ['Remote folder', s.startPath ?? 'home folder'],
    ['Upload check', s.writeTest === false ? 'off' : 'on'],
    ['Stay connected', s.holdSeconds ? `${s.holdSeconds} s` : 'no'],
    ['Known hosts file', s.knownHostsPath ?? "SFTP Doctor's own"],
    ['Jump hosts', s.jumpHosts?.length ? s.jumpHosts.map((h) => `${h.user ? `${h.user}@` : ''}${h.host}${h.port && h.port !== 22 ? `:${h.port}` : ''}`).join(', ') : '(none)'],
    ['Proxy', s.proxy ? `${s.proxy.type}://${s.proxy.user ? `${s.proxy.user}@` : ''}${s.proxy.host}:${s.proxy.port}` : '(none)'],
  ];
  if (site.origin) rows.push(['Imported from', `${site.origin.tool}: ${site.origin.name} (${site.origin.file})`]);
  for (const n of site.notes ?? []) rows.push(['Note', n]);
  rows.push(['Saved', `${site.createdAt}${site.updatedAt !== site.createdAt ? `, changed ${site.updatedAt}` : ''}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.stdout.write(`${k.padEnd(width)}  ${visibleLine(v)}\n`);
  return EXIT_OK;
}
