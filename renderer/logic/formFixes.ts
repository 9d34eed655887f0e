/**
 * Fixes of kind 'form' change only the form, so the window applies them itself and reconnects.
 * Parameters are read from fix.params by the field they change (host, port, user, protocol,
 * startPath; trim-whitespace takes `fields`). Pure.
 */
import { passwordVariant, PASSWORD_IDEAS, type PasswordIdea } from '../../shared/password-variants';
import type { Fix, FixParam, Protocol } from '../../shared/types';
import { splitHostInput } from './hostInput';
import { type FormValues, withPort, withProtocol } from './form';

export type FormFixOutcome = { ok: true; values: FormValues; changes: string[] } | { ok: false; message: string };

const TRIMMABLE = ['host', 'user', 'password'] as const;
type Trimmable = (typeof TRIMMABLE)[number];
const FIELD_LABEL: Record<Trimmable, string> = { host: 'Host name', user: 'User name', password: 'Password' };

function str(p: FixParam | undefined): string | undefined {
  if (typeof p === 'string') return p;
  if (typeof p === 'number') return String(p);
  return undefined;
}

function first(params: Record<string, FixParam>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = str(params[n]);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function isProtocol(p: string): p is Protocol {
  return p === 'sftp' || p === 'scp';
}

/** Applies a form fix; says plainly when it cannot (unknown protocol, nothing to change). */
export function applyFormFix(values: FormValues, fix: Fix): FormFixOutcome {
  if (fix.kind !== 'form') return { ok: false, message: 'This fix changes more than the form; it needs the repair service.' };
  const params = fix.params ?? {};
  let v = { ...values };
  const changes: string[] = [];
  const setText = (field: 'host' | 'user' | 'startPath', label: string, next: string | undefined) => {
    if (next === undefined || next === v[field]) return;
    changes.push(`${label}: ${v[field] ? `"${v[field]}"` : '(empty)'} → "${next}"`);
    v = { ...v, [field]: next };
  };
  const setPort = (next: string | undefined) => {
    if (next === undefined || next === v.port) return;
    changes.push(`Port number: ${v.port || '(default)'} → ${next}`);
    v = withPort(v, next);
  };
  const setProtocol = (next: string | undefined): string | null => {
    if (next === undefined) return null;
    const p = next.toLowerCase();
    if (!isProtocol(p)) {
      return `This fix asks for the ${next.toUpperCase()} protocol, which SFTP Doctor does not speak (it checks SFTP and SCP). Use a client for ${next.toUpperCase()} such as WinSCP or FileZilla for this server.`;
    }
    if (p === v.protocol) return null;
    changes.push(`File protocol: ${v.protocol.toUpperCase()} → ${p.toUpperCase()}`);
    v = withProtocol(v, p);
    return null;
  };

  if (fix.id === 'fix-pasted-password') {
    const idea = str(params['idea']);
    const fixed = idea && (PASSWORD_IDEAS as readonly string[]).includes(idea) ? passwordVariant(v.password, idea as PasswordIdea) : null;
    if (fixed !== null) {
      // Never show a password, not even corrected.
      changes.push(idea === 'caps-lock' ? 'Password: upper and lower case swapped (Caps Lock)' : 'Password: look-alike characters replaced by plain ones');
      v = { ...v, password: fixed };
    }
  } else if (fix.id === 'use-sftp') {
    setProtocol('sftp');
  } else if (fix.id === 'trim-whitespace') {
    const raw = params['fields'];
    const fields = (Array.isArray(raw) ? raw : TRIMMABLE).filter((f): f is Trimmable => (TRIMMABLE as readonly string[]).includes(f));
    for (const f of fields) {
      if (v[f] !== v[f].trim()) {
        // Never show a password, not even trimmed.
        changes.push(f === 'password' ? 'Password: removed the spaces at its start or end' : `${FIELD_LABEL[f]}: removed the spaces at its start or end`);
        v = { ...v, [f]: v[f].trim() };
      }
    }
  } else {
    let host = first(params, 'host', 'hostname', 'suggestion', 'name');
    let user = first(params, 'user', 'username');
    let port = first(params, 'port');
    let protocol = first(params, 'protocol');
    let startPath = first(params, 'startPath', 'path');
    if (fix.id === 'split-host-field' && host === undefined) {
      const split = splitHostInput(v.host);
      if (split) {
        host = split.host;
        user ??= split.user;
        port ??= split.port;
        protocol ??= split.protocol;
        startPath ??= split.startPath;
      }
    }
    const problem = setProtocol(protocol);
    if (problem) return { ok: false, message: problem };
    setText('host', 'Host name', host);
    setText('user', 'User name', user);
    setPort(port);
    setText('startPath', 'Start folder', startPath);
  }

  if (!changes.length) return { ok: false, message: 'The form already has these values, so this fix has nothing to change. Check the form, then connect again.' };
  return { ok: true, values: v, changes };
}

/**
 * Legacy algorithms a fix wants enabled (params `legacyAlgorithms` or `algorithms`), which the
 * form can carry for one attempt (Advanced > Legacy algorithms). Null when the fix has none.
 */
export function legacyAlgorithmsOf(fix: Fix): string[] | null {
  const params = fix.params ?? {};
  for (const name of ['legacyAlgorithms', 'algorithms']) {
    const v = params[name];
    if (Array.isArray(v) && v.length > 0) return v.filter((a) => typeof a === 'string' && a.length > 0 && a.length <= 128);
    if (typeof v === 'string' && v.trim()) return v.split(/[\s,]+/).filter(Boolean);
  }
  return null;
}

/** Adds a fix's legacy algorithms to the form. */
export function withLegacyAlgorithms(values: FormValues, algorithms: string[]): FormFixOutcome {
  const added = algorithms.filter((a) => !values.legacyAlgorithms.includes(a));
  if (!added.length) return { ok: false, message: 'These algorithms are already allowed in the form (Advanced). The server still refused; read the evidence for what else differs.' };
  return { ok: true, values: { ...values, legacyAlgorithms: [...values.legacyAlgorithms, ...added] }, changes: [`Legacy algorithms allowed: ${added.join(', ')}`] };
}
