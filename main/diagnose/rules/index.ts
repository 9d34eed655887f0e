/**
 * Facts in, ONE diagnosis out. Pure: no I/O, no clock. The engine calls it once a phase stopped
 * the run (or every phase passed). One module per phase (mirroring ../phases/), asked in phase
 * order; the first verdict wins.
 *
 * Adding a rule: in the module of the phase that produces the code, return a Verdict
 * ({code, phase, evidence, fixes: [makeFix(id, params)], actions: [askAdmin(topic)]}) when the
 * facts fit; keep it before any broader rule of the same phase.
 */
import { SUCCESS_CODES } from '../../../shared/codes';
import { codeSuggests } from '../../../shared/action-offers';
import { codeOffers } from '../../../shared/fix-offers';
import { TEXTS, WARNING_TEXTS, fillTemplate, type TemplateValue } from '../../../shared/texts/index';
import type { Diagnosis, EvidenceItem, Facts } from '../../../shared/types';
import { decideAuth } from './auth';
import { decideBanner } from './banner';
import { decideDns } from './dns';
import { decideHostkey } from './hostkey';
import { decideInput, decideKey } from './input';
import { chosenEvidence, decideKex } from './kex';
import { decidePath, pathEvidence, VIA_JUMP_TEXTS } from './path';
import { serverWords, wordsEvidence } from '../server-words';
import { decideSftp, decideSuccess } from './sftp';
import { decideTcp } from './tcp';
import { decideHold, decideWrite } from './write';
import { ev, inputNotes, serverEvidence, type PhaseRules, type RunEnd, type Verdict } from './verdict';

export type { RunEnd, Verdict } from './verdict';
export { describeAttempt } from './auth';

/** In phase order; the path (proxy, jump hosts) comes before the target's own network phases. */
const RULES: readonly PhaseRules[] = [decideInput, decideKey, decidePath, decideDns, decideTcp, decideBanner, decideKex, decideHostkey, decideAuth, decideSftp, decideWrite, decideHold, decideSuccess];

function decide(f: Facts, end: RunEnd): Verdict {
  if (end.cancelled) return { code: 'CANCELLED', phase: end.lastPhase, evidence: [] };
  if (end.internalError) return { code: 'INTERNAL_ERROR', phase: end.lastPhase, evidence: [ev('Error', end.internalError, { mono: true })] };
  for (const rule of RULES) {
    const v = rule(f, end);
    if (v) return v;
  }
  const stop = end.stoppedAt;
  if (stop === null) {
    const evidence: EvidenceItem[] = [...serverEvidence(f)];
    if (f.kex?.negotiated) evidence.push(ev('Encryption', Object.values(f.kex.negotiated).filter(Boolean).join(', '), { mono: true }));
    evidence.push(...chosenEvidence(f));
    if (f.hostkey) evidence.push(ev('Server key', `${f.hostkey.key.type} ${f.hostkey.key.sha256}`, { mono: true }));
    evidence.push(...inputNotes(f));
    return { code: end.lastPhase === 'sftp' ? 'OK' : 'OK_TRANSPORT', phase: end.lastPhase, evidence };
  }
  return { code: 'INTERNAL_ERROR', phase: stop, evidence: [ev('Error', `the ${stop} phase stopped without facts the rules know`, { mono: true })] };
}

/** Turns the facts of a run into its one diagnosis, with texts from the table. */
export function diagnoseFacts(facts: Facts, end: RunEnd): Diagnosis {
  const v = decide(facts, end);
  // Whatever the server said is evidence, whichever rule decided: append what is not shown yet.
  const shown = v.evidence.map((e) => e.value);
  for (const item of wordsEvidence(serverWords(facts))) {
    if (!shown.some((value) => value === item.value || (item.label !== 'Known message' && value.includes(item.value)))) v.evidence.push(item);
  }
  // Network codes of a target behind a jump host are said from the jump host's point of view.
  const viaText = facts.forward?.error && (v.phase === 'tcp' || v.phase === 'dns') ? VIA_JUMP_TEXTS[v.code] : undefined;
  const text = viaText ?? TEXTS[v.code];
  const route = pathEvidence(facts);
  if (route && !v.evidence.some((e) => e.label === route.label)) v.evidence = [...v.evidence, route];
  const vars: Record<string, TemplateValue> = { host: facts.input?.host ?? '', port: facts.input?.port ?? 22, ...(v.vars ?? {}) };
  // Held to the contract of shared/fix-offers.ts: what the repair and the window carry out for this code.
  const fixes = (v.fixes ?? []).filter((x) => codeOffers(v.code, x.id));
  // And to shared/action-offers.ts: what the CLI and the window show for this code.
  const actions = (v.actions ?? []).filter((a) => codeSuggests(v.code, a));
  const warnings = (v.warnings ?? []).map((w) => {
    const t = WARNING_TEXTS[w.code];
    const wv = { ...vars, ...w.vars };
    return { code: w.code, title: fillTemplate(t.title, wv), explanation: fillTemplate(t.explanation, wv), ...(w.fixId && fixes.some((x) => x.id === w.fixId) ? { fixId: w.fixId } : {}) };
  });
  return {
    code: v.code,
    ok: SUCCESS_CODES.includes(v.code),
    phase: v.phase,
    title: fillTemplate(text.title, vars),
    explanation: fillTemplate(text.explanation, vars),
    nextStep: fillTemplate(text.nextStep, vars),
    evidence: v.evidence,
    fixes,
    actions,
    ...(warnings.length ? { warnings } : {}),
  };
}
