import path from 'node:path';
import type { RepairInput, RepairOutcome, RepairPlan } from '../../../shared/api';
import { FIX_IDS, isFixId } from '../../../shared/fixes';
import { siteFullName } from '../../../shared/sites';
import type { ConnectionRequest, Fix, RunResult } from '../../../shared/types';
import { askYesNo } from '../ask';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliCommand } from '../command';
import { agentOption, describeTarget, humanReport, jsonReport, requestFromArgs, secretsOf } from './diagnose';
import { RunLog } from '../run-log';
import { servicesFor, type LocalRepairs, type LocalServices } from '../services';
import { APP_VERSION } from '../../common/version';
import { visibleDeep, visibleText } from '../../../shared/visible';

const USAGE = `Usage: sftp-doctor repair [--json] [connection options] [--fix ID]... [--yes] [TARGET]

Diagnoses the connection, applies fixes, and checks again after each one, until the connection
works or no fix is left to apply.

Connection options are the same as for "sftp-doctor diagnose" (TARGET, --host, --port, --user,
--password-env, --password-stdin, --key, --passphrase-env, --known-hosts, --timeout,
--no-write-test, --hold, --remote-folder, --keepalive, --no-agent, --identities-only,
--legacy-algorithms, --jump, --proxy), and so is the log (-v/--verbose, --log FILE,
--log-level normal|debug|raw: each check, and each fix applied).
  --fix ID                Apply this fix when a diagnosis offers it (repeatable, in this order)
  --yes                   Apply the safe fixes on their own, and confirm the --fix ones
                          without asking
  --trust-host-key FP     The fingerprint you got from your provider (SHA256:..., MD5:... or an
                          ssh-keygen -l line): required for trust-host-key, replace-host-key
                          and connect-once; the key is only trusted when it matches
  --new-password-env VAR  New password for change-expired-password, from environment variable VAR
  --key-folder DIR        Folder for generate-ed25519-key and convert-key (default ~/.ssh or
                          the key's own folder)
  --save-site NAME        Keep what the fixes changed (weak algorithms, port, SCP...) as the
                          saved site NAME ("Folder/Name"; made when it does not exist). A saved
                          site given as TARGET keeps its changes without this option
  --json                  Print one JSON object: {rounds:[{diagnosis, appliedFix, result}], ok, code}
  -h, --help              Show this help

Fixes that change files or the server, trust a key or weaken security are never applied by --yes
alone: name them with --fix. Without --yes (and without a terminal to ask on) such a fix is only
shown (a dry run); with it, its exact changes and their risks are printed before it is applied. Every change is logged in repairs.log in SFTP Doctor's data folder.
Exit status: 0 the connection works, 1 a problem remains, 2 usage error.`;

/** Rounds at most (each applies one fix): bounded whatever the server does. */
const MAX_ROUNDS = 8;
const HOST_KEY_FIXES = new Set(['trust-host-key', 'replace-host-key', 'connect-once']);

interface AppliedFixReport {
  id: string;
  label: string;
  risk: Fix['risk'];
  kind: Fix['kind'];
  applied: boolean;
  changes: string[];
  backups: string[];
  message: string;
  plan?: RepairPlan;
  settings?: RepairOutcome['settings'];
}

interface Round {
  diagnosis: Record<string, unknown>;
  appliedFix: AppliedFixReport | null;
  result: Record<string, unknown> | null;
}


