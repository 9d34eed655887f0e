/** Rules of the tcp phase (and the port probes that follow a failure). */
import type { DiagnosisCode } from '../../../shared/codes';
import { makeFix, type Fix } from '../../../shared/fixes';
import type { EvidenceItem, Facts } from '../../../shared/types';
import { sshPortFound } from '../probe';
import { ev, inputNotes, type PhaseRules } from './verdict';

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

/** Other ports tried once something failed; an SSH server found there is offered as a fix. */
export function probeEvidence(f: Facts): { evidence: EvidenceItem[]; fixes: Fix[] } {
  const probes = f.tcp?.probes;
  if (!probes || probes.length === 0) return { evidence: [], fixes: [] };
  const found = sshPortFound(probes);
  const summary = probes.map((p) => `${p.port}: ${p.result === 'ssh' ? 'SSH' : p.result}`).join(', ');
  const evidence = [ev('Other ports checked', summary, { mono: true })];
  // Good news, not the problem: never marked as what is wrong.
  if (found) evidence.push(ev(`SSH server on port ${found.port}`, found.banner ?? 'SSH', { mono: true }));
  return { evidence, fixes: found ? [makeFix('use-port', { port: found.port })] : [] };
}

export const decideTcp: PhaseRules = (f, end) => {
  const tcp = f.tcp;
  if (end.stoppedAt !== 'tcp' || !tcp?.error) return null;
  const { evidence: pe, fixes } = probeEvidence(f);
  const attempts = tcp.attempts.map((a) => `${a.address}: ${a.result} after ${a.ms} ms`).join('; ');
  const evidence = [ev('Connection attempts', attempts || 'none', { mono: true, highlight: true }), ...pe, ...inputNotes(f)];
  const code: DiagnosisCode =
    tcp.error === 'ECONNREFUSED' ? 'TCP_REFUSED' : tcp.error === 'ETIMEDOUT' ? 'TCP_TIMEOUT' : tcp.error === 'ECONNRESET' ? 'TCP_RESET' : UNREACHABLE.has(tcp.error) ? 'TCP_UNREACHABLE' : 'TCP_UNREACHABLE';
  return { code, phase: 'tcp', evidence, fixes };
};
