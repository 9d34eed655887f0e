/**
 * The command line's log of a check (`--verbose`, `--log FILE`), with WinSCP-like levels:
 *   normal  each step as it ends, and the result
 *   debug   also each step's start and progress, and the engine's own lines
 *   raw     also the raw ssh2 protocol lines
 * Every line has a clock time and its level. Secrets never appear: the engine redacts what it
 * logs, and every line is checked again here against the run's secrets (passwords, passphrases,
 * answers typed at a prompt). The file is created (or emptied) with mode 0600.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { PHASE_LABELS } from '../../shared/codes';
import type { RunEvent } from '../../shared/types';
import { visibleLine } from '../../shared/visible';
import { UsageError } from './command';

export const LOG_LEVELS = ['normal', 'debug', 'raw'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogSettings {
  level: LogLevel;
  /** Write the log to this file (mode 0600; emptied first). */
  file?: string;
  /** Also print it on standard error (--verbose). */
  verbose: boolean;
}

const RANK: Record<LogLevel, number> = { normal: 0, debug: 1, raw: 2 };
/** Lines longer than this are cut (ssh2 can dump whole packets at the raw level). */
const MAX_LINE = 4000;

/**
 * Reads --verbose / -v (repeatable), --log FILE and --log-level LEVEL. Returns null when no log
 * was asked for. -v is the debug level, -vv the raw one; --log-level wins over both.
 */
export function logSettingsFrom(values: Record<string, unknown>): LogSettings | null {
  const verboseCount = Array.isArray(values.verbose) ? values.verbose.filter((v) => v === true).length : values.verbose === true ? 1 : 0;
  const file = typeof values.log === 'string' ? values.log : undefined;
  const levelText = typeof values['log-level'] === 'string' ? values['log-level'] : undefined;
  if (file !== undefined && file.trim() === '') throw new UsageError('--log: give a file name, e.g. --log sftp-doctor.log');
  let level: LogLevel = verboseCount >= 2 ? 'raw' : verboseCount === 1 ? 'debug' : 'normal';
  if (levelText !== undefined) {
    const l = levelText.trim().toLowerCase();
    if (!(LOG_LEVELS as readonly string[]).includes(l)) throw new UsageError(`--log-level: "${visibleLine(levelText)}" is not a level; use normal (the steps), debug (also the engine's lines) or raw (also the raw SSH lines)`);
    level = l as LogLevel;
    if (file === undefined && verboseCount === 0) throw new UsageError('--log-level needs somewhere to write: add --log FILE or --verbose');
  }
  if (file === undefined && verboseCount === 0) return null;
  return { level, verbose: verboseCount > 0, ...(file !== undefined ? { file } : {}) };
}

function clock(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export class RunLog {
  private fd: number | null = null;
  private readonly started = new Set<string>();
  private constructor(
    private readonly settings: LogSettings,
    private readonly stderr: Writable | null,
    private readonly secrets: () => readonly string[],
    /** Called before a line goes to standard error (to clear a spinner's line). */
    private readonly beforeStderr: () => void,
  ) {}

  /** Opens the log file (mode 0600) when one was asked for. A file that cannot be written is a usage error. */
  static open(settings: LogSettings, io: { stderr: Writable }, secrets: () => readonly string[], beforeStderr: () => void = () => {}): RunLog {
    const log = new RunLog(settings, settings.verbose ? io.stderr : null, secrets, beforeStderr);
    if (settings.file !== undefined) {
      const file = path.resolve(settings.file);
      try {
        log.fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o600);
        // An existing file keeps its mode on open: make it private too (a log names hosts and users).
        fs.fchmodSync(log.fd, 0o600);
      } catch (err) {
        if (log.fd !== null) fs.closeSync(log.fd);
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (code ?? (err as Error).message);
        throw new UsageError(`--log: cannot write ${visibleLine(file)} (${why}); give a file in a folder you can write`);
      }
    }
    return log;
  }

  get level(): LogLevel {
    return this.settings.level;
  }

  /** A line of the CLI's own (the command and target at the start, a fix applied...), at the normal level. */
  note(text: string, prefix = ''): void {
    this.write('normal', `${prefix}${text}`);
  }

  /** One engine event, written when the level shows it. `prefix` names the site when several run at once. */
  event(e: RunEvent, prefix = ''): void {
    if (e.type === 'log') {
      this.write(e.source === 'ssh' ? 'raw' : 'debug', `${prefix}${e.source === 'ssh' ? 'ssh: ' : ''}${e.text}`);
      return;
    }
    if (e.type === 'done') {
      const d = e.result.diagnosis;
      this.write('normal', `${prefix}Result: ${d.ok ? 'works' : 'FAILED'} [${d.code}] ${d.title} (${e.result.totalMs} ms)`);
      return;
    }
    const hop = e.hop !== undefined ? `${e.hopLabel ?? `jump host ${e.hop + 1}`}: ` : '';
    const label = `${prefix}${hop}${PHASE_LABELS[e.phase]}`;
    if (e.status === 'running') {
      const key = `${prefix}|${e.hop ?? ''}|${e.phase}`;
      if (!this.started.has(key)) {
        this.started.add(key);
        this.write('debug', `${label}: started${e.detail ? ` (${e.detail})` : ''}`);
      } else if (e.detail) this.write('debug', `${label}: ${e.detail}`);
      return;
    }
    if (e.status === 'pending') return;
    const what = e.status === 'ok' ? 'done' : e.status === 'warn' ? 'done, with a warning' : e.status === 'fail' ? 'FAILED' : 'skipped';
    this.write(e.status === 'skipped' ? 'debug' : 'normal', `${label}: ${what}${e.detail ? ` (${e.detail})` : ''}${e.status !== 'skipped' ? ` ${e.ms} ms` : ''}`);
  }

  close(): void {
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
  }

  private write(level: LogLevel, text: string): void {
    if (RANK[level] > RANK[this.settings.level]) return;
    const secrets = this.secrets().filter((s) => s.length >= 3);
    let clean = text;
    for (const s of secrets) clean = clean.split(s).join('[secret]');
    clean = visibleLine(clean);
    for (const s of secrets) clean = clean.split(visibleLine(s)).join('[secret]');
    if (clean.length > MAX_LINE) clean = `${clean.slice(0, MAX_LINE)}… (${clean.length - MAX_LINE} more characters)`;
    const line = `${clock()} ${level.padEnd(6)} ${clean}\n`;
    if (this.fd !== null) {
      try {
        fs.writeSync(this.fd, line);
      } catch {
        // A full disk must not end the check; the run goes on without its file log.
        this.close();
      }
    }
    if (this.stderr) {
      this.beforeStderr();
      this.stderr.write(line);
    }
  }
}
