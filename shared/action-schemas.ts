/**
 * The schema of an Action (shared/actions.ts) as it travels (IPC, support bundles): loaded only
 * where actions are validated; actions.ts takes the Action type from here.
 */
import { z } from 'zod';
import { ADMIN_TOPICS, ENTER_FIELDS } from './actions';
import { text as textOf } from './schemas/request';

const text = textOf();

export const ActionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ask-admin'), topic: z.enum(ADMIN_TOPICS), label: text, description: text }),
  z.strictObject({ type: z.literal('enter'), field: z.enum(ENTER_FIELDS), label: text, description: text }),
  z.strictObject({ type: z.literal('other-program'), protocol: z.enum(['FTP']), label: text, description: text }),
]);
