/**
 * `sftp-doctor sites list` and `sftp-doctor sites import --from <tool> [FILE]`.
 */
import { parseArgs } from 'node:util';
import { IMPORT_SOURCES, SOURCE_LABELS, WINSCP_PASSWORD_EXPLANATION, siteFullName, type ImportPreview, type ImportSource, type Site } from '../../../shared/sites';
import { askYesNo } from '../ask';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliCommand, type CliIO } from '../command';
import type { ImportEnvironment, ImportOutcome, PasswordVault } from '../../services/local';
import { servicesFor, type LocalServices } from '../services';
import { visibleLine, visibleText } from '../../../shared/visible';

/** A site's name as printed: names and hosts come from other programs' files, so controls are shown, not obeyed. */
const shownName = (s: Pick<Site, 'name' | 'folder'>): string => visibleLine(siteFullName(s));


const USAGE = `Usage:
  sftp-doctor sites list [--json]
  sftp-doctor sites show NAME [--json]
  sftp-doctor sites add NAME TARGET [site options] [--json]
  sftp-doctor sites edit NAME [TARGET] [site options] [--rename NEW] [--json]
  sftp-doctor sites remove NAME [--yes]
  sftp-doctor sites import --from openssh|putty|winscp|filezilla [FILE] [--yes] [--with-passwords] [--json]

sites list      Shows your saved sites (a site name can be used as the TARGET of diagnose).
sites show      Shows every setting of one site (never a password: only whether one is saved).
sites add       Saves a new site. NAME is "Name" or "Folder/Name"; TARGET is
                [sftp://][user@]host[:port][/folder] (or use --host, --user, --port).
sites edit      Changes a saved site: a new TARGET replaces the server (user, port and folder
                only when given); the options change only what they name.
sites remove    Removes a site and its saved password (asks first on a terminal; else --yes).
sites import    Reads the sites you saved in another program and shows what would be imported.
                Nothing is changed in the other program's files.

  --from TOOL        openssh (~/.ssh/config), putty, winscp or filezilla
  FILE               Read this file instead of the tool's usual place: a WinSCP.ini, a
                     sitemanager.xml, an ssh config, or for PuTTY a .reg export, the output of
                     "reg query HKCU\\Software\\SimonTatham\\PuTTY /s", or a ~/.putty folder
  --yes              Import every site that is not already saved, without asking
  --with-passwords   Also import saved passwords (needs secure storage: the desktop app)
  --json             Print the preview (and the result) as JSON

Without --yes, the preview is shown and, in a terminal, you are asked before anything is saved.
Host keys the other program trusted for the imported sites are added to SFTP Doctor's known_hosts.

Site options (add and edit; the same names and checks as "sftp-doctor diagnose"):
  --host H, --port P, --user U, --key FILE, --known-hosts FILE, --timeout SECONDS,
  --remote-folder PATH, --keepalive SECONDS, --no-agent, --identities-only,
  --legacy-algorithms LIST|none, --no-write-test, --hold SECONDS,
  --jump [USER@]HOST[:PORT], --proxy URL
  --password-env VAR      Save the password read from environment variable VAR
  --password-stdin        Save the password read from standard input (one line)
  --ask-password          Ask for the password on the terminal, without echo
edit only:
  --rename NEW            New name ("Name" or "Folder/Name")
  --forget-password       Forget the saved password
  --agent, --write-test   Undo --no-agent, --no-write-test
  --no-key                Forget the private key file
Passwords are never accepted as arguments, and are only saved where they can be encrypted with
the system keychain (the desktop app); the command line says so and changes nothing.`;

const CLI_NO_VAULT =
  'the command line cannot reach your system keychain, so it cannot store passwords safely. Import from the SFTP Doctor window to keep them, or enter the password when you connect.';

export interface SitesCommandDeps {
  /** Default: SFTP_DOCTOR_HOME or the platform's data folder. */
  dataDir?: string;
  environment?: ImportEnvironment;
  /** Encrypts saved passwords for add/edit; default none (no keychain from the command line). */
  vault?: PasswordVault;
}

