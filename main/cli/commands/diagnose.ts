import type { Action, EnterField } from '../../../shared/actions';
import { adminMessage } from '../../../shared/admin-message';
import { parseArgs } from 'node:util';
import { PHASE_LABELS } from '../../../shared/codes';
import { parseJumpList, parseProxyUrl } from '../../../shared/path';
import { LOGIN_METHODS, RSA_SIGNATURES, type ConnectionRequest, type JumpHost, type PromptAnswer, type PromptRequest, type RunEvent, type RunResult } from '../../../shared/types';
import { parseHostField, parsePort } from '../../../shared/host-input';
import { matchFingerprint } from '../../../shared/fingerprint';
import { visibleDeep, visibleLine, visibleText } from '../../../shared/visible';
import { EXIT_OK, EXIT_PROBLEM, GuidanceError, UsageError, type CliCommand, type CliIO } from '../command';
import { logSettingsFrom, RunLog, type LogSettings } from '../run-log';
import { APP_VERSION } from '../../common/version';
import { servicesFor } from '../services';
import { loadPackage } from '../../common/load-package';

const USAGE = `Usage: sftp-doctor diagnose [options] [TARGET]

Connects to an SFTP server phase by phase and explains what is wrong, with fixes.

TARGET                    [sftp://][user@]host[:port][/path], or the name of a saved site
                          ("Folder/Name"; flags given as well override its settings)
Options:
  --host H                Server name or address (instead of TARGET)
  --port P                Port (default 22)
  --user U                User name
  --password-env VAR      Read the password from environment variable VAR
  --password-stdin        Read the password from standard input (one line)
  --key FILE              Private key file
  --passphrase-env VAR    Read the key's passphrase from environment variable VAR
  --jump [USER@]HOST[:PORT]
                          Go through this jump host (OpenSSH's ProxyJump); repeat it, or
                          separate hosts with commas, for a chain (first one first). It logs
                          in with the same key / agent as the server, or a password:
  --jump-password-env VAR Read the jump hosts' password from environment variable VAR
  --proxy URL             Connect through a proxy: socks5://[user@]host:port or
                          http://[user@]host:port (HTTP CONNECT)
  --proxy-password-env VAR  Read the proxy's password from environment variable VAR
  --known-hosts FILE      known_hosts file to check the server key against
                          (default: SFTP Doctor's own, in its data folder)
  --trust-host-key FP     Trust the server key with this fingerprint (SHA256:..., MD5:... or a
                          whole ssh-keygen -l line) and save it in the known_hosts file when
                          it matches; one that does not match is said so, and nothing trusted
  --timeout SECONDS       Time budget for the whole check (default 10)
  --remote-folder PATH    The folder to open and list once logged in (WinSCP's "Remote
                          directory"; default: the home folder)
  --keepalive SECONDS     Send a keepalive this often once connected (0: off; at most 3600)
  --no-agent              Do not use a running ssh-agent's keys
  --identities-only       Only try the key given with --key (OpenSSH's IdentitiesOnly)
  --auth-methods LIST     Login methods your SFTP program uses, comma-separated: publickey,
                          keyboard-interactive, password (OpenSSH's PreferredAuthentications;
                          default: all). A refused password is tried once over the other method
  --rsa-signature ALG     Sign with an RSA key using rsa-sha2-512, rsa-sha2-256 or ssh-rsa
                          (default: chosen from the server's list; a refused RSA key is tried
                          once more with another)
  --legacy-algorithms LIST|auto|none
                          Weak algorithms this server may use, comma-separated (e.g.
                          diffie-hellman-group1-sha1,aes128-cbc); "auto" reads the server's
                          offer and allows, only where it leaves no modern choice, the least
                          weak algorithm per category (group14 before group1, AES before
                          3DES...); the result names each one chosen and its risk; "none"
                          (for a saved site) allows none
  --no-write-test         Do not write a test file (for read-only accounts); the result
                          then says uploading was not checked
  --hold SECONDS          After the listing, stay connected and idle this long, then check
                          the session still answers (on top of --timeout; at most 3600)
  --speed                 Also upload and download 8 MiB and report MB/s each way, beside
                          OpenSSH's sftp on the same link when it can log in without asking
  --json                  Print one JSON object instead of text
  --bundle OUT.zip        Also write a support bundle (every secret redacted) to OUT.zip
                          (or into the folder OUT/)
  --anonymise             In the bundle, replace host names, addresses and user names
  -v, --verbose           Print a log of the check on standard error (-v: debug level,
                          -vv: raw, with the SSH protocol lines)
  --log FILE              Write the log to FILE (created with mode 0600; emptied first)
  --log-level LEVEL       normal (each step and the result; the default for --log), debug
                          (also the engine's lines) or raw (also the raw SSH lines). Lines
                          carry the time and their level; secrets are never written
  -h, --help              Show this help

On a terminal, the password is asked (without echo) when neither a password nor a key was
given and no ssh-agent runs, and an empty user name is asked for. Questions of the server (a one-time code, a new password for an expired
one) and a key's passphrase are asked without showing what you type; with --json they
are not asked and the diagnosis says what was needed.

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
export type ExtraOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

export interface RequestArgsOptions {
  extra?: ExtraOptions;
  /**
   * Start from these settings (`sites edit`): TARGET and --host are then optional, and either one
   * replaces the server; TARGET is never looked up as a saved site.
   */
  base?: ConnectionRequest;
  /** TARGET is always a server, never a saved site's name (`sites add`). */
  targetIsServer?: boolean;
}

/**
 * Builds the request from the connection flags (shared by `diagnose` and `repair`). Throws
 * UsageError for anything inconsistent. `extra` adds a command's own options; their values come
 * back in `extraValues`. Text that is no fingerprint at all (--trust-host-key) is a usage error for both.
 */
export async function requestFromArgs(
  argv: string[],
  io: CliIO,
  more: RequestArgsOptions = {},
): Promise<{ request: ConnectionRequest; json: boolean; trustFingerprint?: string; log: LogSettings | null; extraValues: Record<string, string | boolean | (string | boolean)[] | undefined> }> {
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
      jump: { type: 'string', multiple: true },
      'jump-password-env': { type: 'string' },
      proxy: { type: 'string' },
      'proxy-password-env': { type: 'string' },
      'no-write-test': { type: 'boolean', default: false },
      hold: { type: 'string' },
      speed: { type: 'boolean', default: false },
      'remote-folder': { type: 'string' },
      keepalive: { type: 'string' },
      'no-agent': { type: 'boolean', default: false },
      'identities-only': { type: 'boolean', default: false },
      'auth-methods': { type: 'string' },
      'rsa-signature': { type: 'string' },
      'legacy-algorithms': { type: 'string' },
      verbose: { type: 'boolean', short: 'v', multiple: true },
      log: { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`expected one TARGET, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = positionals[0];
  if (target !== undefined && values.host !== undefined) throw new UsageError('give the server either as TARGET or with --host, not both');
  if (target === undefined && values.host === undefined && !more.base) throw new UsageError('which server? Give a TARGET like sftp://user@host:22 or --host');

  let protocol: ConnectionRequest['protocol'] = 'sftp';
  let host = values.host ?? '';
  let user = values.user;
  let port: number | string | undefined = values.port;
  let startPath: string | undefined;
  let schemeGiven = false;
  // A saved site's name (or id) as TARGET: its settings, with the flags given on top.
  const site = more.base && target === undefined ? more.base : target !== undefined && !more.base && !more.targetIsServer && !/^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? await siteFor(target, io) : null;
  if (site) {
    const request: ConnectionRequest = { ...site };
    if (values.host !== undefined) request.host = values.host;
    if (values.user !== undefined) request.user = values.user;
    if (values.port !== undefined) request.port = values.port;
    await applyFlags(request, values, io);
    return finishRequest(request, values, more);
  }
  if (target !== undefined) {
    const t = parseHostField(target);
    if (t.scheme === 'ftp' || t.scheme === 'ftps' || t.scheme === 'ftpes') {
      throw new GuidanceError(`${t.scheme}:// is FTP, not SFTP. FTP${t.scheme === 'ftp' ? '' : 'S'} is another protocol (usually port 21) that SFTP Doctor does not check. If the server also offers SFTP (SSH, usually port 22), try: sftp-doctor diagnose sftp://${t.user ? `${visibleLine(t.user)}@` : ''}${visibleLine(t.host)}; otherwise use an FTP client such as FileZilla or WinSCP.`);
    }
    if (t.scheme && !['sftp', 'ssh', 'scp'].includes(t.scheme)) throw new UsageError(`TARGET: "${t.scheme}://" is not supported; use sftp://`);
    if (t.scheme === 'scp') protocol = 'scp';
    schemeGiven = !!t.scheme;
    if (t.badPort !== undefined) throw new UsageError(`TARGET: "${t.badPort}" is not a port number`);
    if (t.password !== undefined) throw new UsageError('TARGET holds a password, and a command line is seen by other programs on this computer; leave it out and use --password-stdin or --password-env');
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
    const folder = values['remote-folder'];
    if (startPath !== undefined && folder !== undefined && folder !== startPath) throw new UsageError(`the remote folder is given twice: "${visibleLine(startPath)}" in TARGET and "${visibleLine(folder)}" with --remote-folder`);
  }
  if (values['password-env'] !== undefined && values['password-stdin']) throw new UsageError('use either --password-env or --password-stdin, not both');

  // `sites edit` with a new TARGET: the server changes, every other setting stays.
  const request: ConnectionRequest = more.base ? { ...more.base, protocol: schemeGiven ? protocol : more.base.protocol, host, user: user ?? more.base.user } : { protocol, host, user: user ?? '' };
  if (port !== undefined) request.port = port;
  if (startPath !== undefined) request.startPath = startPath;
  await applyFlags(request, values, io);
  return finishRequest(request, values, more);
}

