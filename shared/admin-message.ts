/**
 * The ready-to-send message for the server's administrator (the 'ask-admin' action): what
 * happened, the request that fits the diagnosis, and the evidence. Pure: the window builds it
 * from the result it shows, the CLI and the support bundle from theirs.
 */
import type { AdminTopic } from './actions';
import { ADMIN_ASKS, ADMIN_TOPIC_ASKS, LOCAL_ADDRESS_TEXTS, fillTemplate } from './texts/index';
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
  const mine = myAddressLine(result, lines[lines.length - 1]!);
  if (mine) lines.push(mine);
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

/**
 * When a request asks the admin to allow "my address", which address that is as this computer
 * sees it (the local end of the connection), and that NAT may change it. Empty when the request
 * names no address or the run opened no connection.
 */
export function myAddressLine(result: RunResult, ask: string): string {
  const local = result.facts.tcp?.local;
  if (!local || !/\bmy address\b/i.test(ask)) return '';
  const iface = local.interface ? fillTemplate(LOCAL_ADDRESS_TEXTS.iface, { name: local.interface }) : '';
  return fillTemplate(LOCAL_ADDRESS_TEXTS.myAddress, { address: local.address, iface });
}
