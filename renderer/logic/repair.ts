/**
 * Fixes beyond the form (known_hosts, keys, server files, legacy algorithms) are carried out by
 * main/repair. The window has no repair channel yet, so it says how to apply them from the CLI.
 * This is the one place that changes when a repair channel appears in shared/api.ts.
 */
import type { Fix, FixParam, RequestSummary, RiskLevel } from '../../shared/types';

export const RISK_TEXT: Record<RiskLevel, { badge: string; explain: string }> = {
  safe: { badge: 'Safe', explain: 'Changes only this connection attempt; nothing on disk or on the server.' },
  confirm: { badge: 'Asks first', explain: 'Changes a file or a setting; you confirm the exact change first.' },
  dangerous: { badge: 'Risky', explain: 'Can weaken security or lock you out if it is the wrong change. Read it carefully.' },
};

function shellQuote(s: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** "user@host:port" as the CLI takes it (IPv6 in brackets). */
export function cliTarget(r: Pick<RequestSummary, 'host' | 'port' | 'user'>): string {
  const host = r.host.trim();
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const user = r.user.trim() ? `${r.user.trim()}@` : '';
  const port = r.port !== null && r.port !== '' && String(r.port) !== '22' ? `:${r.port}` : '';
  return `${user}${h}${port}`;
}

function fingerprintParam(params: Record<string, FixParam> | undefined): string | null {
  if (!params) return null;
  for (const k of ['fingerprint', 'sha256', 'hostKey']) {
    const v = params[k];
    if (typeof v === 'string' && /^(SHA256|MD5):/.test(v)) return v;
  }
  return null;
}

/** The command that applies this fix from a terminal. */
export function repairCommand(fix: Fix, request: Pick<RequestSummary, 'host' | 'port' | 'user'> | null): string {
  const parts = ['sftp-doctor', 'repair', '--fix', shellQuote(fix.id)];
  const fp = fingerprintParam(fix.params);
  if (fp) parts.push('--trust-host-key', shellQuote(fp));
  parts.push(request && typeof request.host === 'string' && request.host.trim() ? shellQuote(cliTarget(request)) : '<user@host:port>');
  return parts.join(' ');
}

/** Human-readable parameter lines for the confirmation dialog. */
export function describeParams(params: Record<string, FixParam> | undefined): { name: string; value: string }[] {
  if (!params) return [];
  return Object.entries(params).map(([name, v]) => ({ name, value: Array.isArray(v) ? v.join(', ') : String(v) }));
}

/** Whether this window can apply the fix itself. Today: only form fixes. */
export function canApplyInWindow(fix: Fix): boolean {
  return fix.kind === 'form';
}