type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The flags that complete a request whichever way the server was named (secrets only from env or stdin). */
async function applyFlags(request: ConnectionRequest, values: FlagValues, io: CliIO): Promise<void> {
  if (values['password-env'] !== undefined && values['password-stdin']) throw new UsageError('use either --password-env or --password-stdin, not both');
  if (typeof values.timeout === 'string') {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0 || s > 3600) throw new UsageError(`--timeout: "${values.timeout}" is not a number of seconds between 0 and 3600`);
    request.timeoutMs = Math.round(s * 1000);
  }
  if (values['no-write-test'] === true) request.writeTest = false;
  if (typeof values.hold === 'string') {
    const s = Number(values.hold);
    if (!Number.isInteger(s) || s < 1 || s > 3600) throw new UsageError(`--hold: "${values.hold}" is not a whole number of seconds from 1 to 3600`);
    request.holdSeconds = s;
  }
  if (values.speed === true) request.speedTest = true;
  if (typeof values['password-env'] === 'string') request.password = envSecret(io, values['password-env'], '--password-env');
  if (values['password-stdin'] === true) request.password = await readStdinLine(io);
  if (typeof values['passphrase-env'] === 'string') request.passphrase = envSecret(io, values['passphrase-env'], '--passphrase-env');
  if (typeof values.key === 'string') request.privateKey = { path: values.key };
  if (typeof values['known-hosts'] === 'string') request.knownHostsPath = values['known-hosts'];
  applyAdvancedFlags(request, values, typeof values['legacy-algorithms'] === 'string' ? await algorithmNames(io) : null);
  applyPathFlags(request, values, io);
}

