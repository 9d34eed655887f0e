import { SUCCESS_CODES, type DiagnosisCode, type Phase } from '../../shared/codes';
import type { Diagnosis, EvidenceItem, Facts, Fix, FixParam } from '../../shared/types';
import { makeFix } from './fixes';
import { sshPortFound } from './probe';
import { decidePath, pathEvidence, VIA_JUMP_TEXTS } from './rules-path';
import { decideAuth, decideKey, decideSftp, decideSuccess } from './rules-session';
import { serverWords, wordsEvidence } from './server-words';
import { decideHold, decideWrite } from './rules-write';
import { decideHomeMissing } from './rules-words';
import { TEXTS, fillTemplate } from './texts';

/**
 * Facts in, ONE diagnosis out. Pure: no I/O, no clock. The engine calls it once a phase stopped
 * the run (or every phase passed); it decides from the facts alone, in phase order.
 */

export interface RunEnd {
  /** The phase that stopped the run, or null when every phase passed. */
  stoppedAt: Phase | null;
  /** The last phase that ran. */
  lastPhase: Phase;
  cancelled?: boolean;
  internalError?: string;
  /** How long each phase that ran took (for the OK evidence). */
  timings?: { phase: Phase; ms: number }[];
}

interface Verdict {
  code: DiagnosisCode;
  phase: Phase;
  evidence: EvidenceItem[];
  fixes: Fix[];
  vars?: Record<string, FixParam>;
}

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const DNS_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'EAI_NODATA']);

const CATEGORY_NAMES: Record<string, string> = {
  kex: 'the key exchange',
  serverHostKey: 'the server key type',
  cipher: 'the encryption cipher',
  mac: 'the integrity check (MAC)',
  compression: 'compression',
};

function ev(label: string, value: string, extra: Partial<EvidenceItem> = {}): EvidenceItem {
  return { label, value, ...extra };
}

function target(f: Facts): string {
  const i = f.input;
  if (!i) return '';
  return `${i.host}:${i.port}`;
}

function probeEvidence(f: Facts): { evidence: EvidenceItem[]; fixes: Fix[] } {
  const probes = f.tcp?.probes;
  if (!probes || probes.length === 0) return { evidence: [], fixes: [] };
  const found = sshPortFound(probes);
  const summary = probes.map((p) => `${p.port}: ${p.result === 'ssh' ? 'SSH' : p.result}`).join(', ');
  const evidence = [ev('Other ports checked', summary, { mono: true })];
  // Good news, not the problem: never marked as what is wrong.
  if (found) evidence.push(ev(`SSH server on port ${found.port}`, found.banner ?? 'SSH', { mono: true }));
  return { evidence, fixes: found ? [makeFix('use-port', { port: found.port })] : [] };
}

function inputNotes(f: Facts): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  if (f.input?.otherProtocolPort) out.push(ev('Note', `Port ${f.input.otherProtocolPort} normally belongs to another protocol; SFTP normally uses 22.`));
  return out;
}