function planText(rawPlan: RepairPlan): string {
  const plan = visibleDeep(rawPlan);
  const out = [`${plan.label} (${plan.fixId}, ${plan.risk}) would:`, ...plan.changes.map((c) => `  - ${c}`)];
  if (plan.notes?.length) out.push('Before you agree:', ...plan.notes.map((n) => `  ! ${n}`));
  return `${out.join('\n')}\n`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Where the changes of this run are kept: the site named by --save-site, the saved site that was
 * the target (the form fixes stored them there as they were applied), or nowhere (this run only).
 */
async function keepChanges(o: { services: LocalServices; repair: LocalRepairs; saveSite: string | undefined; request: ConnectionRequest; fixedAny: boolean; settingsChanged: boolean }): Promise<{ site: { id: string; name: string; created: boolean } | null; text: string | null }> {
  if (o.saveSite !== undefined) {
    if (!o.fixedAny) return { site: null, text: `Nothing was fixed, so the site "${o.saveSite}" was not saved.` };
    try {
      const saved = await o.repair.saveSite(o.saveSite, o.request);
      const name = siteFullName(saved.site);
      return {
        site: { id: saved.site.id, name, created: saved.created },
        text: `Saved to site "${name}"${saved.created ? ' (new)' : ''}: the next "sftp-doctor diagnose '${name}'" connects this way.${saved.backup ? ` The site list as it was: ${saved.backup}` : ''}`,
      };
    } catch (err) {
      return { site: null, text: `The fixes worked for this run, but the site "${o.saveSite}" was not saved: ${(err as Error).message}` };
    }
  }
  if (!o.settingsChanged) return { site: null, text: null };
  const site = o.request.siteId ? await (await o.services.siteStore()).get(o.request.siteId) : undefined;
  if (site) return { site: { id: site.id, name: siteFullName(site), created: false }, text: `Saved to site "${siteFullName(site)}": its next check connects this way.` };
  return { site: null, text: 'These changes were for this run only. To keep them, run again with --save-site NAME (or save the site in the window).' };
}

export const repairCommand: CliCommand = {
  name: 'repair',
  summary: 'Diagnose, apply fixes and check again until the connection works',
  usage: USAGE,
  async run(argv, io) {
    const { request: first, json, trustFingerprint, log: logSettings, extraValues } = await requestFromArgs(argv, io, {
      extra: { fix: { type: 'string', multiple: true }, yes: { type: 'boolean' }, 'new-password-env': { type: 'string' }, 'key-folder': { type: 'string' }, 'save-site': { type: 'string' } },
    });
    const wanted = (extraValues.fix as string[] | undefined) ?? [];
    for (const id of wanted) {
      if (id === 'ask-admin') throw new UsageError('--fix ask-admin: a message for the administrator is not a repair; "sftp-doctor diagnose" prints it with the diagnosis');
      if (!isFixId(id)) throw new UsageError(`--fix: there is no fix "${id}". Fixes: ${FIX_IDS.join(', ')}`);
    }
    const yes = extraValues.yes === true;
    const newPasswordVar = extraValues['new-password-env'] as string | undefined;
    if (newPasswordVar !== undefined && io.env[newPasswordVar] === undefined) throw new UsageError(`--new-password-env: the environment variable ${newPasswordVar} is not set`);
    const keyFolder = extraValues['key-folder'] as string | undefined;
    if (!yes && wanted.length === 0) throw new UsageError('say which fixes to apply: --fix ID (repeatable), or --yes for the safe ones');
    const saveSite = extraValues['save-site'] as string | undefined;
    if (saveSite !== undefined && !/[^\s/]/.test(saveSite)) throw new UsageError('--save-site: give the name of the site to keep the fixes in, e.g. --save-site "Work/Old server"');

    const services = await servicesFor(io);
    const repair = await services.repairs();
    if (saveSite !== undefined && (await (await services.siteStore()).findByName(saveSite)).length > 1) throw new UsageError(`--save-site: "${saveSite}" matches several saved sites; give the full name with its folder ("Folder/Name")`);
    const interactive = !json && !!io.stdin.isTTY && !!io.stderr.isTTY && !argv.includes('--password-stdin');
    const say = (text: string) => {
      if (!json) io.stdout.write(text);
    };
    const log = logSettings ? RunLog.open(logSettings, io, () => [...secretsOf(first), ...(newPasswordVar ? [io.env[newPasswordVar]!] : [])]) : null;
    log?.note(`SFTP Doctor ${APP_VERSION}, repair ${describeTarget(first)}`);
    const check = (request: ConnectionRequest) => services.diagnose(request, { ...agentOption(io), ...(log ? { onEvent: (e) => log.event(e) } : {}) });
    try {
      return await repairRounds();
    } finally {
      log?.close();
    }

    async function repairRounds(): Promise<number> {

      const rounds: Round[] = [];
      const applied = new Set<string>();
      let request = first;
      let current: RunResult = await check(request);
      let fixedAny = false;
      let settingsChanged = false;

      // A working connection is repaired further only for a fix named with --fix that its result
      // offers (a warning's fix: a key file other programs refuse).
      const wantedOffered = (r: RunResult) => wanted.some((id) => !applied.has(id) && r.diagnosis.fixes.some((f) => f.id === id));
      for (let round = 0; round < MAX_ROUNDS && (!current.diagnosis.ok || wantedOffered(current)); round++) {
        const d = current.diagnosis;
        const candidates = [...wanted.map((id) => repair.find(current, id)).filter((f): f is Fix => f !== null), ...(yes ? d.fixes.filter(repair.isAutoApplicable) : [])];
        const fix = candidates.find((f) => !applied.has(f.id));
        if (!fix) break;
        applied.add(fix.id);
        log?.note(`Fix offered for [${d.code}]: ${fix.label} (${fix.id}, ${fix.risk})`);
        const warning = d.ok ? d.warnings?.find((w) => w.fixId === fix.id) : undefined;
        say(warning ? `\n! ${visibleText(warning.title)}  [${warning.code}]\n→ ${fix.label} (${fix.id})\n` : `\n✗ ${d.title}  [${d.code}]\n→ ${fix.label} (${fix.id})\n`);
        const ctx = repair.context(request, current);
        const report: AppliedFixReport = { id: fix.id, label: fix.label, risk: fix.risk, kind: fix.kind, applied: false, changes: [], backups: [], message: '' };
        const entry: Round = { diagnosis: jsonReport(current), appliedFix: report, result: null };
        rounds.push(entry);

        let plan: RepairPlan;
        try {
          plan = await repair.plan(ctx, fix.id);
        } catch (err) {
          const refusal = repair.refusal(err);
          if (refusal === null) throw err;
          report.message = refusal;
          say(`  ${refusal}\n`);
          break;
        }
        report.plan = plan;
        let confirmed = fix.risk === 'safe' || yes;
        if (!confirmed && interactive) {
          io.stderr.write(planText(plan));
          confirmed = await askYesNo(io, 'Apply this change? [y/N]: ');
        } else if (confirmed && fix.risk !== 'safe') {
          // --yes: the exact changes and their risks are still said before they are made.
          say(planText(plan));
        }
        if (!confirmed) {
          report.message = `Not applied: this fix changes more than the attempt. This is what it would do; run again with --yes to apply it.`;
          say(planText(plan) + `  ${report.message}\n`);
          break;
        }
        if (HOST_KEY_FIXES.has(fix.id) && !trustFingerprint) {
          report.message = 'Not applied: give the fingerprint your provider published with --trust-host-key FP; the key is only trusted when it matches.';
          say(planText(plan) + `  ${report.message}\n`);
          break;
        }
        const input: RepairInput = { confirmed: true };
        if (trustFingerprint) input.fingerprint = trustFingerprint;
        if (newPasswordVar) input.newPassword = io.env[newPasswordVar]!;
        if (keyFolder) input.folder = path.resolve(keyFolder);
        let done: Awaited<ReturnType<LocalRepairs['apply']>>;
        try {
          done = await repair.apply(ctx, fix.id, input);
        } catch (err) {
          const refusal = repair.refusal(err);
          if (refusal === null) throw err;
          report.message = refusal;
          say(`  ${refusal}\n`);
          break;
        }
        log?.note(`Fix ${fix.id}: ${done.applied ? 'applied' : 'not applied'}${done.changes.length ? `: ${done.changes.join('; ')}` : ''}`);
        Object.assign(report, { applied: done.applied, changes: done.changes, backups: done.backups, message: done.message, ...(done.settings ? { settings: done.settings } : {}) });
        for (const c of done.changes) say(`  - ${c}\n`);
        for (const b of done.backups) say(`  Backup: ${b}\n`);
        if (!done.nextRequest) {
          say(`  ${done.message}\n`);
          break;
        }
        fixedAny = true;
        if (done.settings && Object.keys(done.settings).length) settingsChanged = true;
        request = done.nextRequest;
        current = await check(request);
        entry.result = jsonReport(current);
      }

      if (rounds.length === 0) rounds.push({ diagnosis: jsonReport(current), appliedFix: null, result: null });
      const kept = await keepChanges({ services, repair, saveSite, request, fixedAny, settingsChanged });
      if (kept.text) log?.note(kept.text);
      const d = current.diagnosis;
      if (json) {
        io.stdout.write(`${JSON.stringify({ rounds, ok: d.ok, code: d.code, savedSite: kept.site }, null, 2)}\n`);
      } else if (d.ok) {
        io.stdout.write(fixedAny && !d.warnings?.length ? `\nFixed: connected in ${seconds(current.totalMs)}. [${d.code}]\n` : humanReport(current));
      } else {
        io.stdout.write(`${fixedAny ? '\nNext problem:' : ''}${humanReport(current)}`);
        const left = d.fixes.filter((f) => !applied.has(f.id));
        if (left.length) io.stdout.write(`To apply one of these fixes: sftp-doctor repair --fix ID ${left.some((f) => HOST_KEY_FIXES.has(f.id)) ? '--trust-host-key FP ' : ''}[same connection options]\n`);
      }
      if (!json && kept.text) io.stdout.write(`${visibleText(kept.text)}\n`);
      return d.ok ? EXIT_OK : EXIT_PROBLEM;
    }
  },
};
