/**
 * The ready-to-send message for the server's administrator (the 'ask-admin' action): what
 * happened, the request that fits the diagnosis, and the evidence. Pure: the window builds it
 * from the result it shows, the CLI and the support bundle from theirs.
 */
import type { AdminTopic } from './actions';
import { ADMIN_ASKS, ADMIN_TOPIC_ASKS } from './texts/index';
import type { RunResult } from './types';

const MAX_EVIDENCE = 20;
const MAX_VALUE = 300;

export function adminMessage(result: RunResult, topic?: AdminTopic): string {
  const d = result.diagnosis;
  const host = result.facts.input?.host ?? result.request.host.trim();
  const port = result.facts.input?.port ?? (result.request.port === null || result.request.port === '' ? 22 : result.request.port);
  const user = result.request.user.trim() ? ` as user "${result.request.user.trim()}"` : '';
  const lines = [
    'Hello,',
    '',
    `I cannot connect by SFTP to ${host} port ${port}${user}. I checked it on ${new Date(result.startedAt).toUTCString()} with SFTP Doctor, which reported:`,
    '',
    `${d.title} (${d.code})`,
    d.explanation,
    '',
    (topic && ADMIN_TOPIC_ASKS[topic]) || ADMIN_ASKS[d.code].ask,
  ];
  if (d.evidence.length) {
    lines.push('', 'Evidence:');
    for (const e of d.evidence.slice(0, MAX_EVIDENCE)) lines.push(`- ${e.label}: ${e.value.length > MAX_VALUE ? `${e.value.slice(0, MAX_VALUE)}…` : e.value}`);
  }
  const server = result.facts.server?.banner;
  if (server && !d.evidence.some((e) => e.value === server)) lines.push(`- Server: ${server}`);
  if (result.facts.tcp?.address) lines.push(`- Address tried: ${result.facts.tcp.address}`);
  lines.push('', 'Thank you.');
  return lines.join('\n');
}
