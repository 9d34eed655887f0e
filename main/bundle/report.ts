/**
 * Turns the bundle input into report data (report.json), the admin message and timeline.log.
 * Pure functions of their input: no I/O, no clock (the caller passes the creation time).
 */
import { PHASE_LABELS } from '../../shared/codes';
import { visibleText } from '../../shared/visible';
import { isIP } from 'node:net';
import type { Facts, LocalEndpoint, RunEvent, RunResult } from '../../shared/types';
import { ADMIN_ASKS, LOCAL_ADDRESS_TEXTS, fillTemplate } from '../../shared/texts/index';
import { myAddressLine } from '../../shared/admin-message';
import { mapStrings } from './anonymise';
import { REPORT_SCHEMA_VERSION, KeyReportSchema, type Report } from './schema';
import type { BundleInput } from './types';

/** A log line longer than this is cut (a hostile server can send megabytes of "banner"). */
export const MAX_LOG_LINE = 8000;
/** At most this many events, and about this many characters, go into timeline.log; the rest are counted. */
export const MAX_EVENTS = 50_000;
export const MAX_TIMELINE_CHARS = 4_000_000;
/** Any single text in report.json is cut at this length (a 5 MB banner helps nobody). */
export const MAX_REPORT_STRING = 64 * 1024;

/** Makes control characters visible (\x1b...), keeping tabs and line breaks: the shared sanitizer. */
export const visible = visibleText;

export function clip(text: string, max = MAX_LOG_LINE): string {
  return text.length <= max ? text : `${text.slice(0, max)}... [${text.length - max} more characters cut]`;
}

export function finalRound(input: BundleInput): RunResult {
  const last = input.rounds[input.rounds.length - 1];
  if (!last) throw new Error('A support bundle needs at least one diagnosis run.');
  return last.result;
}

function target(result: RunResult): { host: string; port: string; user: string } {
  const f = result.facts.input;
  const port = f?.port ?? result.request.port ?? 22;
  return { host: f?.host ?? result.request.host.trim(), port: String(port), user: f?.user ?? result.request.user };
}

/** Plain-text evidence lines for the admin message, from the facts of one run. */
export function evidenceLines(facts: Facts): string[] {
  const lines: string[] = [];
  if (facts.dns?.error) lines.push(`Name lookup: ${facts.dns.error}`);
  else if (facts.dns?.addresses.length) lines.push(`Name lookup: ${facts.dns.addresses.map((a) => a.address).join(', ')}`);
  if (facts.tcp) {
    const where = facts.tcp.address ? `${facts.tcp.address} port ${facts.tcp.port}` : `port ${facts.tcp.port}`;
    lines.push(facts.tcp.error ? `Connection to ${where}: ${facts.tcp.error}` : `Connection to ${where}: opened`);
    for (const p of facts.tcp.probes ?? []) lines.push(`Also tried port ${p.port}: ${p.result}${p.banner ? ` (${clip(p.banner, 200)})` : ''}`);
  }
  if (facts.server?.banner) lines.push(`Server greeting: ${clip(facts.server.banner, 300)}`);
  if (facts.kex?.mismatch) {
    const m = facts.kex.mismatch;
    lines.push(`No common ${m.category} algorithm. Server offers: ${m.server.join(', ') || '(none)'}. My client allows: ${m.client.join(', ') || '(none)'}.`);
  } else if (facts.kex?.error) lines.push(`Key exchange: ${facts.kex.error}`);
  if (facts.hostkey) {
    const k = facts.hostkey;
    lines.push(`Server host key: ${k.key.type} ${k.key.sha256} (${k.status})`);
    for (const m of k.matches) lines.push(`  previously saved: ${m.type} ${m.sha256} (${m.file} line ${m.line})`);
  }
  if (facts.auth) {
    lines.push(`Login methods the server offers: ${facts.auth.methods.join(', ') || '(none reported)'}`);
    for (const a of facts.auth.attempts) lines.push(`  tried ${a.method}${a.detail ? ` (${a.detail})` : ''}: ${a.result}`);
  }
  if (facts.sftp?.error) lines.push(`SFTP: ${facts.sftp.error}${facts.sftp.path ? ` (folder ${facts.sftp.path})` : ''}`);
  if (facts.sftp?.output) lines.push(`Unexpected output before SFTP started: ${clip(facts.sftp.output, 300)}`);
  return lines.map((l) => visible(l));
}

