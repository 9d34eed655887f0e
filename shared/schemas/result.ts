/**
 * A run's result: the request as it may be shown, its steps, its diagnosis and facts. The one
 * declaration of RequestSummary, StepSummary and RunResult; the types are z.infer of these
 * schemas (re-exported type-only by shared/types.ts), and each round of a support bundle's
 * report.json is a RunResult (main/bundle/schema.ts).
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { PHASES, PHASE_STATUSES } from '../codes';
import { DiagnosisSchema } from './diagnosis';
import { FactsSchema } from './facts';
import { ProtocolSchema } from './request';

const str = z.string();

/** The same request with every secret replaced by whether it was given. Safe to log and show. */
export const RequestSummarySchema = z.object({
  protocol: ProtocolSchema,
  host: str,
  port: z.union([z.number(), str, z.null()]),
  user: str,
  passwordGiven: z.boolean(),
  keyGiven: z.boolean(),
  keyPath: str.nullable(),
  passphraseGiven: z.boolean(),
  useAgent: z.boolean(),
  identitiesOnly: z.boolean(),
  legacyAlgorithms: z.array(str),
  /** Weak algorithms were chosen from the server's offer (absent: no). */
  legacyAlgorithmsAuto: z.boolean().optional(),
  knownHostsPath: str.nullable(),
  startPath: str.nullable(),
  timeoutMs: z.number(),
  /** The jump hosts as "user@host:port", in order (absent: none). */
  jumpHosts: z.array(str).optional(),
  /** The proxy as "socks5://user@host:port" (absent: none). */
  proxy: str.optional(),
  /** Absent in results written before the write test existed. */
  writeTest: z.boolean().optional(),
  holdSeconds: z.number().optional(),
  keepaliveSeconds: z.number().optional(),
});

/** A step as summarised in the result. */
export const StepSummarySchema = z.object({
  phase: z.enum(PHASES),
  /** The jump host this step belongs to (index in request.jumpHosts); absent for the target. */
  hop: z.number().int().nonnegative().optional(),
  status: z.enum(PHASE_STATUSES),
  ms: z.number(),
  detail: str,
});

export const RunResultSchema = z.object({
  runId: str,
  request: RequestSummarySchema,
  diagnosis: DiagnosisSchema,
  steps: z.array(StepSummarySchema),
  facts: FactsSchema,
  startedAt: str,
  totalMs: z.number(),
});

export type RequestSummary = z.infer<typeof RequestSummarySchema>;
export type StepSummary = z.infer<typeof StepSummarySchema>;
export type RunResult = z.infer<typeof RunResultSchema>;
