import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { PHASE_LABELS } from '../../../shared/codes';
import type { ConnectionRequest, PromptAnswer, PromptRequest, RunEvent, RunResult } from '../../../shared/types';
import { diagnose, fingerprintMatches, parseHostField, parsePort } from '../../diagnose/index';
import { appKnownHostsPath, defaultDataDir } from '../../store/paths';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliCommand, type CliIO } from '../command';

const USAGE = `Usage: sftp-doctor diagnose [options] [TARGET]

Connects to an SFTP server phase by phase and explains what is wrong, with fixes.

TARGET                    [sftp://][user@]host[:port][/path]
Options:
  --host H                Server name or address (instead of TARGET)
  --port P                Port (default 22)
  --user U                User name
  --password-env VAR      Read the password from environment variable VAR
  --password-stdin        Read the password from standard input (one line)
  --key FILE              Private key file
  --passphrase-env VAR    Read the key's passphrase from environment variable VAR
  --known-hosts FILE      known_hosts file to check the server key against
                          (default: SFTP Doctor's own, in its data folder)
  --trust-host-key FP     Trust the server key with this fingerprint (SHA256:... or MD5:...)
                          and save it in the known_hosts file when it matches
  --timeout SECONDS       Time budget for the whole check (default 10)
  --json                  Print one JSON object instead of text
  -h, --help              Show this help

Passwords and passphrases are never accepted as arguments.
Exit status: 0 the connection works, 1 a problem was diagnosed, 2 usage error.`;

const STATUS_MARK: Record<string, string> = { ok: '✓', warn: '!', fail: '✗', skipped: '-', running: '…', pending: ' ' };
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

async function readStdinLine(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(b);
    size += b.length;
    if (size > 64 * 1024) throw new UsageError('--password-stdin: the input is longer than 64 KiB');
  }
  // One line: drop a single trailing line end, keep everything else exactly (spaces included).
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function envSecret(io: CliIO, variable: string, flag: string): string {
  const value = io.env[variable];
  if (value === undefined) throw new UsageError(`${flag}: the environment variable ${variable} is not set`);
  return value;
}

/** Builds the request from the arguments. Throws UsageError for anything inconsistent. */
/** Options a command adds to the connection flags (e.g. `repair`'s --fix and --yes). */
export type ExtraOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/**
 * Builds the request from the connection flags (shared by `diagnose` and `repair`). Throws
 * UsageError for anything inconsistent. `extra` adds a command's own options; their values come
 * back in `extraValues`. `looseFingerprint` leaves checking --trust-host-key to the caller.
 */
