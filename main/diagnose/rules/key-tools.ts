/**
 * The second look at a key that logged in: will the same file work in the user's other programs?
 * A key file OpenSSH or PuTTY would refuse (facts.key.otherTools, found when the key was read) is
 * a warning on the successful result, with the one fix that puts the file in their form.
 */
import { makeFix, type Fix, type KeyRewriteStep } from '../../../shared/fixes';
import type { Facts, KeyToolIssue } from '../../../shared/types';
import type { Verdict } from './verdict';

const TOOL_NAME: Record<KeyToolIssue['tool'], string> = { openssh: 'OpenSSH', putty: 'PuTTY' };
const STEP_OF: Record<KeyToolIssue['problem'], KeyRewriteStep> = { mode: 'private-mode', text: 'clean-text', format: 'openssh-copy' };
const STEP_ORDER: readonly KeyRewriteStep[] = ['private-mode', 'clean-text', 'openssh-copy'];

/** The warnings and the fix for the key file that logged in, or null when other programs read it as it is. */
export function keyToolWarnings(f: Facts): { warnings: NonNullable<Verdict['warnings']>; fix: Fix } | null {
  const key = f.key;
  const issues = key?.otherTools ?? [];
  if (!key?.path || issues.length === 0) return null;
  // Only a key that did the logging in: a key the server refused says nothing about "works here".
  const winner = [...(f.auth?.attempts ?? [])].reverse().find((a) => a.result === 'success');
  if (!winner || winner.method !== 'publickey' || winner.source !== 'given') return null;
  const path = key.path;
  const warnings = issues.map((i): NonNullable<Verdict['warnings']>[number] => {
    if (i.problem === 'format') return { code: 'KEY_OPENSSH_CANNOT_READ', vars: { path, format: i.detail }, fixId: 'rewrite-key-file' };
    if (i.problem === 'text') return { code: 'KEY_TEXT_DAMAGED', vars: { path, tool: TOOL_NAME[i.tool], detail: i.detail }, fixId: 'rewrite-key-file' };
    return { code: 'KEY_FILE_TOO_OPEN', vars: { path, mode: i.detail }, fixId: 'rewrite-key-file' };
  });
  const steps = STEP_ORDER.filter((s) => issues.some((i) => STEP_OF[i.problem] === s));
  const tools = [...new Set(issues.map((i) => TOOL_NAME[i.tool]))].join(' and ');
  return { warnings, fix: makeFix('rewrite-key-file', { path, format: key.format ?? 'unknown', steps, tools }) };
}
