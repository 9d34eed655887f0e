/**
 * Actions: what a diagnosis suggests that is not a repair SFTP Doctor carries out, so they carry
 * no risk badge and no "apply" button:
 *   ask-admin      a ready-to-send message for the server's administrator (shared/admin-message.ts)
 *   enter          put the focus in a form field (password, passphrase, key file) with a hint
 *   other-program  the server speaks another protocol: use a program made for it
 * Adding one: a member here, its texts in shared/texts/en.ts (ACTION_TEXTS), and what the window
 * (renderer/components/ResultCard.tsx) and the CLI (main/cli/commands/diagnose.ts) show for it,
 * and its schema in shared/action-schemas.ts (loaded only where an action is validated: offering
 * one loads no validator).
 */
import type { z } from 'zod';
import type { ActionSchema } from './action-schemas';
import { ACTION_TEXTS, fillTemplate } from './texts/index';

export const ADMIN_TOPICS = [
  'hostkey',
  'algorithms',
  'ssh2',
  'authorized-keys',
  'max-auth-tries',
  'root-login',
  'auth-methods',
  'login-script',
  'session',
  'sftp',
  'scp',
  'folder-access',
  'proxy',
  'forwarding',
  'account',
  'home',
  'general',
] as const;
export type AdminTopic = (typeof ADMIN_TOPICS)[number];

export const ENTER_FIELDS = ['password', 'passphrase', 'privateKey'] as const;
export type EnterField = (typeof ENTER_FIELDS)[number];

export type Action = z.infer<typeof ActionSchema>;
export type ActionType = Action['type'];

export function askAdmin(topic: AdminTopic): Action {
  const t = ACTION_TEXTS['ask-admin'];
  return { type: 'ask-admin', topic, label: t.label, description: t.description };
}

/** Focus a form field; the description is the hint shown beside it. */
export function enterField(field: EnterField): Action {
  const t = ACTION_TEXTS[`enter-${field}`];
  return { type: 'enter', field, label: t.label, description: t.description };
}

export function otherProgram(protocol: 'FTP'): Action {
  const t = ACTION_TEXTS['other-program'];
  return { type: 'other-program', protocol, label: fillTemplate(t.label, { protocol }), description: fillTemplate(t.description, { protocol }) };
}
