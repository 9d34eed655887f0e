/**
 * Fixes beyond what the form can do itself (known_hosts, keys, server files, per-site settings,
 * "connect once") are carried out by main/repair over 'repair:plan' (the exact changes first) and
 * 'repair:apply' (then a re-check run). The terminal command stays available as an alternative.
 */
import type { RepairPlan } from '../../shared/api';
import type { SiteSettings } from '../../shared/sites';
import type { Fix, RequestSummary, RiskLevel } from '../../shared/types';
import type { FormValues } from './form';

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

/** The fingerprint a host-key fix names (the CLI asks for the provider's copy of it). */
function fingerprintParam(fix: Fix): string | null {
  return fix.id === 'trust-host-key' || fix.id === 'replace-host-key' || fix.id === 'connect-once' ? fix.params.sha256 : null;
}

/** The command that applies this fix from a terminal. */
export function repairCommand(fix: Fix, request: Pick<RequestSummary, 'host' | 'port' | 'user'> | null): string {
  const parts = ['sftp-doctor', 'repair', '--fix', shellQuote(fix.id)];
  const fp = fingerprintParam(fix);
  if (fp) parts.push('--trust-host-key', shellQuote(fp));
  parts.push(request && typeof request.host === 'string' && request.host.trim() ? shellQuote(cliTarget(request)) : '<user@host:port>');
  return parts.join(' ');
}

/** Human-readable parameter lines for the confirmation dialog. */
export function describeParams(params: Fix['params']): { name: string; value: string }[] {
  return Object.entries(params as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([name, v]) => ({ name, value: Array.isArray(v) ? v.join(', ') : String(v) }));
}

/**
 * Whether this window applies the fix itself (shared/form-fix.ts, at once): safe form fixes. The
 * others show their exact changes first and are carried out by main/repair (the same function for
 * form fixes), which also stores them with a saved site.
 */
export function canApplyInWindow(fix: Fix): boolean {
  return fix.kind === 'form' && fix.risk === 'safe';
}

/** What the user still has to give before "Apply" can be pressed. Null when everything is there. */
export function missingInput(plan: Pick<RepairPlan, 'needs'>, given: { fingerprint: string; password: string; newPassword: string; newPasswordAgain: string }): string | null {
  if (plan.needs.includes('fingerprint') && !given.fingerprint.trim()) return 'Paste the fingerprint your provider published for this server.';
  if (plan.needs.includes('password') && !given.password) return 'Type the password of this account: it is used for this change only.';
  if (plan.needs.includes('new-password')) {
    if (!given.newPassword) return 'Type the new password.';
    if (given.newPassword !== given.newPasswordAgain) return 'The two new passwords differ: type the same one twice.';
  }
  return null;
}

/** A repair's settings as form values (only the fields it changed). */
export function settingsToForm(settings: Partial<SiteSettings>, values: FormValues): FormValues {
  const v = { ...values };
  if (settings.protocol !== undefined) v.protocol = settings.protocol;
  if (settings.host !== undefined) v.host = settings.host;
  if (settings.port !== undefined) {
    v.port = String(settings.port);
    v.portEdited = true;
  }
  if (settings.user !== undefined) v.user = settings.user;
  if (settings.startPath !== undefined) v.startPath = settings.startPath;
  if (settings.useAgent !== undefined) v.useAgent = settings.useAgent;
  if (settings.identitiesOnly !== undefined) v.identitiesOnly = settings.identitiesOnly;
  if (settings.authMethods !== undefined) v.authMethods = [...settings.authMethods];
  if (settings.rsaSignature !== undefined) v.rsaSignature = settings.rsaSignature;
  if (settings.keepaliveSeconds !== undefined) v.keepaliveSeconds = String(settings.keepaliveSeconds);
  if (settings.timeoutMs !== undefined) v.timeoutSeconds = String(settings.timeoutMs / 1000);
  if (settings.legacyAlgorithms !== undefined) v.legacyAlgorithms = [...settings.legacyAlgorithms];
  if (settings.knownHostsPath !== undefined) v.knownHostsPath = settings.knownHostsPath;
  if (settings.writeTest !== undefined) v.writeTest = settings.writeTest;
  if (settings.holdSeconds !== undefined) v.holdSeconds = settings.holdSeconds ? String(settings.holdSeconds) : '';
  if (settings.privateKey?.path) v.key = { source: 'path', path: settings.privateKey.path };
  return v;
}
