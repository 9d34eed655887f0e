/** Rules for the answers to the engine's questions. Pure. */
import type { PromptRequest } from '../../shared/types';

type SecretPrompt = Extract<PromptRequest, { kind: 'secret' }>;

/** For a password change the two hidden answers must agree before they are sent. */
export function newPasswordProblem(purpose: SecretPrompt['purpose'], prompts: SecretPrompt['prompts'], answers: string[]): string | null {
  if (purpose !== 'new-password') return null;
  const hidden = prompts.map((p, i) => ({ p, i })).filter(({ p }) => !p.echo);
  if (hidden.length < 2) return null;
  const a = answers[hidden[hidden.length - 2]!.i] ?? '';
  const b = answers[hidden[hidden.length - 1]!.i] ?? '';
  if (a && b && a !== b) return 'The two new passwords differ. Type the same one twice.';
  return null;
}
