/**
 * `sftp-doctor check [--all | --folder F | SITE...]`: checks many saved sites at once, through the
 * same service as the window's "Check all", and prints one row per site.
 */
import { parseArgs } from 'node:util';
import { checkRowsToCsv, checkRowsToJson, DEFAULT_CHECK_JOBS, MAX_CHECK_JOBS, type CheckRow } from '../../../shared/check';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliCommand } from '../command';
import { visibleDeep } from '../../../shared/visible';
import { logSettingsFrom, RunLog } from '../run-log';
import { servicesFor } from '../services';
import { agentOption } from './diagnose';

const USAGE = `Usage: sftp-doctor check [--all | --folder FOLDER | SITE...] [--json | --csv] [--jobs N]

Checks many saved sites at once, each with the full diagnosis, and prints one row per site:
the site, its result code, how long it took and the first fix offered.

  --all              Every saved site
  --folder FOLDER    The sites in FOLDER and its sub-folders ("Work/Clients")
  SITE...            Saved sites by name ("Folder/Name"), as diagnose takes them
  --jobs N           How many sites are checked at the same time (default ${DEFAULT_CHECK_JOBS}, at most ${MAX_CHECK_JOBS})
  --timeout SECONDS  Time budget of each site's check (default: the site's own, else 10)
  --json             Print one JSON object for scripts
  --csv              Print the table as CSV (a header line, then one line per site)
  -v, --verbose      Print a log of the checks on standard error, each line starting with
                     its site (-v: debug level, -vv: raw, with the SSH protocol lines)
  --log FILE         Write that log to FILE (mode 0600; emptied first)
  --log-level LEVEL  normal (default for --log), debug or raw
  -h, --help         Show this help

Nobody is asked anything during a check: a server whose key is not trusted yet, or a key that
needs its passphrase, ends with a diagnosis saying so (run "sftp-doctor diagnose SITE" for it).
Saved passwords are used where the command line can read them (the desktop app can).
Exit status: 0 every site works, 1 at least one failed, 2 usage error.`;

/** Terminal output must not carry a server's control characters (titles quote what servers said). */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function checkTable(rows: readonly CheckRow[]): string {
  const head = ['', 'Site', 'Result', 'Time', 'First fix'];
  const cells = rows.map((r) => [r.state !== 'done' ? '-' : r.ok ? '✓' : '✗', printable(r.site), r.code ?? r.state, formatMs(r.ms), printable(r.firstFix?.label ?? (r.ok ? '' : '-'))]);
  const widths = head.map((h, i) => Math.min(i === 1 ? 40 : 60, Math.max(h.length, ...cells.map((c) => c[i]!.length))));
  const line = (c: string[]) =>
    c
      .map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check many saved sites at once: one row per site',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        all: { type: 'boolean', default: false },
        folder: { type: 'string' },
        jobs: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        log: { type: 'string' },
        'log-level': { type: 'string' },
      },
    });
    const ways = [values.all, values.folder !== undefined, positionals.length > 0].filter(Boolean).length;
    if (ways === 0) throw new UsageError('which sites? Use --all, --folder FOLDER, or name the sites');
    if (ways > 1) throw new UsageError('choose one of --all, --folder FOLDER or site names');
    if (values.json && values.csv) throw new UsageError('choose either --json or --csv');
    let jobs = DEFAULT_CHECK_JOBS;
    if (values.jobs !== undefined) {
      jobs = Number(values.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_CHECK_JOBS) throw new UsageError(`--jobs: "${values.jobs}" is not a whole number from 1 to ${MAX_CHECK_JOBS}`);
    }
    let timeoutMs: number | undefined;
    if (values.timeout !== undefined) {
      const s = Number(values.timeout);
      if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`--timeout: "${values.timeout}" is not a number of seconds between 0 and 3600`);
      timeoutMs = Math.round(s * 1000);
    }

    const logSettings = logSettingsFrom(values);
    const services = await servicesFor(io);
    const picked = await services.selectSites(values.folder !== undefined ? { folder: values.folder } : { names: positionals });
    if ('problem' in picked) {
      io.stderr.write(`sftp-doctor check: ${picked.problem}\n`);
      return EXIT_PROBLEM;
    }
    const { sites } = picked;
    for (const p of (await services.siteStore()).problems) io.stderr.write(`${p.message}\n`);
    if (sites.length === 0) {
      io.stderr.write('There are no saved sites to check yet. Save some in the window, or: sftp-doctor sites import --from openssh\n');
      return EXIT_PROBLEM;
    }

    const abort = new AbortController();
    const onSigint = () => abort.abort();
    const ownProcess = io.stdout === process.stdout;
    if (ownProcess) process.once('SIGINT', onSigint);
    const progress = !values.json && !values.csv && !!io.stderr.isTTY;
    let finished = 0;
    let rows: CheckRow[];
    // Passwords the store hands out for sites are collected as they are used, to keep them out of the log.
    const secrets: string[] = [];
    const log = logSettings ? RunLog.open(logSettings, io, () => secrets, () => progress && io.stderr.write('\r\x1b[K')) : null;
    try {
      rows = await services.checkSites(sites, {
        jobs,
        signal: abort.signal,
        run: async (site, signal) => {
          const request = await services.requestForSite(site);
          if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
          for (const v of [request.password, request.passphrase, request.proxy?.password, ...(request.jumpHosts ?? []).map((h) => h.password)]) if (v) secrets.push(v);
          const prefix = `[${site.folder ? `${site.folder}/` : ''}${site.name}] `;
          log?.note('checking', prefix);
          return services.diagnose(request, { signal, ...agentOption(io), ...(log ? { onEvent: (e) => log.event(e, prefix) } : {}) });
        },
        onRow: (_index, row) => {
          if (row.state !== 'done' || !progress) return;
          finished++;
          io.stderr.write(`\r\x1b[KChecked ${finished} of ${sites.length} sites…`);
        },
      });
    } finally {
      if (ownProcess) process.off('SIGINT', onSigint);
      if (progress) io.stderr.write('\r\x1b[K');
      log?.close();
    }
    const failed = rows.filter((r) => r.state !== 'done' || !r.ok).length;
    if (values.json) io.stdout.write(`${JSON.stringify(checkRowsToJson(rows), null, 2)}\n`);
    else if (values.csv) io.stdout.write(checkRowsToCsv(rows));
    else {
      io.stdout.write(`${checkTable(visibleDeep(rows))}\n\n`);
      io.stdout.write(failed === 0 ? (rows.length === 1 ? 'The site works.\n' : `All ${rows.length} sites work.\n`) : `${failed} of ${rows.length} sites failed. For the full explanation: sftp-doctor diagnose "SITE"\n`);
    }
    return failed === 0 ? EXIT_OK : EXIT_PROBLEM;
  },
};
