import path from 'node:path';
import { KEY_TARGET_FORMATS, type KeyFormat, type KeyInspection, type KeyProblem, type KeyTargetFormat } from '../../../shared/keys';
import { Secret } from '../../common/secret';
import { visibleDeep, visibleLine } from '../../../shared/visible';
import type { KeyTools } from '../../services/key-tools';
import { EXIT_OK, EXIT_PROBLEM, UsageError, type CliCommand, type CliIO } from '../command';
import { parseArgs } from 'node:util';

const USAGE = `Usage:
  sftp-doctor keys inspect [--json] [--passphrase-env VAR] FILE
  sftp-doctor keys convert FILE --to FORMAT -o OUT [--passphrase-env VAR]
                      [--new-passphrase-env VAR | --no-passphrase] [--force]

inspect   Tell what a key file is (format, type, size, fingerprints, encryption) and what is
          wrong with it. Reads OpenSSH, PEM/PKCS#8, PuTTY .ppk (v2, v3), SSH-1, ssh.com,
          Dropbear and every public key format.
convert   Write the key in another format. FORMAT is one of:
            openssh         OpenSSH private key (ssh, scp, sftp, most Linux/Mac tools)
            pem             PEM private key (PKCS#1 RSA, SEC1 ECDSA, PKCS#8 Ed25519)
            ppk-v3          PuTTY key for PuTTY 0.75+, WinSCP 5.20+, FileZilla 3.55+
            ppk-v2          PuTTY key for older PuTTY, WinSCP and FileZilla
            openssh-public  the line for the server's ~/.ssh/authorized_keys
            rfc4716-public  the "SSH2 PUBLIC KEY" text some servers and appliances ask for
          The new file is checked by reading it back, and written with mode 0600.
          A key protected by a passphrase stays protected by the same passphrase
          (as PuTTYgen does), unless you give a new one or ask for none.

Options:
  --json                    Print the inspection as JSON (inspect only)
  --passphrase-env VAR      Take the key's passphrase from environment variable VAR
                            (without it, you are asked when the terminal allows it)
  --new-passphrase-env VAR  Protect the converted file with the passphrase in VAR instead
  --no-passphrase           Write the converted private key with no passphrase at all
                            (anyone who gets the file can then use it)
  -o, --output OUT          Where to write the converted key (never replaced unless --force)
  --force                   Replace OUT if it exists (the old file is kept as OUT.bak)

Exit codes: 0 the key is usable (or the conversion was written), 1 a problem was found,
2 the command was called wrongly.`;

const FORMAT_NAMES: Record<KeyFormat, string> = {
  openssh: 'OpenSSH private key',
  'pem-pkcs1': 'PEM private key (PKCS#1, "BEGIN RSA PRIVATE KEY")',
  'pem-pkcs8': 'PEM private key (PKCS#8, "BEGIN PRIVATE KEY")',
  'pem-pkcs8-encrypted': 'PEM private key (encrypted PKCS#8)',
  'pem-sec1': 'PEM private key (SEC1, "BEGIN EC PRIVATE KEY")',
  'pem-dsa': 'PEM private key ("BEGIN DSA PRIVATE KEY")',
  'ppk-v2': 'PuTTY private key, version 2 (.ppk)',
  'ppk-v3': 'PuTTY private key, version 3 (.ppk)',
  ssh1: 'SSH-1 private key (protocol version 1)',
  sshcom: 'ssh.com (SECSH) private key',
  dropbear: 'Dropbear private key',
  'openssh-public': 'OpenSSH public key (authorized_keys line)',
  'rfc4716-public': 'RFC 4716 public key ("BEGIN SSH2 PUBLIC KEY")',
  'pem-public': 'PEM public key',
  'ssh1-public': 'SSH-1 public key',
  'openssh-cert': 'OpenSSH certificate',
  unknown: 'not a recognised key file',
};

const TYPE_NAMES: Record<string, string> = {
  'ssh-ed25519': 'Ed25519',
  'ssh-rsa': 'RSA',
  'ssh-dss': 'DSA',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
};

function passphraseFromEnv(io: CliIO, varName: string | undefined, option: string): Secret | undefined {
  if (varName === undefined) return undefined;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(varName)) throw new UsageError(`${option} takes the NAME of an environment variable, not the passphrase itself (got "${varName.length > 0 ? `${varName.slice(0, 1)}...` : ''}").`);
  const v = io.env[varName];
  if (v === undefined) throw new UsageError(`${option} ${varName}: the environment variable ${varName} is not set.`);
  return new Secret(v);
}