/** The ready-to-send message for the server's admin, written from the diagnosis. */
export function adminMessage(input: BundleInput, createdAt: Date): string {
  const last = finalRound(input);
  const { host, port, user } = target(last);
  const d = last.diagnosis;
  const ask = ADMIN_ASKS[d.code];
  const failing = input.rounds.find((r) => !r.result.diagnosis.ok)?.result ?? last;
  const out: string[] = [];
  out.push(`Subject: SFTP access to ${host}: ${d.title}`, '', 'Hello,', '');
  if (d.ok && failing !== last) {
    out.push(`I had trouble connecting to the SFTP service at ${host}, port ${port}, as user "${user}". After the fixes listed below it works.`);
  } else if (d.ok) {
    out.push(`I checked my SFTP access to ${host}, port ${port}, as user "${user}". It works; I am sending the details for your records.`);
  } else {
    out.push(`I cannot use the SFTP service at ${host}, port ${port}, as user "${user}".`);
  }
  out.push(`I checked it with SFTP Doctor on ${createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC.`, '');
  const shown = d.ok && failing !== last ? failing : last;
  out.push(`Result${shown !== last ? ' of the first attempt' : ''} (step "${PHASE_LABELS[shown.diagnosis.phase]}"): ${shown.diagnosis.title}`);
  out.push(shown.diagnosis.explanation, '');
  const ev = evidenceLines(shown.facts);
  if (ev.length) out.push('What the check saw:', ...ev.map((l) => (l.startsWith('  ') ? `  ${l}` : `- ${l}`)), '');
  const tried = input.rounds.filter((r) => r.appliedFix);
  if (tried.length) {
    out.push('What I already tried:');
    for (const r of tried) out.push(`- ${r.appliedFix!.label}: afterwards, "${r.result.diagnosis.title}"`);
    out.push('');
  }
  if (ask.userSide) out.push(`The check points to my side rather than the server. ${ask.ask}`);
  else out.push(`Could you help with this? ${ask.ask}`);
  const mine = myAddressLine(last, ask.ask);
  if (mine) out.push(mine);
  out.push(
    '',
    'The attached zip holds the full report (report.html opens in any browser), the step timings and the connection log. It contains no password, passphrase or private key.',
    '',
    'Thank you!',
  );
  return out.join('\n');
}

function roundLabel(input: BundleInput): (runId: string) => string {
  const map = new Map(input.rounds.map((r, i) => [r.result.runId, `r${i + 1}`]));
  return (runId) => map.get(runId) ?? 'r?';
}

/**
 * One event as a log line. Log events carry milliseconds since the round started; phase events
 * carry the time spent in that phase, so their place in the round is the sum of the phases
 * finished before them (phases run one after another) plus their own time.
 */
function eventLine(e: RunEvent, label: string, phasesDoneMs: Map<string, number>): string {
  let at: number;
  let body: string;
  if (e.type === 'phase') {
    const before = phasesDoneMs.get(e.runId) ?? 0;
    at = before + e.ms;
    const finished = e.status !== 'running' && e.status !== 'pending';
    if (finished) phasesDoneMs.set(e.runId, before + e.ms);
    body = `phase ${e.phase.padEnd(7)} ${e.status}${finished ? ` (${Math.round(e.ms)} ms)` : ''}${e.detail ? `: ${e.detail}` : ''}`;
  } else if (e.type === 'log') {
    at = e.ms;
    body = `${e.source.padEnd(6)} | ${e.text}`;
  } else {
    at = e.result.totalMs;
    body = `done    ${e.result.diagnosis.code}: ${e.result.diagnosis.title}`;
  }
  const prefix = `[${label} +${String(Math.round(at)).padStart(6)} ms]`;
  const lines = visible(clip(body)).split(/\r?\n/);
  return [`${prefix} ${lines[0]}`, ...lines.slice(1).map((l) => `${' '.repeat(prefix.length)} ${l}`)].join('\n');
}

/** Only the events of this bundle's rounds: a caller handing over a longer log cannot leak other runs (other hosts) into it. */
export function eventsOfRounds(input: BundleInput): BundleInput['events'] {
  const ids = new Set(input.rounds.map((r) => r.result.runId));
  return input.events.filter((e) => ids.has(e.runId));
}

/** timeline.log: a header per round, then every event in order. */
export function timelineText(input: BundleInput): string {
  const label = roundLabel(input);
  const out: string[] = ['SFTP Doctor connection log', ''];
  input.rounds.forEach((r, i) => {
    const fix = r.appliedFix ? `, after applying "${r.appliedFix.label}"` : '';
    out.push(`r${i + 1}: run ${r.result.runId} started ${r.result.startedAt}${fix}; result ${r.result.diagnosis.code} in ${r.result.totalMs} ms`);
  });
  out.push('', 'Times are milliseconds since the start of that round; a finished phase also shows how long it took. "ssh" lines are the SSH library\'s own debug output.', '');
  const phasesDoneMs = new Map<string, number>();
  let chars = 0;
  let written = 0;
  const events = eventsOfRounds(input);
  for (const e of events) {
    if (written >= MAX_EVENTS || chars >= MAX_TIMELINE_CHARS) break;
    const line = eventLine(e, label(e.runId), phasesDoneMs);
    out.push(line);
    chars += line.length + 1;
    written++;
  }
  if (written < events.length) out.push(`... ${events.length - written} more events left out (the log was too long)`);
  if (events.length === 0) out.push('(no events were recorded)');
  return out.join('\n') + '\n';
}

/** report.json's data (before anonymising and validation). */
/** network.json: the client side of the path (the final round's). */
type FirstHop = NonNullable<Report['network']['firstHop']>;