export async function requestFromArgs(
  argv: string[],
  io: CliIO,
  more: { extra?: ExtraOptions; looseFingerprint?: boolean } = {},
): Promise<{ request: ConnectionRequest; json: boolean; trustFingerprint?: string; extraValues: Record<string, string | boolean | string[] | undefined> }> {
  const secretFlag = argv.find((a) => /^--(password|passphrase|pass|pw)(=|$)/.test(a));
  if (secretFlag) throw new UsageError(`secrets are never accepted as arguments (other users can read them in the process list): use --password-env VAR, --password-stdin or --passphrase-env VAR instead of ${secretFlag.split('=')[0]}`);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      ...more.extra,
      json: { type: 'boolean', default: false },
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      'password-env': { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      key: { type: 'string' },
      'passphrase-env': { type: 'string' },
      'known-hosts': { type: 'string' },
      'trust-host-key': { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`expected one TARGET, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = positionals[0];
  if (target !== undefined && values.host !== undefined) throw new UsageError('give the server either as TARGET or with --host, not both');
  if (target === undefined && values.host === undefined) throw new UsageError('which server? Give a TARGET like sftp://user@host:22 or --host');

  let protocol: ConnectionRequest['protocol'] = 'sftp';
  let host = values.host ?? '';
  let user = values.user;
  let port: number | string | undefined = values.port;
  let startPath: string | undefined;
  if (target !== undefined) {
    const t = parseHostField(target);
    if (t.scheme && !['sftp', 'ssh', 'scp'].includes(t.scheme)) throw new UsageError(`TARGET: "${t.scheme}://" is not supported; use sftp://`);
    if (t.scheme === 'scp') protocol = 'scp';
    if (t.badPort !== undefined) throw new UsageError(`TARGET: "${t.badPort}" is not a port number`);
    host = t.host;
    if (t.user !== undefined) {
      if (user !== undefined && user !== t.user) throw new UsageError(`the user is given twice: "${t.user}" in TARGET and "${user}" with --user`);
      user = t.user;
    }
    if (t.port !== undefined) {
      if (port !== undefined && parsePort(port) !== t.port) throw new UsageError(`the port is given twice: ${t.port} in TARGET and ${port} with --port`);
      port = t.port;
    }
    startPath = t.path;
  }
  if (values['password-env'] !== undefined && values['password-stdin']) throw new UsageError('use either --password-env or --password-stdin, not both');

  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`--timeout: "${values.timeout}" is not a number of seconds between 0 and 3600`);
    timeoutMs = Math.round(s * 1000);
  }
  const fp = values['trust-host-key'];
  if (fp !== undefined && !more.looseFingerprint && !/^(SHA256:[A-Za-z0-9+/]{43}=?|(MD5:)?([0-9a-fA-F]{2}:){15}[0-9a-fA-F]{2})$/.test(fp.trim())) {
    throw new UsageError(`--trust-host-key: "${fp}" is not a fingerprint (SHA256:... or MD5:aa:bb:...)`);
  }

  const request: ConnectionRequest = { protocol, host, user: user ?? '' };
  if (port !== undefined) request.port = port;
  if (startPath !== undefined) request.startPath = startPath;
  if (values['password-env'] !== undefined) request.password = envSecret(io, values['password-env'], '--password-env');
  if (values['password-stdin']) request.password = await readStdinLine(io);
  if (values['passphrase-env'] !== undefined) request.passphrase = envSecret(io, values['passphrase-env'], '--passphrase-env');
  if (values.key !== undefined) request.privateKey = { path: values.key };
  if (values['known-hosts'] !== undefined) request.knownHostsPath = values['known-hosts'];
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  const extraValues = Object.fromEntries(Object.keys(more.extra ?? {}).map((k) => [k, (values as Record<string, string | boolean | string[] | undefined>)[k]]));
  return { request, json: values.json, ...(fp !== undefined ? { trustFingerprint: fp.trim() } : {}), extraValues };
}

/** The --json document: the contract scripts rely on. */
export function jsonReport(result: RunResult): Record<string, unknown> {
  const d = result.diagnosis;
  return {
    ok: d.ok,
    code: d.code,
    phase: d.phase,
    title: d.title,
    explanation: d.explanation,
    nextStep: d.nextStep,
    evidence: d.evidence,
    fixes: d.fixes.map((f) => ({ id: f.id, label: f.label, description: f.description, risk: f.risk, kind: f.kind, ...(f.params ? { params: f.params } : {}) })),
    steps: result.steps.map((s) => ({ phase: s.phase, status: s.status, ms: s.ms, detail: s.detail })),
    server: { banner: result.facts.server?.banner ?? null, software: result.facts.server?.software ?? null, algorithms: result.facts.server?.algorithms ?? null },
    facts: result.facts,
    runId: result.runId,
    totalMs: result.totalMs,
  };
}

function wrap(text: string, width = 78, indent = '  '): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (line + ' ' + w).length > width - indent.length) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function humanReport(result: RunResult): string {
  const d = result.diagnosis;
  const out: string[] = ['', `${d.ok ? '✓' : '✗'} ${d.title}  [${d.code}]`, '', wrap(d.explanation)];
  if (d.evidence.length) {
    out.push('', 'Evidence:');
    for (const e of d.evidence) out.push(`  ${e.highlight ? '>' : ' '} ${e.label}: ${e.value}`);
  }
  out.push('', 'Next step:', wrap(d.nextStep));
  if (d.fixes.length) {
    out.push('', 'Fixes:');
    for (const f of d.fixes) out.push(`  - ${f.label} (${f.id}, ${f.risk})`, wrap(f.description, 78, '      '));
  }
  out.push('', `Total ${result.totalMs} ms.`, '');
  return out.join('\n');
}