interface AlgorithmNames {
  /** Every weak algorithm the engine can enable, compression aside. */
  legacy: string[];
  /** Those it offers anyway. */
  defaults: Set<string>;
}

/** The engine's algorithm lists (read from ssh2), asked for only when --legacy-algorithms is given. */
async function algorithmNames(io: CliIO): Promise<AlgorithmNames> {
  const { legacy, defaults } = (await servicesFor(io)).algorithms;
  return { legacy: [...legacy.kex, ...legacy.serverHostKey, ...legacy.cipher, ...legacy.mac], defaults: new Set<string>([...defaults.kex, ...defaults.serverHostKey, ...defaults.cipher, ...defaults.mac]) };
}

/** The window's Advanced panel as flags: remote folder, keepalive, agent use, weak algorithms. */
function applyAdvancedFlags(request: ConnectionRequest, values: FlagValues, algorithms: AlgorithmNames | null): void {
  const folder = values['remote-folder'];
  if (typeof folder === 'string') {
    if (folder.trim() === '') throw new UsageError('--remote-folder: give a folder, e.g. /var/www or uploads (leave the option out for the home folder)');
    if (folder.length > 4096) throw new UsageError('--remote-folder: the path is longer than 4096 characters');
    // eslint-disable-next-line no-control-regex
    const control = /[\u0000-\u001f\u007f]/.exec(folder);
    if (control) throw new UsageError(`--remote-folder: "${visibleLine(folder)}" holds a control character (${visibleLine(control[0])}); type the folder's name as the server shows it`);
    request.startPath = folder;
  }
  const keepalive = values.keepalive;
  if (typeof keepalive === 'string') {
    const s = /^\s*\d{1,5}\s*$/.test(keepalive) ? Number(keepalive) : NaN;
    if (!Number.isInteger(s) || s > 3600) throw new UsageError(`--keepalive: "${visibleLine(keepalive)}" is not a number of seconds; give a whole number from 1 to 3600 (0 turns keepalives off)`);
    if (s === 0) delete request.keepaliveSeconds;
    else request.keepaliveSeconds = s;
  }
  if (values['no-agent'] === true) request.useAgent = false;
  const methods = values['auth-methods'];
  if (typeof methods === 'string') {
    const names = methods.split(/[\s,]+/).filter(Boolean);
    const known: readonly string[] = LOGIN_METHODS;
    const wrong = names.find((n) => !known.includes(n));
    if (names.length === 0 || wrong !== undefined) throw new UsageError(`--auth-methods: ${wrong !== undefined ? `"${visibleLine(wrong)}" is not a login method` : 'give login methods separated by commas'}; use ${LOGIN_METHODS.join(', ')}`);
    request.authMethods = LOGIN_METHODS.filter((m) => names.includes(m));
  }
  const signature = values['rsa-signature'];
  if (typeof signature === 'string') {
    const known: readonly string[] = RSA_SIGNATURES;
    if (!known.includes(signature.trim())) throw new UsageError(`--rsa-signature: "${visibleLine(signature)}" is not an RSA signature algorithm; use ${RSA_SIGNATURES.join(', ')}`);
    request.rsaSignature = RSA_SIGNATURES.find((a) => a === signature.trim());
  }
  if (values['identities-only'] === true) {
    request.identitiesOnly = true;
    if (!request.privateKey) throw new UsageError('--identities-only means "try only the key given": add --key FILE');
  }
  const legacy = values['legacy-algorithms'];
  if (typeof legacy === 'string' && algorithms) {
    const LEGACY_NAMES = algorithms.legacy;
    const DEFAULT_NAMES = algorithms.defaults;
    if (legacy.trim().toLowerCase() === 'auto') {
      request.legacyAlgorithmsAuto = true;
      return;
    }
    if (legacy.trim().toLowerCase() === 'none') {
      delete request.legacyAlgorithms;
      delete request.legacyAlgorithmsAuto;
      return;
    }
    const names = legacy.split(/[\s,]+/).filter(Boolean);
    if (names.length === 0) throw new UsageError(`--legacy-algorithms: give algorithm names separated by commas, or "auto". Weak ones SFTP Doctor can allow: ${LEGACY_NAMES.join(', ')}`);
    if (names.length > 64) throw new UsageError('--legacy-algorithms: at most 64 names');
    for (const n of names) {
      if (!LEGACY_NAMES.includes(n) && !DEFAULT_NAMES.has(n)) throw new UsageError(`--legacy-algorithms: "${visibleLine(n)}" is not an algorithm SFTP Doctor can use. Weak ones it can allow: ${LEGACY_NAMES.join(', ')} (or "auto" to choose from the server's offer)`);
    }
    request.legacyAlgorithms = [...new Set(names.filter((n) => LEGACY_NAMES.includes(n)))];
  }
}

