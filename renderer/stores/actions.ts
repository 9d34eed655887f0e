/** Actions that span stores (the form starts a run; a fix changes the form and reconnects). */
import type { RepairInput, RepairOutcome, RepairPlan } from '../../shared/api';
import type { Fix } from '../../shared/types';
import { api } from '../api';
import { errorMessage } from '../api/errors';
import type { FormFixOutcome } from '../logic/formFixes';
import { settingsToForm } from '../logic/repair';
import { runStarted, startingRun } from '../logic/run';
import { shownName } from '../logic/sites';
import { connectAsk } from './connectStore';
import { form } from './formStore';
import { run } from './runStore';
import { sites } from './sitesStore';

/**
 * Connect with the form as it is. A saved site with no stored password, no key and an empty
 * password field asks for the password first (the question offers to go on without one).
 */
export function connect(options: { askPassword?: boolean } = {}): void {
  const f = form.getState();
  if (options.askPassword !== false && f.siteId && !f.siteHasPassword && f.values.password === '' && !f.values.key) {
    const site = sites.getState().sites.find((s) => s.id === f.siteId);
    if (site) {
      connectAsk.getState().ask({ siteId: site.id, name: shownName(site.name) });
      return;
    }
  }
  void run.store.getState().start(f.request());
}

/** Double-click or Enter on a saved site: load it into the form and connect. */
export function connectSite(siteId: string): void {
  sites.getState().select(siteId);
  connect();
}

/** The password asked at Connect: into the form (and into the keychain when asked to), then connect. */
export async function connectWithPassword(password: string, remember: boolean): Promise<string | null> {
  const f = form.getState();
  f.setText('password', password);
  if (remember && f.siteId && password !== '') {
    const error = await sites.getState().rememberPassword(f.siteId, password);
    if (error) return error;
  }
  connectAsk.getState().close();
  connect({ askPassword: false });
  return null;
}

/** The same connection again, this time measuring upload and download speed (after a working run). */
export function measureSpeed(): void {
  void run.store.getState().start({ ...form.getState().request(), speedTest: true });
}

/** An 'enter' action: put the focus in that field of the form, with the hint beside it. */
export function focusField(field: 'password' | 'privateKey', hint: string): void {
  form.setState({ notice: hint });
  const el = document.getElementById(field === 'password' ? 'f-password' : 'f-key');
  if (el instanceof HTMLElement) {
    el.scrollIntoView?.({ block: 'center' });
    el.focus();
  }
}

export type FixStart = { applied: true } | { applied: false; message: string };

/** A form fix: change the form and connect again at once. */
export function applyFormFixAndReconnect(fix: Fix): FixStart {
  return reconnectAfter(fix, () => form.getState().applyFix(fix));
}

/** The dry run of a fix for the last attempt: exactly what it would change, and what it needs. */
export async function planFix(fix: Fix): Promise<RepairPlan> {
  const runId = run.store.getState().result?.runId;
  if (!runId) throw new Error('There is no finished attempt to repair: connect first.');
  return api().invoke('repair:plan', runId, fix.id);
}

export type RepairStart = { applied: true; outcome: RepairOutcome } | { applied: false; message: string; outcome?: RepairOutcome };

/**
 * Applies a fix through main/repair, puts the settings it changed into the form, and follows the
 * re-check run it started (its events are buffered from the moment the request leaves).
 */
export async function applyFixAndFollow(fix: Fix, input: RepairInput): Promise<RepairStart> {
  const before = run.store.getState();
  const runId = before.result?.runId;
  if (!runId) return { applied: false, message: 'There is no finished attempt to repair: connect first.' };
  const previousCode = before.result!.diagnosis.code;
  const appliedFix = { label: fix.label, changes: [] as string[], previousCode };
  // Like a new run that is starting: events of the re-check that arrive before its id are kept.
  run.store.setState({ ...startingRun(performance.now()), cancelling: false, appliedFix, promptError: null });
  let outcome: RepairOutcome;
  try {
    outcome = await api().invoke('repair:apply', runId, fix.id, input);
  } catch (err) {
    run.store.setState(before);
    return { applied: false, message: errorMessage(err) };
  }
  if (outcome.settings && Object.keys(outcome.settings).length) {
    form.setState({ values: settingsToForm(outcome.settings, form.getState().values), notice: `Applied "${fix.label}": ${outcome.changes.join('; ') || outcome.message}` });
  }
  if (!outcome.runId) {
    run.store.setState(before);
    return { applied: false, message: outcome.message, outcome };
  }
  const recheck = outcome.runId;
  run.store.setState((s) => ({ ...runStarted(s, recheck, performance.now()), appliedFix: { ...appliedFix, changes: outcome.changes } }));
  return { applied: true, outcome };
}

function reconnectAfter(fix: Fix, change: () => FormFixOutcome): FixStart {
  const previousCode = run.store.getState().result?.diagnosis.code;
  const out = change();
  if (!out.ok) return { applied: false, message: out.message };
  void run.store.getState().start(form.getState().request(), previousCode ? { label: fix.label, changes: out.changes, previousCode } : null);
  return { applied: true };
}
