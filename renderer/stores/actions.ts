/** Actions that span stores (the form starts a run; a fix changes the form and reconnects). */
import type { Fix } from '../../shared/types';
import type { FormFixOutcome } from '../logic/formFixes';
import { form } from './formStore';
import { run } from './runStore';

export function connect(): void {
  void run.store.getState().start(form.getState().request());
}

export type FixStart = { applied: true } | { applied: false; message: string };

/** A form fix: change the form and connect again at once. */
export function applyFormFixAndReconnect(fix: Fix): FixStart {
  return reconnectAfter(fix, () => form.getState().applyFix(fix));
}

/** A legacy-algorithm fix, confirmed by the user: allow them in the form and connect again. */
export function allowLegacyAndReconnect(fix: Fix, algorithms: string[]): FixStart {
  return reconnectAfter(fix, () => form.getState().allowLegacy(fix, algorithms));
}

// Fixes that change files or the server go through main/repair. The window has no repair
// channel yet (see logic/repair.ts): when shared/api.ts gains one, call it from here and
// reconnect through reconnectAfter like the form fixes do.

function reconnectAfter(fix: Fix, change: () => FormFixOutcome): FixStart {
  const previousCode = run.store.getState().result?.diagnosis.code;
  const out = change();
  if (!out.ok) return { applied: false, message: out.message };
  void run.store.getState().start(form.getState().request(), previousCode ? { label: fix.label, changes: out.changes, previousCode } : null);
  return { applied: true };
}