function phaseLine(e: Extract<RunEvent, { type: 'phase' }>): string {
  return `${STATUS_MARK[e.status] ?? ' '} ${PHASE_LABELS[e.phase].padEnd(28)} ${e.detail}${e.status !== 'skipped' ? ` (${e.ms} ms)` : ''}`;
}

async function askHostKey(io: CliIO, p: Extract<PromptRequest, { kind: 'hostkey' }>): Promise<'trust' | 'once' | 'cancel'> {
  io.stderr.write(`\nThe server ${p.host}:${p.port} is new to us. Its ${p.key.type} key fingerprint is:\n  ${p.key.sha256}\n  ${p.key.md5}\nCompare it with what your provider publishes.\nTrust it and save it? [y]es / [o]nce / [N]o: `);
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const line: string = await new Promise((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    const a = line.trim().toLowerCase();
    return a === 'y' || a === 'yes' ? 'trust' : a === 'o' || a === 'once' ? 'once' : 'cancel';
  } finally {
    rl.close();
  }
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary: 'Check a connection phase by phase and explain what is wrong',
  usage: USAGE,
  async run(argv, io) {
    const { request, json, trustFingerprint } = await requestFromArgs(argv, io);
    const interactive = !json && !!io.stdin.isTTY && !!io.stderr.isTTY && !argv.includes('--password-stdin');
    const tty = !json && !!io.stdout.isTTY;
    let spinnerTimer: NodeJS.Timeout | undefined;
    let running: Extract<RunEvent, { type: 'phase' }> | null = null;
    let frame = 0;
    const drawRunning = () => {
      if (running) io.stdout.write(`\r\x1b[K${SPINNER[frame++ % SPINNER.length]} ${PHASE_LABELS[running.phase].padEnd(28)} ${running.detail}`);
    };
    if (tty) spinnerTimer = setInterval(drawRunning, 100);

    const onEvent = (e: RunEvent) => {
      if (json || e.type !== 'phase') return;
      if (e.status === 'running') {
        running = e;
        if (tty) drawRunning();
        return;
      }
      running = null;
      if (e.status === 'skipped') return;
      io.stdout.write(`${tty ? '\r\x1b[K' : ''}${phaseLine(e)}\n`);
    };

    const prompt = async (p: PromptRequest): Promise<PromptAnswer> => {
      if (p.kind !== 'hostkey') return { promptId: p.promptId, kind: 'secret', answers: null };
      if (trustFingerprint && fingerprintMatches(trustFingerprint, p.key)) return { promptId: p.promptId, kind: 'hostkey', decision: 'trust' };
      if (!interactive) return { promptId: p.promptId, kind: 'hostkey', decision: 'cancel' };
      if (tty) io.stdout.write('\r\x1b[K');
      return { promptId: p.promptId, kind: 'hostkey', decision: await askHostKey(io, p) };
    };

    const abort = new AbortController();
    const onSigint = () => abort.abort();
    const ownProcess = io.stdout === process.stdout;
    if (ownProcess) process.once('SIGINT', onSigint);
    let result: RunResult;
    try {
      result = await diagnose(request, {
        defaultKnownHostsPath: appKnownHostsPath(io.env.SFTP_DOCTOR_HOME ? path.resolve(io.env.SFTP_DOCTOR_HOME) : defaultDataDir()),
        onEvent,
        prompt,
        signal: abort.signal,
      });
    } finally {
      if (spinnerTimer) clearInterval(spinnerTimer);
      if (ownProcess) process.off('SIGINT', onSigint);
    }
    if (json) io.stdout.write(`${JSON.stringify(jsonReport(result), null, 2)}\n`);
    else io.stdout.write(humanReport(result));
    return result.diagnosis.ok ? EXIT_OK : EXIT_PROBLEM;
  },
};