/** The services on the data folder of the command (or of the test), passwords refused with this reason. */
function servicesOf(io: CliIO, deps: SitesCommandDeps, noVaultReason?: string): Promise<LocalServices> {
  return servicesFor(io, { ...(deps.dataDir ? { dataDir: deps.dataDir } : {}), ...(noVaultReason ? { noVaultReason } : {}) });
}

function describeTarget(s: Site['settings']): string {
  const port = s.port !== undefined && String(s.port) !== '22' ? `:${s.port}` : '';
  return visibleLine(`${s.user ? `${s.user}@` : ''}${s.host}${port}`);
}

/** "host" or "[host]:port", as the key is recorded in known_hosts. */
function keyPlace(k: { host: string; port: number }): string {
  // The host came from another program's file: shown, never obeyed by the terminal.
  return visibleLine(k.port === 22 ? k.host.toLowerCase() : `[${k.host.toLowerCase()}]:${k.port}`);
}

function printProblems(io: CliIO, problems: { file: string; line?: number; message: string }[]): void {
  if (problems.length === 0) return;
  io.stdout.write(`\nProblems found while reading (the rest was still read):\n`);
  const fileOrder = [...new Set(problems.map((p) => p.file))];
  const sorted = [...problems].sort((a, b) => fileOrder.indexOf(a.file) - fileOrder.indexOf(b.file) || (a.line ?? 0) - (b.line ?? 0));
  for (const p of sorted) {
    const where = p.file ? `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ` : '';
    io.stdout.write(`  ${visibleLine(where)}${visibleText(p.message)}\n`);
  }
}

