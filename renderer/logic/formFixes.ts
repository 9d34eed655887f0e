/**
 * Form fixes in the window: the form's values go through the same applyFormFix as `repair` uses
 * (shared/form-fix.ts), and what it changes comes back into the form's fields. Pure.
 */
import { isFormFix, type Fix } from '../../shared/fixes';
import { applyFormFix as applyToRequest, type FormPatch } from '../../shared/form-fix';
import { type FormValues, toConnectionRequest, withPort, withProtocol } from './form';

export type FormFixOutcome = { ok: true; values: FormValues; changes: string[] } | { ok: false; message: string };

/** A patch of the request, as form values (only the fields it names). */
export function patchToForm(patch: FormPatch, values: FormValues): FormValues {
  let v = { ...values };
  if (patch.protocol !== undefined) v = withProtocol(v, patch.protocol);
  if (patch.host !== undefined) v.host = patch.host;
  if (patch.port !== undefined) v = withPort(v, String(patch.port));
  if (patch.user !== undefined) v.user = patch.user;
  if (patch.password !== undefined) v.password = patch.password;
  if (patch.startPath !== undefined) v.startPath = patch.startPath;
  if (patch.useAgent !== undefined) v.useAgent = patch.useAgent;
  if (patch.identitiesOnly !== undefined) v.identitiesOnly = patch.identitiesOnly;
  if (patch.authMethods !== undefined) v.authMethods = [...patch.authMethods];
  if (patch.rsaSignature !== undefined) v.rsaSignature = patch.rsaSignature;
  if (patch.keepaliveSeconds !== undefined) v.keepaliveSeconds = String(patch.keepaliveSeconds);
  if (patch.legacyAlgorithms !== undefined) v.legacyAlgorithms = [...patch.legacyAlgorithms];
  if (patch.timeoutMs !== undefined) v.timeoutSeconds = String(Math.round(patch.timeoutMs / 1000));
  if (patch.privateKey?.path) v.key = { source: 'path', path: patch.privateKey.path };
  return v;
}

/** Applies a form fix to the form; says plainly when it cannot. */
export function applyFormFix(values: FormValues, fix: Fix): FormFixOutcome {
  if (!isFormFix(fix)) return { ok: false, message: 'This fix changes more than the form; it needs the repair service.' };
  const out = applyToRequest(toConnectionRequest(values), fix);
  if (!out.ok) return out;
  return { ok: true, values: patchToForm(out.patch, values), changes: out.changes };
}
