/**
 * A diagnosis as the user sees it: the one declaration of EvidenceItem and Diagnosis. Their types
 * are z.infer of these schemas (re-exported type-only by shared/types.ts); the support bundle
 * validates report.json with them (main/bundle/schema.ts).
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { ActionSchema } from '../action-schemas';
import { DIAGNOSIS_CODES, PHASES } from '../codes';
import { FixSchema } from '../fix-schemas';

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
});

export type EvidenceItem = z.infer<typeof EvidenceItemSchema>;
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