function printPreview(io: CliIO, preview: ImportPreview, existing: Site[]): void {
  const label = SOURCE_LABELS[preview.source];
  const where = preview.files.length > 0 ? ` (${preview.files.join(', ')})` : '';
  if (preview.candidates.length === 0) {
    io.stdout.write(`No sites to import were found in ${label}${where}.\n`);
  } else {
    io.stdout.write(`Found ${preview.candidates.length} site(s) in ${label}${where}:\n`);
    const names = preview.candidates.map((c) => shownName(c.site));
    const width = Math.min(40, Math.max(...names.map((n) => n.length)));
    // A note that most sites share is printed once, after the list.
    const counts = new Map<string, number>();
    for (const c of preview.candidates) for (const n of new Set(c.site.notes ?? [])) counts.set(n, (counts.get(n) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n >= 3 && n > preview.candidates.length / 2).map(([note]) => note);
    preview.candidates.forEach((c, i) => {
      const dup = c.duplicateOf !== undefined ? existing.find((s) => s.id === c.duplicateOf) : undefined;
      const tag = c.duplicateOf !== undefined ? '[already saved]' : '[new]          ';
      const extra = [dup ? `same as your site "${shownName(dup)}"` : '', c.hasPassword ? 'has a saved password' : ''].filter(Boolean).join('; ');
      io.stdout.write(`  ${tag} ${names[i]!.padEnd(width)}  ${c.site.settings.protocol} ${describeTarget(c.site.settings)}${extra ? `  (${extra})` : ''}\n`);
      for (const note of c.site.notes ?? []) if (!shared.includes(note)) io.stdout.write(`      note: ${visibleText(note)}\n`);
      for (const k of c.hostKeys ?? []) io.stdout.write(`      ${c.duplicateOf !== undefined ? 'host key' : 'will trust'}: ${keyPlace(k)} ${visibleLine(k.type)} ${k.sha256}\n`);
    });
    for (const note of shared) io.stdout.write(`\nFor ${counts.get(note)} of these sites: ${visibleText(note)}\n`);
  }
  if (preview.source === 'winscp' && preview.candidates.some((c) => c.hasPassword)) io.stdout.write(`\nAbout saved passwords: ${WINSCP_PASSWORD_EXPLANATION}\n`);
  if (preview.hostKeys.length > 0) {
    const withSite = new Set(preview.candidates.flatMap((c) => (c.hostKeys ?? []).map((k) => `${keyPlace(k)} ${k.sha256}`)));
    const alone = preview.hostKeys.filter((k) => !withSite.has(`${keyPlace(k)} ${k.sha256}`)).length;
    io.stdout.write(`\n${preview.hostKeys.length} host key(s) found. Importing a site trusts the keys listed under it ("will trust"), each for exactly that host and port`);
    io.stdout.write(alone > 0 ? `; ${alone} key(s) belong to no site listed and are not added.\n` : '.\n');
  }
  const skipped = preview.skipped ?? [];
  if (skipped.length > 0) {
    io.stdout.write(`\nNot imported, because SFTP Doctor checks SFTP and SCP only:\n`);
    for (const s of skipped) io.stdout.write(`  skipped: ${visibleLine(s.reason)}  ${visibleLine(s.name)}\n`);
  }
  printProblems(io, preview.problems);
}

const ask = (io: CliIO, question: string): Promise<boolean> => askYesNo(io, question, io.stdout);

function printOutcome(io: CliIO, outcome: ImportOutcome, passwordsFound: boolean, withPasswords: boolean): void {
  io.stdout.write(`\nImported ${outcome.sites.length} site(s):\n`);
  const width = Math.min(40, Math.max(0, ...outcome.sites.map((s) => shownName(s).length)));
  for (const s of outcome.sites) io.stdout.write(`  ${shownName(s).padEnd(width)}  ${describeTarget(s.settings)}${s.hasSavedPassword ? '  (password saved)' : ''}\n`);
  if (outcome.missing.length > 0) io.stdout.write(`${outcome.missing.length} chosen site(s) were no longer in the source; run the import again to see the current list.\n`);
  if (passwordsFound && withPasswords && outcome.passwordsNotSaved) io.stdout.write(`Passwords were not imported: ${outcome.passwordsNotSaved}\n`);
  else if (passwordsFound && !withPasswords) io.stdout.write('Saved passwords were not imported; enter them when you connect (the SFTP Doctor window can import them into your system keychain).\n');
  const hk = outcome.hostKeys;
  if (hk) {
    if (hk.added.length > 0) {
      io.stdout.write(`Added ${hk.added.length} trusted host key(s) to ${hk.file}:\n`);
      for (const k of hk.added) io.stdout.write(`  ${keyPlace(k)} ${k.type} ${k.sha256}\n`);
    }
    for (const c of hk.conflicts) {
      io.stdout.write(`Not added: the host key ${c.sha256} for ${keyPlace(c)} (${c.type}) differs from the one SFTP Doctor already trusts. If the server's key really changed, connect and compare the fingerprint with your administrator.\n`);
    }
    for (const r of hk.refused) io.stdout.write(`Not added: a ${r.type} host key, because ${r.reason}.\n`);
  }
}

async function runImport(argv: string[], io: CliIO, deps: SitesCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      'with-passwords': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  const from = values.from;
  if (!from) throw new UsageError('say which program to import from with --from (openssh, putty, winscp or filezilla).');
  if (!IMPORT_SOURCES.includes(from as ImportSource)) throw new UsageError(`"${from}" is not a program SFTP Doctor can import from; use openssh, putty, winscp or filezilla.`);
  if (positionals.length > 1) throw new UsageError('give at most one FILE.');
  const source = from as ImportSource;
  const file = positionals[0];
  const withPasswords = values['with-passwords'] === true;

  const services = await servicesOf(io, deps, CLI_NO_VAULT);
  const [store, imports] = await Promise.all([services.siteStore(), services.imports()]);
  const environment = deps.environment ?? imports.environment(io.env);
  const preview = await imports.preview(source, environment, file);
  const existing = await store.list();
  const fresh = preview.candidates.filter((c) => c.duplicateOf === undefined);
  const passwordsFound = fresh.some((c) => c.hasPassword);

  if (!values.json) printPreview(io, preview, existing);
  for (const p of store.problems) io.stderr.write(`${p.message}\n`);

  let go = values.yes === true;
  if (!go && fresh.length > 0 && !values.json) {
    if (io.stdin.isTTY && io.stdout.isTTY) {
      go = await ask(io, `\nImport the ${fresh.length} new site(s)? [y/N] `);
      if (!go) io.stdout.write('Nothing was imported.\n');
    } else {
      io.stdout.write(`\nNothing was imported yet. Run the same command with --yes to import the ${fresh.length} new site(s).\n`);
    }
  }
  if (!go || fresh.length === 0) {
    if (values.json) io.stdout.write(`${JSON.stringify({ preview, imported: [] }, null, 2)}\n`);
    else if (fresh.length === 0 && preview.candidates.length > 0) io.stdout.write('\nEvery site found is already saved; nothing to import.\n');
    return preview.candidates.length === 0 && preview.problems.length > 0 ? EXIT_PROBLEM : EXIT_OK;
  }

  const outcome = await imports.importSelected(source, fresh.map((c) => c.key), { environment, includePasswords: withPasswords, ...(file ? { file } : {}) });
  if (values.json) {
    const { preview: _p, ...rest } = outcome;
    io.stdout.write(`${JSON.stringify({ preview, imported: rest.sites, missing: rest.missing, passwordsNotSaved: rest.passwordsNotSaved ?? null, hostKeys: rest.hostKeys ?? null }, null, 2)}\n`);
  } else {
    printOutcome(io, outcome, passwordsFound, withPasswords);
  }
  return EXIT_OK;
}

async function runList(argv: string[], io: CliIO, deps: SitesCommandDeps): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length > 0) throw new UsageError(`"sites list" takes no arguments (got "${positionals[0]}").`);
  const store = await (await servicesOf(io, deps)).siteStore();
  const sites = await store.list();
  for (const p of store.problems) io.stderr.write(`${p.message}\n`);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(sites, null, 2)}\n`);
    return EXIT_OK;
  }
  if (sites.length === 0) {
    io.stdout.write('No saved sites yet. Bring them in from another program, e.g.: sftp-doctor sites import --from openssh\n');
    return EXIT_OK;
  }
  const sorted = [...sites].sort((a, b) => siteFullName(a).localeCompare(siteFullName(b)));
  const names = sorted.map(shownName);
  const width = Math.min(40, Math.max(...names.map((n) => n.length)));
  io.stdout.write(`${sites.length} saved site(s) in ${store.file}:\n`);
  sorted.forEach((s, i) => {
    const flags = [s.settings.privateKey?.path ? `key ${visibleLine(s.settings.privateKey.path)}` : '', s.hasSavedPassword ? 'password saved' : '', s.origin && s.origin.tool !== 'sftp-doctor' ? `from ${SOURCE_LABELS[s.origin.tool]}` : '']
      .filter(Boolean)
      .join(', ');
    io.stdout.write(`  ${names[i]!.padEnd(width)}  ${s.settings.protocol} ${describeTarget(s.settings)}${flags ? `  (${flags})` : ''}\n`);
  });
  io.stdout.write('\nUse a name as the target of diagnose, e.g.: sftp-doctor diagnose "' + names[0] + '"\n');
  return EXIT_OK;
}

export function makeSitesCommand(deps: SitesCommandDeps = {}): CliCommand {
  return {
    name: 'sites',
    summary: 'Saved sites: list, show, add, edit, remove; import from OpenSSH, PuTTY, WinSCP...',
    usage: USAGE,
    async run(argv, io) {
      const [sub, ...rest] = argv;
      if (sub === 'list') return runList(rest, io, deps);
      if (sub === 'import') return runImport(rest, io, deps);
      if (sub === 'add' || sub === 'edit' || sub === 'remove' || sub === 'show') {
        const edit = await import('./site-edit');
        const editDeps = { ...(deps.dataDir ? { dataDir: deps.dataDir } : {}), ...(deps.vault ? { vault: deps.vault } : {}) };
        const run = { add: edit.runAdd, edit: edit.runEdit, remove: edit.runRemove, show: edit.runShow }[sub];
        return run(rest, io, editDeps);
      }
      throw new UsageError(sub === undefined ? 'say what to do: list, show, add, edit, remove or import.' : `unknown action "${visibleLine(sub)}"; use list, show, add, edit, remove or import.`);
    },
  };
}

export const sitesCommand: CliCommand = makeSitesCommand();
