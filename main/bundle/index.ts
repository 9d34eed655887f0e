/**
 * The support bundle: one .zip an admin can act on, with every secret removed.
 *
 *   buildBundle(input, {anonymise})      -> { files, zip }       (everything, in memory)
 *   previewBundle(input, {anonymise})    -> BundleFilePreview[]  (what the UI lists before saving)
 *   exportBundle(input, {anonymise})     -> { fileName, bytes, zip }
 *   writeBundleFile(input, out, options) -> writes the zip atomically, mode 0600
 *   assembleBundleInput({...})           -> BundleInput from runs, events and secrets (+ environment, known_hosts lines)
 *
 * Secrets are kept out by construction (the shared types carry none); the final scan
 * (scan.ts) proves it on every file, before and after anonymising, and fails the export loudly.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import type { BundleFilePreview, BundleOptions } from '../../shared/api';
import type { ConnectionRequest, RunEvent, RunResult } from '../../shared/types';
import type { KeyInspection } from '../../shared/keys';
import { Secret } from '../common/secret';
import { writeFileAtomic } from '../store/atomic-file';
import { Anonymiser, mapStrings } from './anonymise';
import { collectEnvironment, type EnvironmentOptions } from './environment';
import { renderHtml } from './html';
import { knownHostsLinesFor } from './known-hosts';
import { buildReport, finalRound, timelineText, visible } from './report';
import { assertNoSecrets } from './scan';
import { EnvironmentSchema, KeyReportSchema, NetworkSchema, ReportSchema, reportJsonSchema, type Report } from './schema';
import type { BuildOptions, BuiltBundle, BundleFile, BundleInput, BundleRound, KnownHostsLine } from './types';

export type { BundleInput, BundleRound, BuildOptions, BuiltBundle, BundleFile, EnvironmentFacts, KnownHostsLine, AppliedFix } from './types';
export { BundleSecretError } from './scan';
export { collectEnvironment, probeAgent } from './environment';
export { knownHostsLinesFor } from './known-hosts';

const README = `SFTP Doctor support bundle
==========================

This zip was made by SFTP Doctor to help someone else (the server's administrator or a help
desk) see why an SFTP connection failed, without a phone call. It holds no password, no key
passphrase, no login answers and no private key: every file was searched for the secrets used
in the session (also in encoded forms) before the zip was written, and the export stops if any
is found.

Files (what each is for)
-----
README.txt             This file: what is in the bundle and what each file is for.
                       Read it first if you were sent this zip.
report.html            The report to read first, in any browser (no network, no scripts): the
                       diagnosis, next step, each step with its timing, evidence and fixes tried.
report.json            The same facts as data, for tools and tickets; "schemaVersion" names the
                       layout, which report.schema.json describes.
report.schema.json     The JSON Schema of report.json, to validate it or generate code.
                       It changes only when schemaVersion does.
timeline.log           Every event of the attempt(s) in order, in milliseconds since each round
                       began, with the SSH library's own debug lines: to see where time went.
environment.json       App, runtime and library versions, operating system, locale, DNS resolvers,
                       and whether an SSH agent ran and how many keys it held (never the keys).
network.json           For firewalls and allow-lists: the local address and interface of the link to the
                       first hop (server, proxy or jump host), who resolved each name, proxy and jumps.
key.json               Only when a key was used: its format, type, size, protection, fingerprints
                       and public line (for authorized_keys). Never the private part.
known_hosts-entry.txt  The saved line(s) for this server from the known-hosts file, and the key the
                       server presented: to compare host keys. Not the rest of the file.
`;

const ANONYMISED_NOTE = `
Anonymised
----------
Host names, user names, IP addresses and home folders were replaced with placeholders (host-1,
user-1, 203.0.113.1, 2001:db8::1, /home/user-1), and so were this computer's login name, its
name and its home folder wherever they appeared (in paths too). A user name that is also a common
word (such as root, backup or data) was replaced only where it stands as a user name (a home folder,
name@host, the login name field), so sentences keep their words. The same original always has the
same placeholder in every file. Hashed names in known_hosts lines were kept as they are.
`;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function knownHostsText(lines: KnownHostsLine[], input: BundleInput): string {
  const last = finalRound(input);
  const host = last.facts.input?.host ?? last.request.host.trim();
  const port = last.facts.input?.port ?? 22;
  const out = [`# known_hosts lines that name ${host} (port ${port}). Only these lines are included, not the whole file.`];
  if (lines.length === 0) out.push('# No saved line names this server yet.');
  for (const l of lines) out.push(`# ${l.file}, line ${l.line}`, visible(l.text));
  const key = last.facts.hostkey?.key;
  if (key) {
    const name = port === 22 ? host : `[${host}]:${port}`;
    out.push('', `# The key the server presented in this run (${key.type}, ${key.sha256}, status: ${last.facts.hostkey!.status}):`, `# ${name} ${key.publicKey}`);
  }
  return out.join('\n') + '\n';
}

interface Parts {
  report: Report;
  timeline: string;
  knownHosts: string;
  readme: string;
}

function renderFiles(parts: Parts): BundleFile[] {
  const report = ReportSchema.parse(parts.report); // validated (and stripped of unknown fields) before writing
  const names = ['README.txt', 'report.html', 'report.json', 'report.schema.json', 'timeline.log', 'environment.json', 'network.json'];
  if (report.key) names.push('key.json');
  names.push('known_hosts-entry.txt');
  const content: Record<string, string> = {
    'README.txt': parts.readme,
    'report.html': renderHtml(report, names),
    'report.json': json(report),
    'report.schema.json': json(reportJsonSchema()),
    'timeline.log': parts.timeline,
    'environment.json': json(EnvironmentSchema.parse(report.environment)),
    'network.json': json(NetworkSchema.parse(report.network)),
    'known_hosts-entry.txt': parts.knownHosts,
  };
  if (report.key) content['key.json'] = json(KeyReportSchema.parse(report.key));
  return names.map((name) => {
    const text = content[name]!;
    return { name, text, bytes: Buffer.byteLength(text, 'utf8') };
  });
}

/** The login name, machine name and home folder of this computer (each may be unknown). */
function localNames(): { user?: string; host?: string; home?: string } {
  const out: { user?: string; host?: string; home?: string } = {};
  try {
    out.user = os.userInfo().username;
  } catch {
    out.user = process.env.USER ?? process.env.USERNAME;
  }
  try {
    out.host = os.hostname();
  } catch {
    // unknown
  }
  try {
    out.home = os.homedir();
  } catch {
    out.home = process.env.HOME;
  }
  return out;
}

