/**
 * A diagnosis as the user sees it: the one declaration of EvidenceItem and Diagnosis. Their types
 * are z.infer of these schemas (re-exported type-only by shared/types.ts); the support bundle
 * validates report.json with them (main/bundle/schema.ts).
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { ActionSchema } from '../action-schemas';
import { DIAGNOSIS_CODES, PHASES, WARNING_CODES } from '../codes';
import { FixSchema } from '../fix-schemas';
import { FIX_IDS, type FixId } from '../fixes';

/** One line of evidence as the user sees it. */
export const EvidenceItemSchema = z.object({
  label: z.string(),
  value: z.string(),
  /** Show in a monospace font (fingerprints, server answers, algorithm names). */
  mono: z.boolean().optional(),
  /** Mark as the part that is wrong. */
  highlight: z.boolean().optional(),
  /** Offer a Copy button for the value; names what is copied ("public key line"). */
  copy: z.string().optional(),
});

/** Something that works for this check but will fail elsewhere: a key file OpenSSH or PuTTY refuse. */
export const DiagnosisWarningSchema = z.object({
  code: z.enum(WARNING_CODES),
  title: z.string(),
  explanation: z.string(),
  /** The fix (in the diagnosis's fixes) that removes it, when there is one. */
  fixId: z.enum(FIX_IDS as [FixId, ...FixId[]]).optional(),
});

export const DiagnosisSchema = z.object({
  code: z.enum(DIAGNOSIS_CODES),
  ok: z.boolean(),
  /** The phase where the run stopped (or the last one, on success). */
  phase: z.enum(PHASES),
  title: z.string(),
  /** What happened and why, in plain words. */
  explanation: z.string(),
  /** What to do next. */
  nextStep: z.string(),
  evidence: z.array(EvidenceItemSchema),
  /** Changes SFTP Doctor can make and re-check (shared/fixes.ts). */
  fixes: z.array(FixSchema),
  /** What else to do that is not a repair: ask the admin, type the password... (shared/actions.ts). */
  actions: z.array(ActionSchema),
  /** Things that work here but will fail elsewhere (on a successful result), each with the fix that removes it. */
  warnings: z.array(DiagnosisWarningSchema).optional(),
});

export type EvidenceItem = z.infer<typeof EvidenceItemSchema>;
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
export type DiagnosisWarning = z.infer<typeof DiagnosisWarningSchema>;