function decide(f: Facts, end: RunEnd): Verdict {
  const stop = end.stoppedAt;
  if (end.cancelled) return { code: 'CANCELLED', phase: end.lastPhase, evidence: [], fixes: [] };
  if (end.internalError) return { code: 'INTERNAL_ERROR', phase: end.lastPhase, evidence: [ev('Error', end.internalError, { mono: true })], fixes: [] };

  // input
  const input = f.input;
  if (input?.problem === 'host-empty') return { code: 'INPUT_HOST_EMPTY', phase: 'input', evidence: [], fixes: [] };
  if (input?.problem === 'host-field' && input.split) {
    const s = input.split;
    const params: Record<string, FixParam> = { host: s.host };
    if (s.user !== undefined) params.user = s.user;
    if (s.port !== undefined) params.port = s.port;
    if (s.path !== undefined) params.path = s.path;
    if (s.scheme !== undefined) params.scheme = s.scheme;
    const evidence: EvidenceItem[] = [ev('Server name', s.host, { mono: true, highlight: true })];
    if (s.scheme) evidence.push(ev('Protocol prefix', `${s.scheme}://`, { mono: true }));
    if (s.user !== undefined) evidence.push(ev('User name', s.user, { mono: true }));
    if (s.port !== undefined) evidence.push(ev('Port', String(s.port), { mono: true }));
    if (input.portText !== undefined) evidence.push(ev('Not a port', input.portText, { mono: true, highlight: true }));
    if (s.path !== undefined) evidence.push(ev('Folder', s.path, { mono: true }));
    if (input.whitespace?.includes('host')) evidence.push(ev('Spaces', 'before or after the host name', { highlight: true }));
    return { code: 'INPUT_HOST_FIELD', phase: 'input', evidence, fixes: [makeFix('split-host-field', params)] };
  }
  if (input?.problem === 'port-invalid') {
    return { code: 'INPUT_PORT_INVALID', phase: 'input', evidence: [ev('Port as typed', input.portText ?? '', { mono: true, highlight: true })], fixes: [makeFix('use-port', { port: 22 })] };
  }
  // the private key, opened before connecting
  if (stop === 'input') {
    const key = decideKey(f);
    if (key) return key;
  }

  // the path before the target: the proxy, the jump hosts, the forwarded channel
  const path = decidePath(f, stop);
  if (path) return path;

  // dns
  const dns = f.dns;
  if (stop === 'dns' && dns?.error) {
    if (DNS_NOT_FOUND.has(dns.error)) {
      const suggestions = dns.suggestions ?? [];
      const evidence = [ev('Name looked up', input?.host ?? '', { mono: true, highlight: true }), ev('Answer', 'no such name')];
      if (suggestions.length) evidence.push(ev('Similar names that exist', suggestions.join(', '), { mono: true }));
      return { code: 'DNS_NOT_FOUND', phase: 'dns', evidence, fixes: suggestions.map((host) => makeFix('use-dns-suggestion', { host })) };
    }
    return { code: 'DNS_FAILED', phase: 'dns', evidence: [ev('Name looked up', input?.host ?? '', { mono: true }), ev('Resolver error', dns.error, { mono: true, highlight: true })], fixes: [] };
  }

  // tcp
  const tcp = f.tcp;
  if (stop === 'tcp' && tcp?.error) {
    const { evidence: pe, fixes } = probeEvidence(f);
    const attempts = tcp.attempts.map((a) => `${a.address}: ${a.result} after ${a.ms} ms`).join('; ');
    const evidence = [ev('Connection attempts', attempts || 'none', { mono: true, highlight: true }), ...pe, ...inputNotes(f)];
    const code: DiagnosisCode =
      tcp.error === 'ECONNREFUSED' ? 'TCP_REFUSED' : tcp.error === 'ETIMEDOUT' ? 'TCP_TIMEOUT' : tcp.error === 'ECONNRESET' ? 'TCP_RESET' : UNREACHABLE.has(tcp.error) ? 'TCP_UNREACHABLE' : 'TCP_UNREACHABLE';
    return { code, phase: 'tcp', evidence, fixes };
  }

  // banner
  const banner = f.banner;
  if (stop === 'banner' && banner) {
    const { evidence: pe, fixes } = probeEvidence(f);
    const evidence: EvidenceItem[] = [ev('Connected to', `${tcp?.address ?? ''} port ${tcp?.port ?? input?.port ?? ''}`, { mono: true })];
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
        return { code: 'PROTOCOL_FTP', phase: 'banner', evidence, fixes: [...fixes, makeFix('switch-protocol', { protocol: 'FTP' })] };
      case 'ssh1':
        return { code: 'SSH1_ONLY', phase: 'banner', evidence, fixes: [makeFix('ask-admin', { topic: 'ssh2' })] };
      default: {
        const reasons: Record<string, string> = {
          http: 'a web server (HTTP) answered',
          tls: 'an encrypted web or mail service (TLS) answered',
          binary: 'binary data that is not an SSH greeting',
          text: 'text without an SSH greeting',
          'too-long': 'a greeting line far longer than SSH allows',
          'too-much': 'more than 64 KiB without an SSH greeting',
          'bad-version': 'an unknown SSH version',
        };
        evidence.splice(1, 0, ev('What it looks like', reasons[banner.reason ?? 'text'] ?? 'not SSH', { highlight: true }));
        return { code: 'PROTOCOL_NOT_SSH', phase: 'banner', evidence, fixes };
      }
    }
  }

  // kex
  const kex = f.kex;
  const serverEv = f.server?.banner ? [ev('Server', f.server.banner, { mono: true })] : [];
  if ((stop === 'kex' || stop === 'hostkey') && kex?.mismatch) {
    const m = kex.mismatch;
    const evidence = [
      ...serverEv,
      ev('Category', CATEGORY_NAMES[m.category] ?? m.category, { highlight: true }),
      ev('Server offers', m.server.join(', ') || '(nothing)', { mono: true, highlight: true }),
      ev('We offer', m.client.join(', '), { mono: true }),
    ];
    const fixes = m.legacyCandidates.length ? [makeFix('allow-legacy-algorithms', { algorithms: m.legacyCandidates, category: m.category })] : [makeFix('ask-admin', { topic: 'algorithms' })];
    return { code: 'KEX_NO_COMMON_ALGORITHM', phase: 'kex', evidence, fixes, vars: { category: CATEGORY_NAMES[m.category] ?? m.category } };
  }
  if (stop === 'kex' || (stop === 'hostkey' && kex?.error && f.hostkey?.status !== 'changed' && f.hostkey?.status !== 'revoked' && f.hostkey?.status !== 'unknown')) {
    const evidence = [...serverEv, ev('What went wrong', kex?.error === 'ECONNRESET' ? 'connection reset' : (kex?.error ?? 'unknown'), { mono: true, highlight: true })];
    return { code: kex?.error === 'ECONNRESET' ? 'TCP_RESET' : 'KEX_FAILED', phase: stop, evidence, fixes: [] };
  }

  // hostkey
  const hk = f.hostkey;
  if (stop === 'hostkey' && hk) {
    const k = hk.key;
    const keyEv = [ev('Server', target(f), { mono: true }), ev('Key type', k.type, { mono: true }), ev('Fingerprint (SHA256)', k.sha256, { mono: true, highlight: hk.status !== 'unknown' }), ev('Fingerprint (MD5)', k.md5, { mono: true })];
    const hostParams = { host: input?.host ?? '', port: input?.port ?? 22, type: k.type, sha256: k.sha256, md5: k.md5, publicKey: k.publicKey, file: hk.knownHostsFile };
    if (hk.status === 'unknown') {
      const evidence = [...keyEv, ev('Checked against', hk.knownHostsFile, { mono: true })];
      if (f.auth?.methods?.length) evidence.push(ev('Login methods the server allows', f.auth.methods.join(', '), { mono: true }));
      return { code: 'HOSTKEY_UNKNOWN', phase: 'hostkey', evidence, fixes: [makeFix('trust-host-key', hostParams), makeFix('connect-once', { sha256: k.sha256 })] };
    }
    if (hk.status === 'changed' || hk.status === 'revoked') {
      const evidence = [...keyEv];
      for (const m of hk.matches) {
        evidence.push(ev(hk.status === 'revoked' ? 'Marked as revoked at' : 'Recorded key', `${m.type} ${m.sha256}`, { mono: true }), ev('Recorded in', `${m.file}:${m.line}`, { mono: true, highlight: true }));
      }
      if (hk.status === 'revoked') return { code: 'HOSTKEY_CHANGED', phase: 'hostkey', evidence: [...evidence, ev('Revoked', 'This exact key is listed as revoked: it must never be accepted.', { highlight: true })], fixes: [makeFix('ask-admin', { topic: 'hostkey' })] };
      const old = hk.matches[0];
      const fixes = [makeFix('ask-admin', { topic: 'hostkey' }), makeFix('replace-host-key', { ...hostParams, oldSha256: old?.sha256 ?? '', line: old?.line ?? 0 })];
      return { code: 'HOSTKEY_CHANGED', phase: 'hostkey', evidence, fixes };
    }
  }

  // auth and the SFTP session (engine part 2)
  if (stop === 'auth') {
    const v = decideAuth(f);
    if (v) return v;
    const t = f.auth?.disconnect ?? 'the connection ended during login';
    return { code: 'TCP_RESET', phase: 'auth', evidence: [...serverEv, ev('What happened', t, { mono: true, highlight: true })], fixes: [] };
  }
  if (stop === 'sftp') {
    const v = decideSftp(f);
    if (v) return v;
  }
  if (stop === 'write') {
    // A missing home makes sessions start in "/", where writing fails: the missing home is the cause.
    const home = decideHomeMissing(f);
    const v = decideWrite(f);
    if (home) return { ...home, evidence: [...home.evidence, ...(v ? v.evidence.filter((e) => e.label === 'Server answer').map((e) => ({ ...e, label: 'Write test there', highlight: false })) : [])] };
    if (v) return v;
  }
  if (stop === 'hold') {
    const v = decideHold(f);
    if (v) return v;
  }
  if (stop === null && (end.lastPhase === 'sftp' || end.lastPhase === 'write' || end.lastPhase === 'hold' || end.lastPhase === 'speed')) return decideSuccess(f, end.timings ?? [], end.lastPhase);

  if (stop === null) {
    const code: DiagnosisCode = end.lastPhase === 'sftp' ? 'OK' : 'OK_TRANSPORT';
    const evidence = [...serverEv];
    if (f.kex?.negotiated) evidence.push(ev('Encryption', Object.values(f.kex.negotiated).filter(Boolean).join(', '), { mono: true }));
    if (hk) evidence.push(ev('Server key', `${hk.key.type} ${hk.key.sha256}`, { mono: true }));
    evidence.push(...inputNotes(f));
    return { code, phase: end.lastPhase, evidence, fixes: [] };
  }
  return { code: 'INTERNAL_ERROR', phase: stop, evidence: [ev('Error', `the ${stop} phase stopped without facts the rules know`, { mono: true })], fixes: [] };
}