/** --jump, --proxy and their passwords (flags replace a saved site's path; passwords only from the environment). */
function applyPathFlags(request: ConnectionRequest, values: FlagValues, io: CliIO): void {
  const jumps = Array.isArray(values.jump) ? values.jump.filter((j): j is string => typeof j === 'string') : [];
  if (jumps.length) {
    const hops: JumpHost[] = [];
    for (const j of jumps) {
      const parsed = parseJumpList(j);
      if ('error' in parsed) throw new UsageError(`--jump: ${parsed.error}`);
      if (parsed.length === 0) throw new UsageError('--jump: give a jump host as [user@]host[:port]');
      hops.push(...parsed);
    }
    if (hops.length > 8) throw new UsageError('--jump: at most 8 jump hosts');
    request.jumpHosts = hops;
  }
  if (typeof values['jump-password-env'] === 'string') {
    if (!request.jumpHosts?.length) throw new UsageError('--jump-password-env needs a jump host (--jump, or a saved site that has one)');
    const pw = envSecret(io, values['jump-password-env'], '--jump-password-env');
    request.jumpHosts = request.jumpHosts.map((h) => ({ ...h, password: pw }));
  }
  if (typeof values.proxy === 'string') {
    const parsed = parseProxyUrl(values.proxy);
    if ('error' in parsed) throw new UsageError(`--proxy: ${parsed.error}`);
    request.proxy = parsed;
  }
  if (typeof values['proxy-password-env'] === 'string') {
    if (!request.proxy) throw new UsageError('--proxy-password-env needs a proxy (--proxy, or a saved site that has one)');
    if (!request.proxy.user) throw new UsageError('--proxy-password-env: the proxy has no user name; write it in the address, as socks5://USER@host:port');
    request.proxy = { ...request.proxy, password: envSecret(io, values['proxy-password-env'], '--proxy-password-env') };
  }
}

