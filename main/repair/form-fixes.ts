/**
 * Fixes that change only the attempt (the form): nothing on disk, nothing on the server. Each
 * returns the new request and the form fields it changed, so the window can show them.
 */
import type { RepairInput } from '../../shared/api';
import type { ConnectionRequest, Fix } from '../../shared/types';
import { passwordVariant, PASSWORD_IDEAS, type PasswordIdea } from '../../shared/password-variants';
import { list, num, str, withRequest } from './common';
import { matchFingerprint } from './fingerprint';
import { RepairError, type FixHandler, type PlanBody, type RepairApplied, type RepairContext, type SettingsPatch } from './types';

type Change = { request: ConnectionRequest; settings: SettingsPatch; changes: string[] };

const MAX_TIMEOUT_MS = 120_000;

function show(v: unknown): string {
  return v === undefined || v === '' ? '(empty)' : `"${String(v)}"`;
}

function splitHost(fix: Fix, request: ConnectionRequest): Change {
  const p = fix.params;
  const host = str(p, 'host');
  if (!host) throw new RepairError('FAILED', 'This fix does not say which server name to use. Type the server name alone in the host field, then connect again.');
  const settings: SettingsPatch = { host };
  const changes = [`Host: ${show(request.host)} → "${host}"`];
  const user = str(p, 'user');
  if (user !== undefined && user !== request.user) {
    settings.user = user;
    changes.push(`User name: ${show(request.user)} → "${user}"`);
  }
  const port = num(p, 'port');
  if (port !== undefined && String(port) !== String(request.port ?? '')) {
    settings.port = port;
    changes.push(`Port: ${request.port ?? '(default)'} → ${port}`);
  }
  const startPath = str(p, 'path');
  if (startPath !== undefined && startPath !== request.startPath) {
    settings.startPath = startPath;
    changes.push(`Start folder: ${show(request.startPath)} → "${startPath}"`);
  }
  if (str(p, 'scheme') === 'scp' && request.protocol !== 'scp') {
    settings.protocol = 'scp';
    changes.push('Protocol: SFTP → SCP');
  }
  return { request: withRequest(request, settings), settings, changes };
}

const TRIMMABLE = ['host', 'user', 'password', 'passphrase'] as const;
type Trimmable = (typeof TRIMMABLE)[number];
const FIELD_NAMES: Record<Trimmable, string> = { host: 'Host', user: 'User name', password: 'Password', passphrase: 'Key passphrase' };

function trim(fix: Fix, request: ConnectionRequest): Change {
  const asked = list(fix.params, 'fields').filter((f): f is Trimmable => (TRIMMABLE as readonly string[]).includes(f));
  const fields = asked.length ? asked : [...TRIMMABLE];
  const patch: Partial<Record<Trimmable, string>> = {};
  const settings: SettingsPatch = {};
  const changes: string[] = [];
  for (const f of fields) {
    const v = request[f];
    if (typeof v !== 'string' || v === v.trim()) continue;
    patch[f] = v.trim();
    // The value of a secret is never shown, not even trimmed.
    changes.push(`${FIELD_NAMES[f]}: removed the spaces at its start or end`);
    if (f === 'host' || f === 'user') settings[f] = v.trim();
  }
  return { request: withRequest(request, patch), settings, changes };
}

function fixPastedPassword(fix: Fix, request: ConnectionRequest): Change {
  const idea = str(fix.params, 'idea');
  if (!idea || !(PASSWORD_IDEAS as readonly string[]).includes(idea)) throw new RepairError('FAILED', 'This fix does not say what to correct in the password. Retype the password by hand, then connect again.');
  const fixed = request.password ? passwordVariant(request.password, idea as PasswordIdea) : null;
  if (fixed === null) return { request, settings: {}, changes: [] };
  // The value of a secret is never shown; it goes to the next attempt only.
  return { request: withRequest(request, { password: fixed }), settings: {}, changes: [idea === 'caps-lock' ? 'Password: upper and lower case swapped (Caps Lock)' : 'Password: look-alike characters replaced by plain ones'] };
}

function useUser(fix: Fix, request: ConnectionRequest): Change {
  const user = str(fix.params, 'user');
  if (!user || /[\s@:/]/.test(user) || user.length > 64) throw new RepairError('FAILED', 'This fix does not name a usable user name. Type the user name the server asked for, then connect again.');
  if (user === request.user) return { request, settings: {}, changes: [] };
  return { request: withRequest(request, { user }), settings: { user }, changes: [`User name: ${show(request.user)} → "${user}"`] };
}

function useSftp(_fix: Fix, request: ConnectionRequest): Change {
  if (request.protocol === 'sftp') return { request, settings: {}, changes: [] };
  return { request: withRequest(request, { protocol: 'sftp' }), settings: { protocol: 'sftp' }, changes: [`Protocol: ${request.protocol.toUpperCase()} → SFTP`] };
}

function usePort(fix: Fix, request: ConnectionRequest): Change {
  const port = num(fix.params, 'port');
  if (port === undefined || port < 1 || port > 65535) throw new RepairError('FAILED', 'This fix does not name a valid port. Type the port your provider gave you (often 22), then connect again.');
  return { request: withRequest(request, { port }), settings: { port }, changes: [`Port: ${request.port ?? '(default)'} → ${port}`] };
}