/** Turns the facts of a run into its one diagnosis, with texts from the table. */
export function diagnoseFacts(facts: Facts, end: RunEnd): Diagnosis {
  const v = decide(facts, end);
  // Network codes of a target behind a jump host are said from the jump host's point of view.
  // Whatever the server said is evidence, whichever rule decided: append what is not shown yet.
  const shown = v.evidence.map((e) => e.value);
  for (const item of wordsEvidence(serverWords(facts))) {
    if (!shown.some((value) => value === item.value || (item.label !== 'Known message' && value.includes(item.value)))) v.evidence.push(item);
  }
  const viaText = facts.forward?.error && (v.phase === 'tcp' || v.phase === 'dns') ? VIA_JUMP_TEXTS[v.code] : undefined;
  const text = viaText ?? TEXTS[v.code];
  const route = pathEvidence(facts);
  if (route && !v.evidence.some((e) => e.label === route.label)) v.evidence = [...v.evidence, route];
  const vars: Record<string, FixParam> = { host: facts.input?.host ?? '', port: facts.input?.port ?? 22, ...(v.vars ?? {}) };
  return {
    code: v.code,
    ok: SUCCESS_CODES.includes(v.code),
    phase: v.phase,
    title: fillTemplate(text.title, vars),
    explanation: fillTemplate(text.explanation, vars),
    nextStep: fillTemplate(text.nextStep, vars),
    evidence: v.evidence,
    fixes: v.fixes,
  };
}