function finishRequest(request: ConnectionRequest, values: FlagValues, more: RequestArgsOptions) {
  const fp = typeof values['trust-host-key'] === 'string' ? values['trust-host-key'] : undefined;
  // Every form `ssh-keygen -l` prints is taken ("256 SHA256:... root@host (ED25519)", MD5:aa:bb...).
  if (fp !== undefined && !isFingerprint(fp)) {
    throw new UsageError(`--trust-host-key: "${visibleLine(fp)}" is not a fingerprint (SHA256:..., MD5:aa:bb:... or a line of ssh-keygen -l)`);
  }
  const extraValues = Object.fromEntries(Object.keys(more.extra ?? {}).map((k) => [k, values[k]]));
  const log = logSettingsFrom(values);
  return { request, json: values.json === true, ...(fp !== undefined ? { trustFingerprint: fp.trim() } : {}), log, extraValues };
}

/** A key nothing matches: to tell whether --trust-host-key is a fingerprint at all. */
const NO_KEY = { sha256: 'SHA256:', md5: 'MD5:', publicKey: '' };
function isFingerprint(text: string): boolean {
  const check = matchFingerprint(text, NO_KEY);
  return check.ok || check.reason === 'mismatch';
}

/** The saved site TARGET names, or null when it names none (then TARGET is a host). */
async function siteFor(target: string, io: CliIO): Promise<ConnectionRequest | null> {
  // The site store validates its file (zod): the services load it only here, which a run on a
  // sftp:// address or with --host never reaches.
  let found;
  try {
    found = await (await servicesFor(io)).siteTarget(target);
  } catch {
    return null;
  }
  if (found.kind === 'ambiguous') throw new UsageError(found.message);
  return found.kind === 'site' ? found.request : null;
}

/** The ssh-agent of the command's own environment (none when SSH_AUTH_SOCK is unset); Windows asks Pageant. */
export function agentOption(io: CliIO): { agentSocket?: string } {
  return process.platform === 'win32' ? {} : { agentSocket: io.env.SSH_AUTH_SOCK ?? '' };
}