/** Reads a line from a TTY without echoing it. Returns null when the user cancels (Ctrl-C/Ctrl-D). */
export function promptHidden(io: CliIO, question: string): Promise<string | null> {
  const stdin = io.stdin as CliIO['stdin'] & { setRawMode?: (on: boolean) => void };
  io.stderr.write(question);
  return new Promise((resolve) => {
    let value = '';
    const done = (result: string | null) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(value);
        if (ch === '\u0003' || ch === '\u0004') return done(null);
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (value.length < 1024) value += ch;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

function hasCode(i: KeyInspection, code: string): boolean {
  return i.problems.some((p) => p.code === code);
}

/** Inspects, asking for the passphrase on a terminal when the key needs one (3 tries). */
async function inspectWithPrompt(keys: KeyTools, io: CliIO, data: Buffer, file: string, passphrase: Secret | undefined): Promise<{ inspection: KeyInspection; passphrase: Secret | undefined }> {
  let inspection = await keys.inspect(data, { passphrase, fileName: file });
  if (passphrase !== undefined || !io.stdin.isTTY) return { inspection, passphrase };
  for (let attempt = 0; attempt < 3 && (hasCode(inspection, 'KEY_NEEDS_PASSPHRASE') || hasCode(inspection, 'KEY_WRONG_PASSPHRASE')); attempt++) {
    if (attempt > 0) io.stderr.write('That passphrase does not open the key. Try again.\n');
    const answer = await promptHidden(io, `Passphrase for ${path.basename(file)}: `);
    if (answer === null || answer === '') break;
    passphrase = new Secret(answer);
    inspection = await keys.inspect(data, { passphrase, fileName: file });
  }
  return { inspection, passphrase };
}

function jsonOf(file: string, i: KeyInspection, usable: boolean): string {
  const out = {
    file,
    kind: i.kind,
    format: i.format,
    type: i.type,
    bits: i.bits,
    curve: i.curve,
    comment: i.comment,
    encrypted: i.encrypted,
    encryption: i.encryption,
    fingerprint_sha256: i.fingerprint_sha256,
    fingerprint_md5: i.fingerprint_md5,
    problems: i.problems,
    publicKeyLine: i.publicKeyLine,
    passphraseChecked: i.passphraseChecked,
    repairs: i.repairs,
    usable,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function describeEncryption(i: KeyInspection): string {
  if (!i.encrypted || !i.encryption) return i.kind === 'private' ? 'not protected by a passphrase' : '';
  const e = i.encryption;
  const cost = e.kdf === 'bcrypt' ? `bcrypt, ${e.rounds} rounds` : e.kdf.startsWith('argon2') ? `${e.kdf}, ${e.memoryKiB} KiB, ${e.passes} passes, parallelism ${e.parallelism}` : e.rounds ? `${e.kdf}, ${e.rounds} iterations` : `${e.kdf} key derivation (weak, old style)`;
  return `protected by a passphrase (${e.cipher}; ${cost})`;
}

const MARK: Record<string, string> = { error: 'x', warning: '!', info: 'i' };

function problemLines(problems: KeyProblem[]): string[] {
  const lines: string[] = [];
  for (const p of problems) {
    const sev = p.severity ?? 'error';
    lines.push(`  [${MARK[sev]}] ${p.message}`, `      Next step: ${p.fix}`, `      (${p.code})`);
  }
  return lines;
}

function humanOf(rawFile: string, rawInspection: KeyInspection, usable: boolean): string {
  // The comment and problems quote the file: shown, never obeyed by the terminal.
  const file = visibleLine(rawFile);
  const i = visibleDeep(rawInspection);
  const lines: string[] = [];
  const typeName = i.type ? (TYPE_NAMES[i.type] ?? i.type) : null;
  const size = i.bits ? (i.curve ? `${i.bits} bits, curve ${i.curve}` : `${i.bits} bits`) : null;
  lines.push(`${path.basename(file)}: ${FORMAT_NAMES[i.format]}`);
  if (typeName) lines.push(`  Key type:     ${typeName}${size ? ` (${size})` : ''}`);
  if (i.comment) lines.push(`  Comment:      ${i.comment}`);
  const enc = describeEncryption(i);
  if (enc) lines.push(`  Passphrase:   ${enc}${i.passphraseChecked ? ' - the passphrase you gave is correct' : ''}`);
  if (i.fingerprint_sha256) lines.push(`  Fingerprint:  ${i.fingerprint_sha256}`, `                ${i.fingerprint_md5}`);
  if (i.publicKeyLine && i.kind !== 'invalid') lines.push(`  Public key:   ${i.publicKeyLine}`);
  if (i.repairs.length) lines.push('  Repaired while reading:', ...i.repairs.map((r) => `    - ${r}`));
  if (i.problems.length) lines.push('', 'Findings:', ...problemLines(i.problems));
  lines.push('', usable ? 'Result: this key can be used to log in.' : 'Result: this key cannot be used as it is (see the findings above).');
  return `${lines.join('\n')}\n`;
}

async function inspect(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, 'passphrase-env': { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'keys inspect needs the key FILE to look at.' : 'keys inspect takes exactly one FILE.');
  const file = positionals[0]!;
  const pass = passphraseFromEnv(io, values['passphrase-env'], '--passphrase-env');
  const keys = await keyToolsOf();
  let data: Buffer;
  try {
    data = await keys.read(file);
  } catch (e) {
    const problem = keys.problemOf(e);
    if (!problem) throw e;
    return reportFileError(io, file, problem, values.json === true);
  }
  const { inspection } = await inspectWithPrompt(keys, io, data, file, pass);
  const usable = keys.isUsable(inspection);
  io.stdout.write(values.json ? jsonOf(file, inspection, usable) : humanOf(file, inspection, usable));
  return usable ? EXIT_OK : EXIT_PROBLEM;
}

/** The key services, loaded when a keys command runs (not for --help). */
async function keyToolsOf(): Promise<KeyTools> {
  return (await import('../../services/key-tools')).keyTools;
}

function reportFileError(io: CliIO, file: string, problem: KeyProblem, json: boolean): number {
  if (json) {
    io.stdout.write(`${JSON.stringify({ file, kind: 'invalid', format: 'unknown', problems: [problem], usable: false }, null, 2)}\n`);
  } else {
    io.stdout.write(`${file}: cannot be read\n${problemLines([problem]).join('\n')}\n`);
  }
  return EXIT_PROBLEM;
}

async function convert(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'passphrase-env': { type: 'string' },
      'new-passphrase-env': { type: 'string' },
      'no-passphrase': { type: 'boolean' },
      force: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'keys convert needs the key FILE to convert.' : 'keys convert takes exactly one FILE.');
  const to = values.to;
  if (!to) throw new UsageError(`keys convert needs --to with one of: ${KEY_TARGET_FORMATS.join(', ')}.`);
  if (!(KEY_TARGET_FORMATS as readonly string[]).includes(to)) throw new UsageError(`--to ${to} is not a format this command writes; choose one of: ${KEY_TARGET_FORMATS.join(', ')}.`);
  const out = values.output;
  if (!out) throw new UsageError('keys convert needs -o OUT, the file to write.');
  const file = positionals[0]!;
  if (path.resolve(out) === path.resolve(file)) throw new UsageError('-o must name a new file, not the key you are converting.');
  const pass = passphraseFromEnv(io, values['passphrase-env'], '--passphrase-env');
  const noPassphrase = values['no-passphrase'] === true;
  if (noPassphrase && values['new-passphrase-env'] !== undefined) throw new UsageError('--no-passphrase and --new-passphrase-env exclude each other: choose one.');
  const newPass = passphraseFromEnv(io, values['new-passphrase-env'], '--new-passphrase-env');

  const keys = await keyToolsOf();
  let data: Buffer;
  try {
    data = await keys.read(file);
  } catch (e) {
    const problem = keys.problemOf(e);
    if (!problem) throw e;
    return reportFileError(io, file, problem, false);
  }
  const target = to as KeyTargetFormat;
  const publicTarget = target === 'openssh-public' || target === 'rfc4716-public';
  let passphrase = pass;
  if (!publicTarget) passphrase = (await inspectWithPrompt(keys, io, data, file, pass)).passphrase;
  try {
    const res = await keys.convert(data, { to: target, passphrase, newPassphrase: newPass, noPassphrase, fileName: file });
    await keys.write(out, res.bytes, { overwrite: values.force === true });
    const protection = res.protection === 'same-passphrase' ? `, protected by the same passphrase as ${path.basename(file)}` : res.protection === 'new-passphrase' ? ', protected by the new passphrase' : res.protection === 'none' ? ', with no passphrase' : '';
    const lines = [
      `Wrote ${out}: ${FORMAT_NAMES[res.inspection.format]}${protection}.`,
      `  Fingerprint: ${res.inspection.fingerprint_sha256} (the same key as ${path.basename(file)}; the new file was read back and checked)`,
      ...res.notes.map((n) => `  Note: ${n}`),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT_OK;
  } catch (e) {
    if (keys.isFileExists(e)) {
      io.stderr.write(`sftp-doctor keys convert: ${out} already exists, so nothing was written. Choose another -o name, or add --force to replace it (the old file is kept as ${out}.bak).\n`);
      return EXIT_PROBLEM;
    }
    const problem = keys.problemOf(e);
    if (problem) {
      io.stdout.write(`${file}: cannot be converted\n${problemLines([problem]).join('\n')}\n`);
      return EXIT_PROBLEM;
    }
    throw e;
  }
}

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'Inspect an SSH/PuTTY key file, or convert it to another format',
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'inspect') return inspect(rest, io);
    if (sub === 'convert') return convert(rest, io);
    throw new UsageError(sub === undefined ? 'keys needs a subcommand: inspect or convert.' : `unknown keys subcommand "${sub}": use inspect or convert.`);
  },
};
