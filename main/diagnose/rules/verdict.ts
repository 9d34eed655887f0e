/**
 * What every rule module returns, and the small helpers they share. Rules are pure: facts in,
 * at most one verdict out; no I/O, no clock.
 */
import type { Action } from '../../../shared/actions';
import type { DiagnosisCode, Phase, WarningCode } from '../../../shared/codes';
import type { Fix, FixId } from '../../../shared/fixes';
import type { TemplateValue } from '../../../shared/texts/index';
import type { EvidenceItem, Facts } from '../../../shared/types';

export interface RunEnd {
  /** The phase that stopped the run, or null when every phase passed. */
  stoppedAt: Phase | null;
  /** The last phase that ran. */
  lastPhase: Phase;
  cancelled?: boolean;
  internalError?: string;
  /** How long each phase that ran took (for the OK evidence). */
  timings?: { phase: Phase; ms: number }[];
}

/** One rule's decision: the code, its evidence, the fixes (repairs) and actions it offers. */
export interface Verdict {
  code: DiagnosisCode;
  phase: Phase;
  evidence: EvidenceItem[];
  fixes?: Fix[];
  actions?: Action[];
  /** Values for the {placeholders} of the code's texts, beyond host and port. */
  vars?: Record<string, TemplateValue>;
  /** Things that work here but will fail elsewhere (a successful run): the code, its values, the fix that removes it. */
  warnings?: { code: WarningCode; vars: Record<string, TemplateValue>; fixId?: FixId }[];
}

/** A phase's rules: null when they have nothing to say about these facts. */
export type PhaseRules = (f: Facts, end: RunEnd) => Verdict | null;

export function ev(label: string, value: string, extra: Partial<EvidenceItem> = {}): EvidenceItem {
  return { label, value, ...extra };
}

export function target(f: Facts): string {
  const i = f.input;
  if (!i) return '';
  return `${i.host}:${i.port}`;
}

export function serverEvidence(f: Facts): EvidenceItem[] {
  return f.server?.banner ? [ev('Server', f.server.banner, { mono: true })] : [];
}

export function inputNotes(f: Facts): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  if (f.input?.otherProtocolPort) out.push(ev('Note', `Port ${f.input.otherProtocolPort} normally belongs to another protocol; SFTP normally uses 22.`));
  return out;
}