function useHost(fix: Fix, request: ConnectionRequest): Change {
  const host = str(fix.params, 'host');
  if (!host) throw new RepairError('FAILED', 'This fix does not name a server. Check the spelling of the host name, then connect again.');
  return { request: withRequest(request, { host }), settings: { host }, changes: [`Host: ${show(request.host)} → "${host}"`] };
}

function longerTimeout(fix: Fix, request: ConnectionRequest): Change {
  const current = request.timeoutMs && request.timeoutMs > 0 ? request.timeoutMs : 10_000;
  const seconds = num(fix.params, 'seconds');
  const asked = num(fix.params, 'timeoutMs') ?? (seconds !== undefined ? seconds * 1000 : undefined);
  const timeoutMs = Math.min(MAX_TIMEOUT_MS, Math.max(asked ?? current * 2, current));
  if (timeoutMs <= current) throw new RepairError('FAILED', `The check already waits ${Math.round(current / 1000)} seconds, the most it allows. A server this slow needs its administrator to look at it.`);
  return { request: withRequest(request, { timeoutMs }), settings: { timeoutMs }, changes: [`Time allowed: ${Math.round(current / 1000)} s → ${Math.round(timeoutMs / 1000)} s`] };
}

/** The honest part of "switch protocol": we do not speak FTP, and plain FTP is not encrypted. */
export const FTP_NOTES = [
  'SFTP Doctor checks SFTP and SCP only, so it cannot connect to this server for you or check it.',
  'Plain FTP sends your user name, password and files unencrypted: anyone on the network path can read them. If you must use FTP, choose "FTP with explicit TLS" (FTPS) in your FTP program, and ask your provider whether the account also offers SFTP, which is safer.',
];

function planFor(make: (fix: Fix, r: ConnectionRequest) => Change): FixHandler {
  return {
    async plan(fix, ctx): Promise<PlanBody> {
      const c = make(fix, ctx.request);
      return { changes: c.changes.length ? c.changes : ['Nothing: the form already has these values.'], needs: fix.risk === 'safe' ? [] : ['confirmation'] };
    },
    async apply(fix, ctx): Promise<Omit<RepairApplied, 'fixId'>> {
      const c = make(fix, ctx.request);
      if (c.changes.length === 0) throw new RepairError('FAILED', 'The form already has these values, so this fix has nothing to change. Read the diagnosis again for what else to check.');
      return { applied: true, changes: c.changes, backups: [], settings: c.settings, nextRequest: c.request, message: `Changed the form: ${c.changes.join('; ')}. Connecting again to check.` };
    },
  };
}

export const formFixes: Record<string, FixHandler> = {
  'split-host-field': planFor(splitHost),
  'trim-whitespace': planFor(trim),
  'fix-pasted-password': planFor(fixPastedPassword),
  'use-user': planFor(useUser),
  'use-sftp': planFor(useSftp),
  'use-port': planFor(usePort),
  'use-dns-suggestion': planFor(useHost),
  'increase-timeout': planFor(longerTimeout),
  'switch-protocol': {
    async plan(fix) {
      const protocol = (str(fix.params, 'protocol') ?? 'FTP').toUpperCase();
      return { changes: [`Nothing is changed here: this server speaks ${protocol}. Use an ${protocol} program (WinSCP and FileZilla both can) with the same host and your ${protocol} port.`], needs: ['confirmation'], notes: protocol.startsWith('FTP') ? FTP_NOTES : [] };
    },
    async apply(fix) {
      const protocol = (str(fix.params, 'protocol') ?? 'FTP').toUpperCase();
      const notes = protocol.startsWith('FTP') ? ` ${FTP_NOTES.join(' ')}` : '';
      return { applied: false, changes: [], backups: [], nextRequest: null, message: `This is an ${protocol} server: open it with an ${protocol} program instead.${notes}` };
    },
  },
  'connect-once': {
    async plan(fix) {
      const sha = str(fix.params, 'sha256') ?? '';
      return {
        changes: [`Accept the server key ${sha} for the next attempt only. Nothing is saved: the next time you connect you will be asked again.`],
        needs: ['confirmation'],
        notes: ['Only do this if you have reason to trust the network you are on; the key is not compared with anything.'],
      };
    },
    async apply(fix: Fix, ctx: RepairContext, input: RepairInput) {
      const sha = str(fix.params, 'sha256');
      const key = ctx.result.facts.hostkey?.key;
      if (!sha || !key) throw new RepairError('FAILED', 'This attempt has no server key to accept. Connect again first.');
      // A fingerprint typed by the user (CLI --trust-host-key) must name the same key.
      if (input.fingerprint !== undefined && !matchFingerprint(input.fingerprint, key).ok) {
        throw new RepairError('REFUSED', `The fingerprint given does not match the server's key (${key.sha256}). Nothing was accepted.`);
      }
      return { applied: true, changes: [`Server key ${sha} accepted for this attempt only (nothing saved)`], backups: [], nextRequest: withRequest(ctx.request, { acceptHostKey: sha }), message: `Accepted the server key ${sha} for one attempt. Connecting again to check.` };
    },
  },
};
