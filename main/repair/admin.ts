/**
 * Fixes only the server's administrator can make (firewall, sshd configuration, SSH-2, a changed
 * key to confirm): a ready-to-send message with what happened and the evidence, to copy.
 */
import type { RunResult } from '../../shared/types';
import { ADMIN_ASKS } from '../bundle/admin-texts';
import type { FixHandler, RepairContext } from './types';
import { targetOf } from './common';

const TOPIC_ASKS: Record<string, string> = {
  algorithms: 'Please enable at least one current algorithm from the list I offer (in the evidence) on the SSH server; a software update usually does this.',
  ssh2: 'Please enable SSH protocol version 2 on the server; version 1 is unsafe and modern programs refuse it.',
  hostkey: 'Please confirm whether the server key was changed on purpose, and send me its fingerprint (ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub shows it) so I can compare.',
  firewall: 'Please check that a firewall lets my address through to the SSH port.',
  proxy: 'Please allow connections through the proxy to the SFTP server\'s host and port (the proxy\'s answer is in the evidence), or tell me which proxy I should use.',
  forwarding: 'Please allow TCP forwarding on the jump host for my account to the SFTP server\'s host and port: sshd_config AllowTcpForwarding (and PermitOpen, if used), or the restrict / no-port-forwarding / permitopen options of my key in authorized_keys.',
};

export function adminMessage(ctx: Pick<RepairContext, 'request'> & { result: RunResult }, topic?: string): string {
  const d = ctx.result.diagnosis;
  const { host, port } = targetOf(ctx as RepairContext);
  const user = ctx.request.user ? ` as user "${ctx.request.user}"` : '';
  const lines = [
    'Hello,',
    '',
    `I cannot connect by SFTP to ${host} port ${port}${user}. I checked it on ${new Date(ctx.result.startedAt).toUTCString()} with SFTP Doctor, which reported:`,
    '',
    `${d.title} (${d.code})`,
    d.explanation,
    '',
    (topic && TOPIC_ASKS[topic]) || ADMIN_ASKS[d.code].ask,
  ];
  if (d.evidence.length) {
    lines.push('', 'Evidence:');
    for (const e of d.evidence.slice(0, 20)) lines.push(`- ${e.label}: ${e.value.length > 300 ? `${e.value.slice(0, 300)}…` : e.value}`);
  }
  const server = ctx.result.facts.server?.banner;
  if (server && !d.evidence.some((e) => e.value === server)) lines.push(`- Server: ${server}`);
  if (ctx.result.facts.tcp?.address) lines.push(`- Address tried: ${ctx.result.facts.tcp.address}`);
  lines.push('', 'Thank you.');
  return lines.join('\n');
}

export const adminFix: FixHandler = {
  async plan(fix, ctx) {
    const topic = typeof fix.params?.topic === 'string' ? fix.params.topic : undefined;
    return { changes: ['Nothing is changed here: only the server\'s administrator can fix this. Copy the message below and send it to them.'], needs: [], adminMessage: adminMessage(ctx, topic) };
  },
  async apply(fix, ctx) {
    const topic = typeof fix.params?.topic === 'string' ? fix.params.topic : undefined;
    const message = adminMessage(ctx, topic);
    return { applied: false, changes: [], backups: [], nextRequest: null, adminMessage: message, message: 'Only the administrator can fix this. Copy the message and send it to them; connect again once they answer.' };
  },
};