/** The first hop of a run's path (the proxy, the first jump host, or the server) and this computer's end of the connection to it. */
function firstHopOf(r: RunResult): { hop: FirstHop; local: LocalEndpoint | undefined } {
  const f = r.facts;
  if (f.proxy) return { hop: { kind: 'proxy', name: `${f.proxy.type === 'socks5' ? 'the SOCKS5 proxy' : 'the HTTP proxy'} ${hostPort(f.proxy.host, f.proxy.port)}` }, local: f.proxy.local };
  const jump = f.path?.hops[0];
  if (jump) return { hop: { kind: 'jump-host', name: `the jump host ${hostPort(jump.host, jump.port)}` }, local: jump.local };
  const host = f.input?.host ?? r.request.host.trim();
  return { hop: { kind: 'server', name: `the server ${hostPort(host, f.input?.port ?? 22)}` }, local: f.tcp?.local };
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Who looked up each name of the path, in order (an address is not looked up, and says so). */
function lookupsOf(r: RunResult): Report['network']['lookups'] {
  const f = r.facts;
  const names: { name: string; by: string }[] = [];
  let by: string = LOCAL_ADDRESS_TEXTS.byThisComputer;
  if (f.proxy) {
    names.push({ name: f.proxy.host, by });
    by = `the proxy ${hostPort(f.proxy.host, f.proxy.port)}`;
  }
  for (const h of f.path?.hops ?? []) {
    names.push({ name: h.host, by });
    by = `the jump host ${hostPort(h.host, h.port)}`;
  }
  const target = f.input?.host ?? r.request.host.trim();
  if (target) names.push({ name: target, by });
  return names.map((n) => (isIP(n.name) === 0 ? n : { name: n.name, by: LOCAL_ADDRESS_TEXTS.notLookedUp }));
}

function networkOf(input: BundleInput): Report['network'] {
  const last = finalRound(input);
  const { hop, local: lastLocal } = firstHopOf(last);
  // An earlier round may have opened the connection the last one did not get to (same first hop).
  const local = lastLocal ?? input.rounds.map((r) => firstHopOf(r.result)).find((x) => x.local && x.hop.name === hop.name)?.local ?? null;
  const iface = local?.interface ? fillTemplate(LOCAL_ADDRESS_TEXTS.iface, { name: local.interface }) : '';
  const proxy = last.facts.proxy;
  const note = !local ? LOCAL_ADDRESS_TEXTS.bundleNoLocal : hop.kind === 'server' ? LOCAL_ADDRESS_TEXTS.bundleNote : LOCAL_ADDRESS_TEXTS.bundleFirstHop;
  return {
    local: local ? { ...local } : null,
    firstHop: { ...hop },
    localNote: fillTemplate(note, { address: local?.address ?? '', port: local?.port ?? 0, iface, hop: hop.name }),
    resolvers: input.environment.resolvers ? { servers: [...input.environment.resolvers.servers], source: input.environment.resolvers.source } : null,
    lookups: lookupsOf(last),
    proxy: last.request.proxy ? { setting: last.request.proxy, address: proxy?.address ?? null, stage: proxy?.stage ?? null } : null,
    // With the user each jump host was logged in as (its own, or the target's when it has none).
    jumpHosts: last.facts.path?.hops.length ? last.facts.path.hops.map((h) => `${h.user ? `${h.user}@` : ''}${hostPort(h.host, h.port)}`) : [...(last.request.jumpHosts ?? [])],
  };
}

export function buildReport(input: BundleInput, createdAt: Date, anonymised: boolean): Report {
  const last = finalRound(input);
  const d = last.diagnosis;
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: { name: input.environment.app.name, version: input.environment.app.version },
    createdAt: createdAt.toISOString(),
    anonymised,
    summary: { code: d.code, ok: d.ok, phase: d.phase, title: d.title, explanation: d.explanation, nextStep: d.nextStep },
    request: last.request,
    rounds: input.rounds.map((r, i) => ({
      round: i + 1,
      runId: r.result.runId,
      startedAt: r.result.startedAt,
      totalMs: r.result.totalMs,
      appliedFix: r.appliedFix ? { ...r.appliedFix } : null,
      request: r.result.request,
      diagnosis: r.result.diagnosis,
      steps: r.result.steps,
      facts: r.result.facts,
    })),
    fixesTried: input.rounds.flatMap((r, i) =>
      r.appliedFix
        ? [{ round: i + 1, fix: { ...r.appliedFix }, outcome: { code: r.result.diagnosis.code, ok: r.result.diagnosis.ok, title: r.result.diagnosis.title } }]
        : [],
    ),
    adminMessage: adminMessage(input, createdAt),
    key: input.keyInspection ? KeyReportSchema.parse(input.keyInspection) : null,
    knownHosts: (input.knownHostsLines ?? []).map((l) => ({ ...l })),
    environment: input.environment,
    network: networkOf(input),
    timeline: { file: 'timeline.log', events: eventsOfRounds(input).length },
  };
  return mapStrings(report, (s) => clip(s, MAX_REPORT_STRING));
}