/** Registers every name of the scenario the anonymiser must replace, then reads all texts for addresses. */
function prepareAnonymiser(input: BundleInput, parts: Parts): Anonymiser {
  const a = new Anonymiser();
  for (const { result } of input.rounds) {
    a.addHost(result.facts.input?.host);
    a.addHostField(result.request.host);
    a.addUser(result.facts.input?.user);
    a.addUser(result.request.user);
    for (const s of result.facts.dns?.suggestions ?? []) a.addHost(s);
    // The path: jump hosts (and their users) and the proxy are names of the scenario too.
    for (const h of result.facts.path?.hops ?? []) {
      a.addHost(h.host);
      a.addUser(h.user);
    }
    if (result.facts.proxy) a.addHost(result.facts.proxy.host);
    for (const j of result.request.jumpHosts ?? []) a.addHostField(j);
    if (result.request.proxy) a.addHostField(result.request.proxy.replace(/^[a-z0-9]+:\/\//i, ''));
  }
  for (const l of input.knownHostsLines ?? []) {
    const fields = l.text.trim().split(/\s+/);
    const hostField = fields[0]?.startsWith('@') ? fields[1] : fields[0];
    for (const p of (hostField ?? '').split(',')) a.addHostField(p.replace(/^!/, ''));
  }
  a.addComment(input.keyInspection?.comment);
  // This computer's own names: its login name (anywhere, paths too), its name and its home folder.
  const local = localNames();
  a.addUser(local.user);
  a.addHost(local.host);
  if (local.home) a.addHomePath(local.home, local.user);
  for (const h of input.extraNames?.hosts ?? []) a.addHost(h);
  for (const u of input.extraNames?.users ?? []) a.addUser(u);
  mapStrings(parts.report, (s) => (a.collect(s), s));
  a.collect(parts.timeline);
  a.collect(parts.knownHosts);
  return a;
}

/** Builds every file of the bundle and the zip, in memory. Throws BundleSecretError if a secret is found. */
export async function buildBundle(input: BundleInput, options: BuildOptions): Promise<BuiltBundle> {
  if (input.rounds.length === 0) throw new Error('A support bundle needs at least one diagnosis run: run a check first, then export.');
  const createdAt = input.createdAt ?? new Date();
  const parts: Parts = {
    report: buildReport(input, createdAt, options.anonymise),
    timeline: timelineText(input),
    knownHosts: knownHostsText(input.knownHostsLines ?? [], input),
    readme: README + (options.anonymise ? ANONYMISED_NOTE : ''),
  };
  // Scan the plain rendering even when anonymising: a placeholder could hide part of a leaked secret.
  const plain = renderFiles(parts);
  assertNoSecrets(plain, input.secrets);
  let files = plain;
  if (options.anonymise) {
    const a = prepareAnonymiser(input, parts);
    files = renderFiles({
      report: mapStrings(parts.report, (s) => a.apply(s)),
      timeline: a.apply(parts.timeline),
      knownHosts: a.apply(parts.knownHosts),
      readme: parts.readme,
    });
    assertNoSecrets(files, input.secrets);
  }
  const mtime = createdAt;
  const zip = zipSync(Object.fromEntries(files.map((f) => [f.name, [strToU8(f.text), { mtime }]])), { level: 6 });
  return { files, zip };
}

/** The files as the UI preview lists them (name, size, exact text). */
export async function previewBundle(input: BundleInput, options: BundleOptions): Promise<BundleFilePreview[]> {
  const { files } = await buildBundle(input, { anonymise: options.anonymise });
  return files.map((f) => ({ name: f.name, bytes: f.bytes, text: f.text }));
}

/** sftp-doctor-<host or host-1>-<yyyymmdd-hhmm>.zip (local time). */
export function suggestedFileName(input: BundleInput, options: BundleOptions, at: Date = input.createdAt ?? new Date()): string {
  const last = finalRound(input);
  const rawHost = options.anonymise ? 'host-1' : (last.facts.input?.host ?? last.request.host);
  const host =
    rawHost
      .trim()
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'unknown-host';
  const p = (n: number) => String(n).padStart(2, '0');
  return `sftp-doctor-${host}-${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}.zip`;
}

export interface ExportedBundle {
  fileName: string;
  bytes: number;
  zip: Uint8Array;
}

export async function exportBundle(input: BundleInput, options: BundleOptions): Promise<ExportedBundle> {
  const createdAt = input.createdAt ?? new Date();
  const { zip } = await buildBundle({ ...input, createdAt }, { anonymise: options.anonymise });
  return { fileName: suggestedFileName(input, options, createdAt), bytes: zip.byteLength, zip };
}

/**
 * Writes the bundle to `outPath` (atomically, mode 0600). When outPath is an existing folder (or
 * ends with a slash), the suggested file name is used inside it. Returns where it went.
 */
export async function writeBundleFile(input: BundleInput, outPath: string, options: BundleOptions = { anonymise: false }): Promise<{ path: string; bytes: number }> {
  const bundle = await exportBundle(input, options);
  let target = outPath;
  const isDir = /[\\/]$/.test(outPath) || (await fs.stat(outPath).then((s) => s.isDirectory(), () => false));
  if (isDir) target = path.join(outPath, bundle.fileName);
  await writeFileAtomic(target, bundle.zip, { mode: 0o600, backup: false });
  await fs.chmod(target, 0o600);
  return { path: target, bytes: bundle.bytes };
}

/**
 * Whether a "private key" the user gave is really only a public key (a .pub file, an RFC 4716
 * or PEM public key, an SSH-1 public line). Its text is no secret, and treating it as one would
 * fail every bundle that shows the key's public line (e.g. for the "this is the public key" diagnosis).
 */
export function isPublicKeyOnly(text: string): boolean {
  if (/PRIVATE KEY|PuTTY-User-Key-File|Private-Lines|openssh-key-v1|b3BlbnNzaC1rZXktdjE/.test(text)) return false;
  const t = text.trim();
  return (
    /^(ssh-|ecdsa-|sk-)[\w@.-]+ +[A-Za-z0-9+/]+={0,2}( +[^\r\n]*)?$/.test(t) ||
    /^-{4,5} ?BEGIN (SSH2 |RSA )?PUBLIC KEY/.test(t) ||
    /^\d+ +\d+ +\d+( +[^\r\n]*)?$/.test(t)
  );
}

/**
 * The secrets of a request, for the final scan: password, passphrase, pasted key text and the key
 * file's content (unless it is only a public key), plus any others the caller collected (e.g.
 * keyboard-interactive answers, a new password).
 */
export async function secretsOfRequest(request: ConnectionRequest, extra: (string | Secret)[] = []): Promise<Secret[]> {
  const values: (string | undefined)[] = [request.password, request.passphrase, request.proxy?.password, ...(request.jumpHosts ?? []).map((h) => h.password)];
  if (request.privateKey?.text && !isPublicKeyOnly(request.privateKey.text)) values.push(request.privateKey.text);
  if (request.privateKey?.path) {
    try {
      const st = await fs.stat(request.privateKey.path);
      if (st.isFile() && st.size <= 1024 * 1024) {
        const text = await fs.readFile(request.privateKey.path, 'latin1');
        if (!isPublicKeyOnly(text)) values.push(text);
      }
    } catch {
      // a missing key file holds no secret to look for
    }
  }
  const out = values.map((v) => Secret.from(v)).filter((s): s is Secret => s !== undefined);
  for (const e of extra) {
    const s = typeof e === 'string' ? Secret.from(e) : e;
    if (s) out.push(s);
  }
  return out;
}

export interface AssembleArgs {
  /** The run(s) in order; plain results mean no fix was applied between them. */
  rounds: (BundleRound | RunResult)[];
  events: RunEvent[];
  secrets: Secret[];
  keyInspection?: KeyInspection | null;
  environment?: EnvironmentOptions;
}

/** Completes a BundleInput: environment facts (with the agent's key count) and this host's known_hosts lines. */
export async function assembleBundleInput(args: AssembleArgs): Promise<BundleInput> {
  const rounds: BundleRound[] = args.rounds.map((r) => ('result' in r ? r : { result: r }));
  const seen = new Set<string>();
  const knownHostsLines: KnownHostsLine[] = [];
  for (const r of rounds) {
    for (const l of await knownHostsLinesFor(r.result)) {
      const key = `${l.file}:${l.line}:${l.text}`;
      if (!seen.has(key)) {
        seen.add(key);
        knownHostsLines.push(l);
      }
    }
  }
  return {
    rounds,
    events: args.events,
    secrets: args.secrets,
    keyInspection: args.keyInspection ?? null,
    knownHostsLines,
    environment: await collectEnvironment(args.environment),
  };
}
