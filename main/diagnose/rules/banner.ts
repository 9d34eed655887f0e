/** Rules of the banner phase: what arrived before the SSH greeting (or instead of it). */
import { askAdmin, otherProgram } from '../../../shared/actions';
import type { EvidenceItem } from '../../../shared/types';
import { probeEvidence } from './tcp';
import { ev, inputNotes, type PhaseRules } from './verdict';

const NOT_SSH_REASONS: Record<string, string> = {
  http: 'a web server (HTTP) answered',
  tls: 'an encrypted web or mail service (TLS) answered',
  binary: 'binary data that is not an SSH greeting',
  text: 'text without an SSH greeting',
  'too-long': 'a greeting line far longer than SSH allows',
  'too-much': 'more than 64 KiB without an SSH greeting',
  'bad-version': 'an unknown SSH version',
};

export const decideBanner: PhaseRules = (f, end) => {
  const banner = f.banner;
  if (end.stoppedAt !== 'banner' || !banner) return null;
  const tcp = f.tcp;
  const { evidence: pe, fixes } = probeEvidence(f);
  const evidence: EvidenceItem[] = [ev('Connected to', `${tcp?.address ?? ''} port ${tcp?.port ?? f.input?.port ?? ''}`, { mono: true })];
  if (banner.firstBytes) evidence.push(ev('First bytes received', banner.firstBytes, { mono: true, highlight: true }));
  evidence.push(ev('Bytes received', String(banner.bytesReceived)), ev('Waited', `${banner.waitedMs} ms`));
  for (const line of (f.server?.preBanner ?? []).slice(0, 3)) evidence.push(ev('Line before the greeting', line, { mono: true }));
  evidence.push(...pe, ...inputNotes(f));
  switch (banner.outcome) {
    case 'closed':
      return { code: 'BANNER_CLOSED', phase: 'banner', evidence, fixes };
    case 'reset':
      return { code: 'BANNER_RESET', phase: 'banner', evidence, fixes };
    case 'timeout':
      return { code: 'BANNER_TIMEOUT', phase: 'banner', evidence, fixes };
    case 'ftp':
      return { code: 'PROTOCOL_FTP', phase: 'banner', evidence, fixes, actions: [otherProgram('FTP')] };
    case 'ssh1':
      return { code: 'SSH1_ONLY', phase: 'banner', evidence, actions: [askAdmin('ssh2')] };
    default:
      evidence.splice(1, 0, ev('What it looks like', NOT_SSH_REASONS[banner.reason ?? 'text'] ?? 'not SSH', { highlight: true }));
      return { code: 'PROTOCOL_NOT_SSH', phase: 'banner', evidence, fixes };
  }
};
