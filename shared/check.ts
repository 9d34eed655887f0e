/**
 * "Check many sites at once": the window's Check all and `sftp-doctor check` share these shapes.
 * One row per saved site; nothing here can hold a secret.
 */
import type { DiagnosisCode, Phase } from './codes';
import type { RunResult } from './types';

/** Which saved sites to check: a zod schema (shared/schemas/api.ts), its type re-exported type-only. */
export type { CheckSelection } from './schemas/api';

export const DEFAULT_CHECK_JOBS = 16;
export const MAX_CHECK_JOBS = 64;

export interface CheckRow {
  siteId: string;
  /** The site's full name, "Folder/Name". */
  site: string;
  /** user@host:port as saved. */
  target: string;
  state: 'waiting' | 'running' | 'done';
  ok?: boolean;
  code?: DiagnosisCode;
  title?: string;
  phase?: Phase;
  /** How long this site's check took. */
  ms?: number;
  /** The first fix the diagnosis offers, or what to do when there is none. */
  firstFix?: { id: string; label: string } | null;
  nextStep?: string;
  /** The run of this site (its full result can be opened, repaired and bundled). */
  runId?: string;
}

/** One update of a check in progress (the window fills its table from these). */
export interface CheckEvent {
  checkId: string;
  index: number;
  row: CheckRow;
  /** The site's full result once its row is done. */
  result?: RunResult;
  /** Every row is done (or the check was cancelled). */
  finished: boolean;
}

export interface CheckStarted {
  checkId: string;
  rows: CheckRow[];
}

const CSV_COLUMNS = ['site', 'target', 'result', 'code', 'phase', 'ms', 'first_fix', 'first_fix_id'] as const;

/** Makes a cell safe for CSV and for spreadsheet programs (no formula injection). */
function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function rowResultWord(row: CheckRow): string {
  if (row.state !== 'done') return row.state;
  return row.ok ? 'ok' : 'failed';
}

/** The table as CSV (RFC 4180, CRLF line ends), header first. */
export function checkRowsToCsv(rows: readonly CheckRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.site, r.target, rowResultWord(r), r.code ?? '', r.phase ?? '', r.ms !== undefined ? String(Math.round(r.ms)) : '', r.firstFix?.label ?? '', r.firstFix?.id ?? '']
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The table as JSON for scripts: one object per site. */
export function checkRowsToJson(rows: readonly CheckRow[]): { sites: number; failed: number; rows: Record<string, unknown>[] } {
  return {
    sites: rows.length,
    failed: rows.filter((r) => r.state === 'done' && !r.ok).length,
    rows: rows.map((r) => ({
      site: r.site,
      target: r.target,
      result: rowResultWord(r),
      code: r.code ?? null,
      title: r.title ?? null,
      phase: r.phase ?? null,
      ms: r.ms !== undefined ? Math.round(r.ms) : null,
      firstFix: r.firstFix ?? null,
      nextStep: r.nextStep ?? null,
    })),
  };
}
