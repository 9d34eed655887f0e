/**
 * report.html: one self-contained page an admin can read in any browser. No scripts, no remote
 * resources (a Content-Security-Policy forbids both), CSS inline. Every value from the run is
 * escaped: a server banner like "<script>" is shown as text.
 */
import { PHASE_LABELS } from '../../shared/codes';
import type { AlgorithmCategory, Facts } from '../../shared/types';
import { visible } from './report';
import type { Report } from './schema';

/** Escapes text for HTML element content and quoted attribute values; control characters made visible. */
export function esc(value: unknown): string {
  return visible(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Round = Report['rounds'][number];

const CSS = `
:root { color-scheme: light; --ink:#1d2430; --muted:#5b6676; --line:#d9dee6; --bad:#b42318; --badbg:#fdecea; --ok:#1a7f37; --okbg:#e8f5ec; --warn:#9a6700; --warnbg:#fff6dd; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: #f5f7fa; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
header p { color: var(--muted); margin: 4px 0 0; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-top: 18px; }
.verdict.bad { border-left: 6px solid var(--bad); }
.verdict.ok { border-left: 6px solid var(--ok); }
.verdict h2 { border: 0; margin: 4px 0 8px; font-size: 20px; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); background: var(--okbg); }
.badge.fail, .badge.bad { color: var(--bad); background: var(--badbg); }
.badge.warn { color: var(--warn); background: var(--warnbg); }
.badge.skipped, .badge.pending, .badge.running { color: var(--muted); background: #eef1f5; }
.next { background: #eef4ff; border-radius: 6px; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); width: 26%; }
thead th { width: auto; }
tr.bad td, tr.bad th { background: var(--badbg); }
.mono, code, pre { font-family: ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.mono, code { overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f0f2f5; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 6px 0; }
pre.message { background: #fff; }
.bar { height: 8px; background: #8aa4d6; border-radius: 4px; min-width: 2px; }
.mark { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
details { margin-top: 12px; }
summary { cursor: pointer; font-weight: 600; }
ul.files li { margin: 2px 0; }
@media print { body { background: #fff; } section.card { break-inside: avoid; } }
`;

const row = (label: string, value: string, opts: { mono?: boolean; bad?: boolean; raw?: boolean } = {}) =>
  `<tr${opts.bad ? ' class="bad"' : ''}><th scope="row">${esc(label)}</th><td${opts.mono ? ' class="mono"' : ''}>${opts.raw ? value : esc(value)}</td></tr>`;

const table = (rows: string[]) => (rows.length ? `<table>${rows.join('')}</table>` : '');

function badge(status: string): string {
  return `<span class="badge ${esc(status)}">${esc(status)}</span>`;
}

function stepsTable(round: Round): string {
  if (round.steps.length === 0) return '<p class="muted">No steps were recorded.</p>';
  const max = Math.max(1, ...round.steps.map((s) => s.ms));
  let elapsed = 0;
  const rows = round.steps.map((s) => {
    const start = elapsed;
    elapsed += s.ms;
    const width = Math.max(1, Math.round((s.ms / max) * 100));
    return (
      `<tr${s.status === 'fail' ? ' class="bad"' : ''}><td>${esc(PHASE_LABELS[s.phase])}</td><td>${badge(s.status)}</td>` +
      `<td class="mono nowrap">${esc(s.ms)} ms</td><td class="mono muted nowrap">+${esc(start)} ms</td>` +
      `<td style="width:18%"><div class="bar" style="width:${width}%"></div></td><td>${esc(s.detail)}</td></tr>`
    );
  });
  return `<table><thead><tr><th>Step</th><th>Result</th><th>Took</th><th>Started</th><th></th><th>Detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const CATEGORY_LABELS: Record<AlgorithmCategory, string> = {
  kex: 'Key exchange',
  serverHostKey: 'Host key type',
  cipher: 'Cipher',
  mac: 'Integrity (MAC)',
  compression: 'Compression',
};

function algorithmsTable(facts: Facts): string {
  const server = facts.server?.algorithms ?? null;
  const client = facts.kex?.client ?? null;
  if (!server && !client) return '';
  const mismatch = facts.kex?.mismatch;
  const rows = (Object.keys(CATEGORY_LABELS) as AlgorithmCategory[]).map((cat) => {
    const bad = mismatch?.category === cat;
    const s = bad ? mismatch!.server : (server?.[cat] ?? []);
    const c = bad ? mismatch!.client : (client?.[cat] ?? []);
    const common = new Set(s.filter((a) => c.includes(a)));
    const list = (items: string[]) =>
      items.length ? items.map((a) => (common.has(a) ? `<b>${esc(a)}</b>` : esc(a))).join(', ') : '<span class="muted">(none)</span>';
    const negotiated = facts.kex?.negotiated?.[cat];
    const verdict = bad
      ? '<span class="mark">&#9888; no algorithm in common</span>'
      : negotiated
        ? `<code>${esc(negotiated)}</code>`
        : '<span class="muted">-</span>';
    return `<tr${bad ? ' class="bad"' : ''}><td>${esc(CATEGORY_LABELS[cat])}</td><td class="mono">${list(s)}</td><td class="mono">${list(c)}</td><td>${verdict}</td></tr>`;
  });
  const legacy = mismatch?.legacyCandidates.length
    ? `<p>Older algorithms the server offers that could be allowed for this site only: <code>${esc(mismatch.legacyCandidates.join(', '))}</code></p>`
    : '';
  return (
    '<h3>Algorithms: offered by the server and allowed by this client</h3>' +
    '<p class="muted">Bold: offered by both sides. A marked row is where the two sides found nothing in common.</p>' +
    `<table><thead><tr><th>Category</th><th>Server offers</th><th>Client allows</th><th>Agreed</th></tr></thead><tbody>${rows.join('')}</tbody></table>${legacy}`
  );
}

function factsSections(facts: Facts, report: Report): string {
  const out: string[] = [];
  if (facts.dns || facts.tcp) {
    const rows: string[] = [];
    if (facts.dns) {
      rows.push(row('Addresses found', facts.dns.addresses.map((a) => a.address).join(', ') || '(none)', { mono: true }));
      if (facts.dns.error) rows.push(row('Lookup error', facts.dns.error, { bad: true }));
      if (facts.dns.suggestions?.length) rows.push(row('Similar names', facts.dns.suggestions.join(', '), { mono: true }));
    }
    if (facts.tcp) {
      rows.push(row('Port', String(facts.tcp.port), { mono: true }));
      if (facts.tcp.address) rows.push(row('Connected to', facts.tcp.address, { mono: true }));
      for (const a of facts.tcp.attempts) rows.push(row(`Attempt ${a.address}`, `${a.result} (${a.ms} ms)`, { mono: true }));
      if (facts.tcp.error) rows.push(row('Connection error', facts.tcp.error, { bad: true }));
      for (const p of facts.tcp.probes ?? []) rows.push(row(`Also tried port ${p.port}`, `${p.result}${p.banner ? `: ${p.banner}` : ''}`, { mono: true }));
    }
    out.push(`<h3>Network</h3>${table(rows)}`);
  }
  if (facts.server) {
    const rows = [row('Greeting (banner)', facts.server.banner ?? '(none received)', { mono: true }), row('Software', facts.server.software ?? '(unknown)', { mono: true })];
    out.push(`<h3>Server</h3>${table(rows)}`);
    if (facts.server.preBanner.length) out.push(`<p>Lines the server sent before its greeting:</p><pre>${esc(facts.server.preBanner.join('\n'))}</pre>`);
  }
  out.push(algorithmsTable(facts));
  if (facts.kex?.error) out.push(table([row('Key exchange error', facts.kex.error, { bad: true })]));
  if (facts.hostkey) {
    const k = facts.hostkey;
    const rows = [
      row('Key type', k.key.type, { mono: true }),
      row('SHA256 fingerprint', k.key.sha256, { mono: true }),
      row('MD5 fingerprint', k.key.md5, { mono: true }),
      row('Status', k.status, { bad: k.status === 'changed' || k.status === 'revoked' }),
      row('Known-hosts file', k.knownHostsFile, { mono: true }),
      ...k.matches.map((m) => row(`Saved at line ${m.line}`, `${m.type} ${m.sha256} (${m.file})`, { mono: true, bad: k.status === 'changed' })),
      row('Public key', k.key.publicKey, { mono: true }),
    ];
    out.push(`<h3>Server identity (host key)</h3>${table(rows)}`);
  }
  if (report.knownHosts.length) {
    out.push(`<h3>Known-hosts entries for this host</h3><pre>${esc(report.knownHosts.map((l) => `${l.file}:${l.line}\n${l.text}`).join('\n'))}</pre>`);
  }
  if (facts.auth) {
    const a = facts.auth;
    const attempts = a.attempts.map(
      (t) =>
        `<tr${t.result === 'failure' || t.result === 'error' ? ' class="bad"' : ''}><td class="mono">${esc(t.method)}</td><td class="mono">${esc(t.detail ?? '')}</td><td>${badge(t.result === 'success' ? 'ok' : t.result === 'partial' ? 'warn' : 'fail')} ${esc(t.result)}</td><td class="mono">${esc((t.methodsLeft ?? []).join(', '))}</td></tr>`,
    );
    out.push(
      `<h3>Login</h3>${table([row('Methods the server offers', a.methods.join(', ') || '(none reported)', { mono: true })])}` +
        (attempts.length
          ? `<table><thead><tr><th>Method tried</th><th>Detail</th><th>Result</th><th>Methods left</th></tr></thead><tbody>${attempts.join('')}</tbody></table>`
          : '<p class="muted">No login attempt was made.</p>') +
        (a.banner ? `<p>Message shown by the server at login:</p><pre>${esc(a.banner)}</pre>` : ''),
    );
  }
  if (facts.sftp) {
    const s = facts.sftp;
    const rows: string[] = [];
    if (s.path !== undefined) rows.push(row('Folder', s.path, { mono: true }));
    if (s.entries !== undefined) rows.push(row('Entries listed', String(s.entries)));
    if (s.error) rows.push(row('SFTP failure', s.error, { mono: true, bad: true }));
    out.push(`<h3>SFTP session</h3>${table(rows)}`);
    if (s.output) out.push(`<p>Output received where the SFTP protocol was expected:</p><pre>${esc(s.output)}</pre>`);
  }
  return out.join('');
}

function roundSection(round: Round, report: Report, heading: string): string {
  const d = round.diagnosis;
  const evidence = d.evidence.length
    ? `<h3>Evidence</h3>${table(d.evidence.map((e) => row((e.highlight ? '\u26a0 ' : '') + e.label, e.value, { mono: e.mono ?? false, bad: e.highlight ?? false })))}`
    : '';
  const fixes = d.fixes.length
    ? `<h3>Fixes the app offers</h3><ul>${d.fixes.map((f) => `<li><b>${esc(f.label)}</b> <span class="muted">(${esc(f.kind)}, ${esc(f.risk)})</span>: ${esc(f.description)}</li>`).join('')}</ul>`
    : '';
  const warnings = d.warnings?.length
    ? `<h3>Works here, but</h3><ul>${d.warnings.map((w) => `<li><b>\u26a0 ${esc(w.title)}</b> <span class="muted">(${esc(w.code)})</span>: ${esc(w.explanation)}</li>`).join('')}</ul>`
    : '';
  const fix = round.appliedFix ? `<p>Applied before this round: <b>${esc(round.appliedFix.label)}</b>${round.appliedFix.detail ? ` (${esc(round.appliedFix.detail)})` : ''}</p>` : '';
  return (
    `<h2>${esc(heading)}</h2>${fix}<p>${badge(d.ok ? 'ok' : 'fail')} <b>${esc(d.title)}</b> <span class="muted">(${esc(d.code)}, run ${esc(round.runId)}, started ${esc(round.startedAt)}, ${esc(round.totalMs)} ms in all)</span></p>` +
    `${warnings}<h3>Timeline</h3>${stepsTable(round)}${evidence}${factsSections(round.facts, report)}${fixes}`
  );
}

function requestTable(r: Report['request']): string {
  return table([
    row('Protocol', r.protocol.toUpperCase()),
    row('Host', r.host, { mono: true }),
    row('Port', r.port === null ? '(default)' : String(r.port), { mono: true }),
    row('User', r.user, { mono: true }),
    row('Password given', r.passwordGiven ? 'yes (not included)' : 'no'),
    row('Key given', r.keyGiven ? `yes${r.keyPath ? `: ${r.keyPath}` : ''}` : 'no'),
    row('Key passphrase given', r.passphraseGiven ? 'yes (not included)' : 'no'),
    row('Use SSH agent', r.useAgent ? 'yes' : 'no'),
    row('Only the selected key', r.identitiesOnly ? 'yes' : 'no'),
    row('Older algorithms allowed', r.legacyAlgorithms.join(', ') || '(none)', { mono: true }),
    row('Known-hosts file', r.knownHostsPath ?? '(the app\'s own)', { mono: true }),
    row('Time limit', `${r.timeoutMs} ms`),
  ]);
}

function keySection(key: NonNullable<Report['key']>): string {
  const rows = [
    row('File format', key.format, { mono: true }),
    row('Kind', key.kind),
    row('Type', `${key.type ?? '(unknown)'}${key.bits ? `, ${key.bits} bits` : ''}${key.curve ? `, ${key.curve}` : ''}`, { mono: true }),
    row('Protected by a passphrase', key.encrypted ? `yes${key.encryption ? ` (${key.encryption.cipher}, ${key.encryption.kdf})` : ''}` : 'no'),
    row('SHA256 fingerprint', key.fingerprint_sha256 ?? '(unknown)', { mono: true }),
    row('MD5 fingerprint', key.fingerprint_md5 ?? '(unknown)', { mono: true }),
    row('Public key line (for authorized_keys)', key.publicKeyLine ?? '(not available)', { mono: true }),
    ...key.problems.map((p) => row(`Problem: ${p.code}`, `${p.message} ${p.fix}`, { bad: p.severity !== 'info' })),
  ];
  return `<h2>The key used</h2>${table(rows)}`;
}

function environmentTable(env: Report['environment']): string {
  return table([
    row('App', `${env.app.name} ${env.app.version}`),
    ...Object.entries(env.versions).map(([k, v]) => row(k, v, { mono: true })),
    row('Operating system', `${env.os.type} ${env.os.release} ${env.os.version} (${env.os.platform}, ${env.os.arch})`),
    row('Locale', env.locale),
    row('SSH agent', env.agent.available ? `running, holding ${env.agent.keys ?? 'an unknown number of'} key(s)` : `not available${env.agent.error ? ` (${env.agent.error})` : ''}`),
  ]);
}

export function renderHtml(report: Report, fileNames: string[]): string {
  const s = report.summary;
  const rounds = report.rounds;
  const last = rounds[rounds.length - 1]!;
  const r = report.request;
  const fixesTried = report.fixesTried.length
    ? `<section class="card"><h2>Fixes tried</h2><table><thead><tr><th>Round</th><th>Fix applied</th><th>Result afterwards</th></tr></thead><tbody>${report.fixesTried
        .map(
          (f) =>
            `<tr${f.outcome.ok ? '' : ' class="bad"'}><td>${esc(f.round)}</td><td>${esc(f.fix.label)}${f.fix.detail ? `<br><span class="muted">${esc(f.fix.detail)}</span>` : ''}</td><td>${badge(f.outcome.ok ? 'ok' : 'fail')} ${esc(f.outcome.title)} <span class="muted">(${esc(f.outcome.code)})</span></td></tr>`,
        )
        .join('')}</tbody></table></section>`
    : '';
  const earlier = rounds
    .slice(0, -1)
    .map((round) => `<details><summary>Round ${esc(round.round)}: ${esc(round.diagnosis.title)}</summary>${roundSection(round, report, `Round ${round.round}`)}</details>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>SFTP Doctor report: ${esc(s.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>SFTP Doctor support report</h1>
<p>${esc(r.protocol.toUpperCase())} to <code>${esc(r.user)}@${esc(r.host)}${r.port !== null ? `:${esc(r.port)}` : ''}</code> &middot; made ${esc(report.createdAt)} &middot; ${esc(report.generator.name)} ${esc(report.generator.version)}${report.anonymised ? ' &middot; <b>anonymised</b>: names and addresses are placeholders' : ''}</p>
</header>
<section class="card verdict ${s.ok ? 'ok' : 'bad'}">
<p>${badge(s.ok ? 'ok' : 'fail')} <span class="muted">Stopped at: ${esc(PHASE_LABELS[s.phase])} &middot; code ${esc(s.code)}</span></p>
<h2 id="diagnosis">${esc(s.title)}</h2>
<p>${esc(s.explanation)}</p>
<p class="next"><b>Next step:</b> ${esc(s.nextStep)}</p>
</section>
${fixesTried}
<section class="card"><h2>Message for the server's administrator</h2><p class="muted">Ready to copy into an e-mail or ticket.</p><pre class="message">${esc(report.adminMessage)}</pre></section>
<section class="card">${roundSection(last, report, rounds.length > 1 ? `Last round (${rounds.length} in all)` : 'What the check did')}${earlier}</section>
${report.key ? `<section class="card">${keySection(report.key)}</section>` : ''}
<section class="card"><h2>Settings used</h2>${requestTable(r)}</section>
<section class="card"><h2>This computer</h2>${environmentTable(report.environment)}</section>
<section class="card"><h2>Files in this bundle</h2><ul class="files">${fileNames.map((f) => `<li><code>${esc(f)}</code></li>`).join('')}</ul>
<p class="muted">Passwords, passphrases, login answers and private keys are never part of a bundle; every file was checked for them before saving.</p></section>
</main>
</body>
</html>
`;
}
