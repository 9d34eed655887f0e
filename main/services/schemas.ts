/**
 * Runtime validation of every argument that crosses into main, whichever transport brought it.
 * The schemas are the contracts themselves (shared/schemas/): the shared types are z.infer of
 * them, so a schema and its type cannot drift apart. Here they are only put together per channel.
 */
import { z } from 'zod';
import type { ApiRequests, RequestChannel } from '../../shared/api';
import {
  BundleOptionsSchema,
  CheckSelectionSchema,
  ImportFileSchema,
  ImportRequestOptionsSchema,
  KeyConvertOptionsSchema,
  KeyInputSchema,
  KeyTargetFormatSchema,
  RepairInputSchema,
} from '../../shared/schemas/api';
import { ConnectionRequestSchema, PromptAnswerSchema, text } from '../../shared/schemas/request';
import { ImportSourceSchema, SiteDraftSchema } from '../../shared/schemas/sites';

const id = text(128).min(1);
const fixId = text(64).min(1);

/** One tuple schema per channel; the mapped type makes a missing or mistyped channel a compile error. */
export const argSchemas: { [K in RequestChannel]: z.ZodType<ApiRequests[K]['args']> } = {
  'app:info': z.tuple([]),
  'diagnose:start': z.tuple([ConnectionRequestSchema]),
  'diagnose:cancel': z.tuple([id]),
  'prompt:answer': z.tuple([id, PromptAnswerSchema]),
  'sites:list': z.tuple([]),
  'sites:save': z.tuple([SiteDraftSchema]),
  'sites:delete': z.tuple([id]),
  'sites:import-preview': z.union([z.tuple([ImportSourceSchema]), z.tuple([ImportSourceSchema, ImportFileSchema])]),
  'sites:import': z.tuple([ImportSourceSchema, z.array(text(256)).max(10_000), ImportRequestOptionsSchema]),
  'sites:discover': z.tuple([]),
  'repair:plan': z.tuple([id, fixId]),
  'repair:apply': z.tuple([id, fixId, RepairInputSchema]),
  'bundle:preview': z.tuple([id, BundleOptionsSchema]),
  'bundle:export': z.tuple([id, BundleOptionsSchema]),
  'keys:inspect': z.union([z.tuple([KeyInputSchema]), z.tuple([KeyInputSchema, text()])]),
  'keys:convert': z.tuple([KeyInputSchema, KeyTargetFormatSchema, KeyConvertOptionsSchema]),
  'check:start': z.tuple([CheckSelectionSchema]),
  'check:cancel': z.tuple([id]),
};

/** Describes what was wrong with the arguments without echoing their values (they may hold secrets). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'arguments'}: ${issue.message}`)
    .join('; ');
}