/** Every secret of a run (what the log must never hold): the request's and what was typed at a prompt. */
export function secretsOf(request: ConnectionRequest, typed: readonly string[] = []): string[] {
  const values = [request.password, request.passphrase, request.privateKey?.text, request.privateKey?.base64, request.proxy?.password, ...(request.jumpHosts ?? []).map((h) => h.password), ...typed];
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** "user@host:port/path" for the log's first line (no secret). */
export function describeTarget(request: ConnectionRequest): string {
  const port = request.port !== undefined && String(request.port) !== '' ? `:${String(request.port)}` : '';
  return `${request.user ? `${request.user}@` : ''}${request.host}${port}${request.startPath ? ` (folder ${request.startPath})` : ''}`;
}

/** The --json document: the contract scripts rely on. */
export function jsonReport(result: RunResult): Record<string, unknown> {
  const d = result.diagnosis;
  const admin = adminAction(result);
  return {
    ok: d.ok,
    code: d.code,
    phase: d.phase,
    title: d.title,
    explanation: d.explanation,
    nextStep: d.nextStep,
    evidence: d.evidence,
    fixes: d.fixes.map((f) => ({ id: f.id, label: f.label, description: f.description, risk: f.risk, kind: f.kind, params: f.params })),
    actions: d.actions,
    warnings: d.warnings ?? [],
    ...(admin ? { adminMessage: adminMessage(result, admin.topic) } : {}),
    steps: result.steps.map((s) => ({ phase: s.phase, ...(s.hop !== undefined ? { hop: s.hop } : {}), status: s.status, ms: s.ms, detail: s.detail })),
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

/** On the command line, the form's fields are these options. */
const ENTER_FLAGS: Record<EnterField, string> = { password: '--password-env VAR or --password-stdin', passphrase: '--passphrase-env VAR', privateKey: '--key FILE' };

function adminAction(result: RunResult): Extract<Action, { type: 'ask-admin' }> | undefined {
  return result.diagnosis.actions.find((a): a is Extract<Action, { type: 'ask-admin' }> => a.type === 'ask-admin');
}

export function humanReport(result: RunResult): string {
  // Evidence quotes the server (banners, messages) and files: shown, never obeyed by the terminal.
  const d = visibleDeep(result.diagnosis);
  const out: string[] = ['', `${d.ok ? '✓' : '✗'} ${d.title}  [${d.code}]`, '', wrap(d.explanation)];
  if (d.evidence.length) {
    out.push('', 'Evidence:');
    for (const e of d.evidence) out.push(`  ${e.highlight ? '>' : ' '} ${e.label}: ${e.value}`);
  }
  if (d.warnings?.length) {
    out.push('', d.ok ? 'But:' : 'Also:');
    for (const w of d.warnings) out.push(`  ! ${w.title}  [${w.code}]`, wrap(w.explanation, 78, '    '), ...(w.fixId ? [`    To fix: sftp-doctor repair --fix ${w.fixId} [same connection options]`] : []));
  }
  out.push('', 'Next step:', wrap(d.nextStep));
  if (d.fixes.length) {
    out.push('', 'Fixes:');
    for (const f of d.fixes) out.push(`  - ${f.label} (${f.id}, ${f.risk})`, wrap(f.description, 78, '      '));
  }
  const other = d.actions.filter((a) => a.type !== 'ask-admin');
  if (other.length) {
    out.push('', 'Also:');
    for (const a of other) out.push(`  - ${a.label}`, wrap(a.type === 'enter' ? `${a.description} (${ENTER_FLAGS[a.field]})` : a.description, 78, '      '));
  }
  const admin = adminAction(result);
  if (admin) out.push('', 'Message for the administrator (only they can change this):', '', adminMessage(result, admin.topic));
  out.push('', `Total ${result.totalMs} ms.`, '');
  return out.join('\n');
}

function phaseLine(e: Extract<RunEvent, { type: 'phase' }>): string {
  const indent = e.hop !== undefined ? '  ' : '';
  return `${indent}${STATUS_MARK[e.status] ?? ' '} ${PHASE_LABELS[e.phase].padEnd(28 - indent.length)} ${visibleLine(e.detail)}${e.status !== 'skipped' ? ` (${e.ms} ms)` : ''}`;
}

async function askHostKey(io: CliIO, p: Extract<PromptRequest, { kind: 'hostkey' }>): Promise<'trust' | 'once' | 'cancel'> {
  io.stderr.write(`\nThe server ${visibleLine(p.host)}:${p.port} is new to us.\nIts ${p.key.type} key fingerprint is:\n  ${p.key.sha256}\n  ${p.key.md5}\nCompare it with what your provider publishes.\nTrust it and save it? [y]es / [o]nce / [N]o: `);
  const { createInterface } = await loadPackage<typeof import('node:readline')>('node:readline'); // only when a question is asked
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

/** Reads one line from the terminal without echoing it (echo: true shows it, for a visible question). */
export function readHidden(io: CliIO, echo: boolean, question = ''): Promise<string | null> {
  return new Promise((resolve) => {
    const stdin = io.stdin as NodeJS.ReadStream;
    const raw = typeof stdin.setRawMode === 'function' && stdin.isTTY;
    let text = '';
    const finish = (v: string | null) => {
      stdin.off('data', onData);
      if (raw) stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
      resolve(v);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return finish(text);
        if (ch === '\u0003' || ch === '\u0004') return finish(null);
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else {
          text += ch;
          if (echo) io.stderr.write(ch);
        }
      }
    };
    // Echo goes off before the question shows, so an answer typed at once is never shown.
    if (raw) stdin.setRawMode(true);
    if (question) io.stderr.write(question);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** A passphrase, a server question or a new password, asked on the terminal without echo. */
async function askSecret(io: CliIO, p: Extract<PromptRequest, { kind: 'secret' }>): Promise<string[] | null> {
  // The title, instructions and questions of keyboard-interactive come from the server.
  io.stderr.write(`\n${visibleText(p.title)}${p.instructions ? `\n${visibleText(p.instructions)}` : ''}\n`);
  const out: string[] = [];
  for (const q of p.prompts) {
    const a = await readHidden(io, q.echo, `${visibleLine(q.text.trim().replace(/:$/, ''))}: `);
    if (a === null) return null;
    out.push(a);
  }
  return out;
}

/**
 * Like OpenSSH's sftp: on a terminal, when neither a password nor a key was given (and no
 * ssh-agent could offer one), ask for the password without echo instead of ending with
 * AUTH_NO_CREDENTIALS. An empty user name is said out loud first (and asked for on a terminal).
 * Returns false when the user cancelled (Ctrl-C / Ctrl-D at the question).
 */
export async function askLoginOnTerminal(request: ConnectionRequest, io: CliIO, interactive: boolean, json: boolean): Promise<boolean> {
  const where = `${visibleLine(request.host.trim())}${request.port !== undefined && String(request.port) !== '22' ? `:${visibleLine(String(request.port))}` : ''}`;
  if (request.user.trim() === '') {
    if (!json) io.stderr.write(`The user name is empty: give it in TARGET (user@${where}) or with --user.\n`);
    if (interactive) {
      const name = await readHidden(io, true, `User name for ${where}: `);
      if (name === null) return false;
      request.user = name.trim();
    }
  }
  const agent = request.useAgent !== false && !request.identitiesOnly && !!io.env.SSH_AUTH_SOCK;
  if (!interactive || request.password !== undefined || request.privateKey || request.siteId !== undefined || agent) return true;
  const pw = await readHidden(io, false, `${visibleLine(request.user)}@${where}'s password (not shown as you type): `);
  if (pw === null) return false;
  if (pw !== '') request.password = pw;
  return true;
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary: 'Check a connection phase by phase and explain what is wrong',
  usage: USAGE,
  async run(argv, io) {
    const { request, json, trustFingerprint, log: logSettings, extraValues } = await requestFromArgs(argv, io, { extra: { bundle: { type: 'string' }, anonymise: { type: 'boolean' } } });
    const bundleOut = typeof extraValues.bundle === 'string' ? extraValues.bundle : undefined;
    if (extraValues.anonymise === true && bundleOut === undefined) throw new UsageError('--anonymise only applies to a bundle: add --bundle OUT.zip');
    const events: RunEvent[] = [];
    const answers: string[] = [];
    const interactive = !json && !!io.stdin.isTTY && !!io.stderr.isTTY && !argv.includes('--password-stdin');
    const tty = !json && !!io.stdout.isTTY;
    let spinnerTimer: NodeJS.Timeout | undefined;
    let running: Extract<RunEvent, { type: 'phase' }> | null = null;
    let lastSection: string | null = null;
    let hadHop = false;
    let frame = 0;
    // While a question waits on the terminal, the spinner neither draws nor redraws: its "\r\x1b[K"
    // would wipe the question's line (stdout and stderr share the terminal).
    let asking = false;
    let spinnerShown = false;
    const clearSpinner = () => {
      if (tty && spinnerShown) io.stdout.write('\r\x1b[K');
      spinnerShown = false;
    };
    const drawRunning = () => {
      if (!running || asking) return;
      // One row, never wrapped: "\r\x1b[K" only clears the row the cursor is on.
      const cols = (io.stdout as { columns?: number }).columns ?? 80;
      const line = `${SPINNER[frame++ % SPINNER.length]} ${PHASE_LABELS[running.phase].padEnd(28)} ${visibleLine(running.detail)}`;
      io.stdout.write(`\r\x1b[K${[...line].slice(0, Math.max(10, cols - 1)).join('')}`);
      spinnerShown = true;
    };
    /** Runs a terminal question with the spinner stopped and its line cleared; it comes back afterwards. */
    const withoutSpinner = async <T,>(ask: () => Promise<T>): Promise<T> => {
      asking = true;
      clearSpinner();
      try {
        return await ask();
      } finally {
        asking = false;
      }
    };
    const log = logSettings ? RunLog.open(logSettings, io, () => secretsOf(request, answers), clearSpinner) : null;
    log?.note(`SFTP Doctor ${APP_VERSION}, diagnose ${describeTarget(request)}`);
    if (!(await askLoginOnTerminal(request, io, interactive, json))) {
      log?.close();
      return EXIT_PROBLEM;
    }
    if (tty) spinnerTimer = setInterval(drawRunning, 100);

    const onEvent = (e: RunEvent) => {
      if (bundleOut !== undefined) events.push(e);
      log?.event(e);
      if (json || e.type !== 'phase') return;
      if (e.status === 'running') {
        running = e;
        if (tty) drawRunning();
        return;
      }
      running = null;
      if (e.status === 'skipped') return;
      spinnerShown = false;
      // A heading each time the path moves on to the next hop (jump hosts, then the server itself).
      const section = e.hop !== undefined ? (e.hopLabel ?? `Jump host ${e.hop + 1}`) : hadHop ? 'Server' : null;
      if (section && section !== lastSection) {
        io.stdout.write(`${tty ? '\r\x1b[K' : ''}${visibleLine(section)}:\n`);
        lastSection = section;
      }
      if (e.hop !== undefined) hadHop = true;
      io.stdout.write(`${tty ? '\r\x1b[K' : ''}${phaseLine(e)}\n`);
    };

    const prompt = async (p: PromptRequest): Promise<PromptAnswer> => {
      if (p.kind !== 'hostkey') {
        if (!interactive) return { promptId: p.promptId, kind: 'secret', answers: null };
        const given = await withoutSpinner(() => askSecret(io, p));
        if (given) answers.push(...given.filter((a) => a !== ''));
        return { promptId: p.promptId, kind: 'secret', answers: given };
      }
      if (trustFingerprint) {
        const check = matchFingerprint(trustFingerprint, p.key);
        if (check.ok) return { promptId: p.promptId, kind: 'hostkey', decision: 'trust' };
        // A fingerprint that names another key is said plainly, and nothing is trusted.
        clearSpinner();
        io.stderr.write(`--trust-host-key: ${check.message}\n`);
        return { promptId: p.promptId, kind: 'hostkey', decision: 'cancel' };
      }
      if (!interactive) return { promptId: p.promptId, kind: 'hostkey', decision: 'cancel' };
      return { promptId: p.promptId, kind: 'hostkey', decision: await withoutSpinner(() => askHostKey(io, p)) };
    };

    const services = await servicesFor(io);
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    const ownProcess = io.stdout === process.stdout;
    if (ownProcess) process.once('SIGINT', onSigint);
    let result: RunResult;
    try {
      result = await services.diagnose(request, {
        ...agentOption(io),
        onEvent,
        prompt,
        signal: abort.signal,
      });
    } finally {
      if (spinnerTimer) clearInterval(spinnerTimer);
      clearSpinner();
      if (ownProcess) process.off('SIGINT', onSigint);
      log?.close();
    }
    if (json) io.stdout.write(`${JSON.stringify(jsonReport(result), null, 2)}\n`);
    else io.stdout.write(humanReport(result));
    if (bundleOut !== undefined) {
      // The bundle writer (zip, its schema) is loaded only when a bundle was asked for.
      try {
        const saved = await services.writeBundle({ rounds: [result], events, request, answers, out: bundleOut, anonymise: extraValues.anonymise === true });
        if ('refused' in saved) {
          io.stderr.write(`${saved.refused}\n`);
          return EXIT_PROBLEM;
        }
        io.stderr.write(`Support bundle saved: ${saved.path} (${saved.bytes} bytes)\n`);
      } catch (err) {
        io.stderr.write(`The support bundle could not be written to ${bundleOut}: ${(err as Error).message}\n`);
        return EXIT_PROBLEM;
      }
    }
    return result.diagnosis.ok ? EXIT_OK : EXIT_PROBLEM;
  },
};
