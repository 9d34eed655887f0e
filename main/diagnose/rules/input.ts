/** Rules of the input phase: the form itself, and the private key opened before any network. */
import { enterField } from '../../../shared/actions';
import type { DiagnosisCode } from '../../../shared/codes';
import { makeFix, type Fix, type FixParamsOf } from '../../../shared/fixes';
import type { Action } from '../../../shared/actions';
import type { EvidenceItem, Facts } from '../../../shared/types';
import { ev, type PhaseRules } from './verdict';

const KEY_CODES = new Set<DiagnosisCode>(['KEY_IS_PUBLIC', 'KEY_NEEDS_PASSPHRASE', 'KEY_WRONG_PASSPHRASE', 'KEY_UNSUPPORTED_FORMAT', 'KEY_CORRUPT', 'KEY_NOT_FOUND']);

/** What we know of the key given (public facts only), for every rule that talks about it. */
export function keyEvidence(f: Facts): EvidenceItem[] {
  const k = f.key;
  if (!k) return [];
  const out: EvidenceItem[] = [];
  if (k.path) out.push(ev('Key file', k.path, { mono: true }));
  if (k.format) out.push(ev('Format', k.format + (k.convertedFrom ? ' (converted in memory to use it)' : ''), { mono: true }));
  if (k.type) out.push(ev('Key type', `${k.type}${k.bits ? ` (${k.bits} bits)` : ''}`, { mono: true }));
  if (k.fingerprint) out.push(ev('Fingerprint', k.fingerprint, { mono: true }));
  return out;
}

/** The form cannot be used as it is (checked whatever phase stopped the run). */
export const decideInput: PhaseRules = (f) => {
  const input = f.input;
  if (input?.problem === 'host-empty') return { code: 'INPUT_HOST_EMPTY', phase: 'input', evidence: [] };
  if (input?.problem === 'host-field' && input.split) {
    const s = input.split;
    const params: FixParamsOf<'split-host-field'> = { host: s.host };
    if (s.user !== undefined) params.user = s.user;
    if (s.port !== undefined) params.port = s.port;
    if (s.path !== undefined) params.path = s.path;
    if (s.scheme !== undefined) params.scheme = s.scheme;
    const evidence: EvidenceItem[] = [ev('Server name', s.host, { mono: true, highlight: true })];
    if (s.scheme) evidence.push(ev('Protocol prefix', `${s.scheme}://`, { mono: true }));
    if (s.user !== undefined) evidence.push(ev('User name', s.user, { mono: true }));
    if (s.port !== undefined) evidence.push(ev('Port', String(s.port), { mono: true }));
    if (input.portText !== undefined) evidence.push(ev('Not a port', input.portText, { mono: true, highlight: true }));
    if (s.path !== undefined) evidence.push(ev('Folder', s.path, { mono: true }));
    if (input.whitespace?.includes('host')) evidence.push(ev('Spaces', 'before or after the host name', { highlight: true }));
    return { code: 'INPUT_HOST_FIELD', phase: 'input', evidence, fixes: [makeFix('split-host-field', params)] };
  }
  if (input?.problem === 'port-invalid') {
    return { code: 'INPUT_PORT_INVALID', phase: 'input', evidence: [ev('Port as typed', input.portText ?? '', { mono: true, highlight: true })], fixes: [makeFix('use-port', { port: 22 })] };
  }
  return null;
};

/** KEY_* found before connecting (the run stopped in the input phase). */
export const decideKey: PhaseRules = (f, end) => {
  if (end.stoppedAt !== 'input') return null;
  const e = f.key?.error;
  if (!e) return null;
  const code = (KEY_CODES.has(e.code as DiagnosisCode) ? e.code : 'KEY_CORRUPT') as DiagnosisCode;
  const evidence = [...keyEvidence(f), ev('What is wrong', e.message, { highlight: true })];
  if (e.fix) evidence.push(ev('What to do', e.fix));
  const fixes: Fix[] = [];
  const actions: Action[] = [];
  const path = f.key?.path;
  switch (code) {
    case 'KEY_IS_PUBLIC': {
      // The private half normally sits beside the .pub: where we know it, the fix uses it.
      const priv = path?.replace(/\.pub$/i, '');
      if (priv && priv !== path) fixes.push(makeFix('choose-private-key', { path: priv }));
      actions.push(enterField('privateKey'));
      break;
    }
    case 'KEY_NEEDS_PASSPHRASE':
    case 'KEY_WRONG_PASSPHRASE':
      actions.push(enterField('passphrase'));
      break;
    case 'KEY_UNSUPPORTED_FORMAT':
      if (f.key?.format && f.key.format !== 'unknown' && path) fixes.push(makeFix('convert-key', { from: f.key.format, to: 'openssh', path }));
      fixes.push(makeFix('generate-ed25519-key'));
      break;
    case 'KEY_NOT_FOUND':
      actions.push(enterField('privateKey'));
      break;
    default:
      fixes.push(makeFix('generate-ed25519-key'));
      actions.push(enterField('privateKey'));
  }
  return { code, phase: 'input', evidence, fixes, actions };
};
