/** Actions that span stores (the form starts a run; a fix changes the form and reconnects). */
import type { Fix } from '../../shared/types';
import { form } from './formStore';
import { run } from './runStore';

export function connect(): void {
  void run.store.getState().start(form.getState().request());
}

export type FixStart = { applied: true } | { applied: false; message: string };

/** A form fix: change the form and connect again at once. */
export function applyFormFixAndReconnect(fix: Fix): FixStart {
  const previousCode = run.store.getState().result?.diagnosis.code;
  const out = form.getState().applyFix(fix);
  if (!out.ok) return { applied: false, message: out.message };
  void run.store.getState().start(form.getState().request(), previousCode ? { label: fix.label, changes: out.changes, previousCode } : null);
  return { applied: true };
}
