import { askAdmin, type Action } from '../../../shared/actions';
import type { DiagnosisCode, Phase } from '../../../shared/codes';
import { FIXES_BY_CODE } from '../../../shared/fix-offers';
import type { FixId } from '../../../shared/fixes';
import type { CodeText, TemplateValue } from '../../../shared/texts/index';
import type { EvidenceItem, Facts, ProxyFacts } from '../../../shared/types';
import { ev, type PhaseRules, type Verdict } from './verdict';

/**
 * The path before the target (a proxy, jump hosts): which of its parts failed, as one verdict.
 * Pure, like the other rules: facts in, verdict out.
 */

function hp(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function proxyName(p: Pick<ProxyFacts, 'type' | 'host' | 'port'>): string {
  return `${p.type === 'http' ? 'HTTP' : 'SOCKS5'} proxy ${hp(p.host, p.port)}`;
}

/** SOCKS5 replies (RFC 1928) in plain words. */
export const SOCKS5_REPLY_WORDS: Record<number, string> = {
  1: 'the proxy reported a general failure',
  2: 'the connection is not allowed by the proxy\'s rules',
  3: 'the proxy has no route to that network',
  4: 'the proxy could not reach the host',
  5: 'the host refused the proxy\'s connection on that port',
  6: 'the connection timed out on the proxy\'s side',
  7: 'the proxy does not support connecting',
  8: 'the proxy does not support this kind of address',
};

/** HTTP answers to CONNECT in plain words. */
export function httpStatusWords(status: number): string {
  if (status === 403) return 'the connection is not allowed by the proxy\'s rules (HTTP 403 Forbidden)';
  if (status === 502) return 'the proxy could not reach the host (HTTP 502 Bad Gateway)';
  if (status === 503) return 'the proxy could not connect to the host (HTTP 503 Service Unavailable)';
  if (status === 504) return 'the host did not answer the proxy in time (HTTP 504 Gateway Timeout)';
  if (status === 405 || status === 501) return `the proxy does not allow the CONNECT method (HTTP ${status})`;
  if (status >= 500) return `the proxy could not connect to the host (HTTP ${status})`;
  if (status === 0) return 'the proxy gave no usable answer';
  return `the proxy answered HTTP ${status}`;
}

const NET_WORDS: Record<string, string> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'no answer',
  ECONNRESET: 'reset',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'no such name',
  EAI_NONAME: 'no such name',
  EAI_AGAIN: 'the name lookup failed',
};

function decideProxy(p: ProxyFacts): Verdict {
  const evidence: EvidenceItem[] = [ev('Proxy', `${p.type}://${hp(p.host, p.port)}`, { mono: true })];
  const vars: Record<string, TemplateValue> = { proxy: `${p.type}://${hp(p.host, p.port)}` };
  if (p.stage === 'dns' || p.stage === 'tcp') {
    if (p.stage === 'dns') evidence.push(ev('Name looked up', p.host, { mono: true }), ev('Answer', NET_WORDS[p.error ?? ''] ?? p.error ?? 'none', { mono: true, highlight: true }));
    else evidence.push(ev('Connection attempts', (p.attempts ?? []).map((a) => `${a.address}: ${a.result} after ${a.ms} ms`).join('; ') || 'none', { mono: true, highlight: true }));
    return { code: 'PROXY_UNREACHABLE', phase: 'tcp', evidence, fixes: [], vars };
  }
  if (p.stage === 'auth' || p.httpStatus === 407 || p.httpStatus === 401) {
    const how =
      p.type === 'http'
        ? p.authUsed
          ? `it answered HTTP ${p.httpStatus ?? 407} to the user name and password sent`
          : `it answered HTTP ${p.httpStatus ?? 407}: it wants a user name and password, and none was set`
        : p.authUsed
          ? 'it refused the SOCKS5 user name and password'
          : 'it wants a SOCKS5 user name and password, and none was set';
    evidence.push(ev('User name sent', p.authUsed ? 'yes' : 'no'), ev('Proxy\'s answer', p.message ?? '', { mono: true, highlight: true }));
    return { code: 'PROXY_AUTH_FAILED', phase: 'tcp', evidence, fixes: [], vars: { ...vars, how } };
  }
  const why =
    p.socksReply !== undefined && p.socksReply > 0
      ? `${SOCKS5_REPLY_WORDS[p.socksReply] ?? `SOCKS5 reply ${p.socksReply}`} (SOCKS5 reply ${p.socksReply})`
      : p.httpStatus !== undefined
        ? httpStatusWords(p.httpStatus)
        : null;
  evidence.push(ev('Asked to connect to', p.target, { mono: true }));
  if (why) {
    evidence.push(ev('Proxy\'s answer', why, { highlight: true }));
    if (p.httpReason) evidence.push(ev('Proxy\'s words', p.httpReason, { mono: true }));
    return { code: 'PROXY_DENIED_TARGET', phase: 'tcp', evidence, actions: [askAdmin('proxy')], vars: { ...vars, why } };
  }
  // The proxy accepted the connection, then said nothing usable (closed, timed out, not a proxy).
  evidence.push(ev('What happened', p.message ?? 'no answer', { mono: true, highlight: true }));
  return { code: 'PROXY_UNREACHABLE', phase: 'tcp', evidence, fixes: [], vars };
}

/** Fixes of a jump host's own diagnosis that can be carried out for the jump host (they name it in their params or apply to every hop). */
const HOP_FIXES = new Set<FixId>(FIXES_BY_CODE.JUMP_HOST_FAILED);

/** A verdict for the path (proxy, jump hosts), or null when the path is not what failed. */
export const decidePath: PhaseRules = (f, end) => {
  const stop = end.stoppedAt;
  if (f.proxy && f.proxy.stage !== 'done') return decideProxy(f.proxy);

  const fwd = f.forward;
  if (fwd?.error && (stop === 'tcp' || f.path?.failedHop !== undefined)) {
    if (fwd.error === 'EPROHIBITED') {
      const why = fwd.description || 'administratively prohibited';
      const evidence = [ev('Jump host', fwd.via, { mono: true }), ev('Asked to connect to', fwd.target, { mono: true }), ev('Jump host\'s answer', why, { mono: true, highlight: true })];
      if (fwd.reason !== undefined) evidence.push(ev('Channel refusal code', `${fwd.reason}${fwd.reason === 1 ? ' (administratively prohibited)' : ''}`, { mono: true }));
      const [host, port] = splitTarget(fwd.target);
      return { code: 'JUMP_FORWARDING_DENIED', phase: 'tcp', evidence, actions: [askAdmin('forwarding')], vars: { jump: fwd.via, why, host, port } };
    }
  }

  const failed = f.path?.failedHop;
  if (failed !== undefined) {
    const hop = f.path!.hops[failed]!;
    const label = hp(hop.host, hop.port);
    const evidence: EvidenceItem[] = [
      ev('Jump host', `${hop.user ? `${hop.user}@` : ''}${label}`, { mono: true }),
      ev('What failed there', `${hop.title ?? 'unknown'} (${hop.code ?? 'INTERNAL_ERROR'})`, { highlight: true }),
      ...(hop.evidence ?? []).map((e) => ({ ...e, label: `Jump host: ${e.label}` })),
    ];
    const fixes = (hop.fixes ?? []).filter((x) => HOP_FIXES.has(x.id));
    const actions: Action[] = (hop.actions ?? []).filter((a) => a.type === 'ask-admin');
    return {
      code: 'JUMP_HOST_FAILED',
      phase: hop.phase ?? 'tcp',
      evidence,
      fixes,
      actions,
      vars: { jump: label, jumpCode: hop.code ?? '', jumpTitle: hop.title ?? '', jumpExplanation: hop.explanation ?? '', jumpNextStep: hop.nextStep ?? '' },
    };
  }

  if (fwd?.error && stop === 'tcp') {
    const code: DiagnosisCode =
      fwd.error === 'ECONNREFUSED'
        ? 'TCP_REFUSED'
        : fwd.error === 'ETIMEDOUT'
          ? 'TCP_TIMEOUT'
          : fwd.error === 'ECONNRESET'
            ? 'TCP_RESET'
            : fwd.error === 'ENOTFOUND'
              ? 'DNS_NOT_FOUND'
              : fwd.error === 'EAI_AGAIN'
                ? 'DNS_FAILED'
                : 'TCP_UNREACHABLE';
    const phase: Phase = code.startsWith('DNS_') ? 'dns' : 'tcp';
    const evidence = [ev('Jump host', fwd.via, { mono: true }), ev('Asked to connect to', fwd.target, { mono: true }), ev('Jump host\'s answer', fwd.description ?? fwd.error, { mono: true, highlight: true })];
    return { code, phase, evidence, fixes: [], vars: { via: fwd.via } };
  }
  return null;
};

function splitTarget(target: string): [string, number] {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(target);
  return m ? [m[1]!, Number(m[2])] : [target, 22];
}

/** What the path looked like, as one evidence line (added to every diagnosis of a run with a path). */
export function pathEvidence(f: Facts): EvidenceItem | null {
  const parts: string[] = [];
  if (f.proxy) parts.push(`${f.proxy.type}://${hp(f.proxy.host, f.proxy.port)}`);
  for (const h of f.path?.hops ?? []) parts.push(`jump ${h.user ? `${h.user}@` : ''}${hp(h.host, h.port)}${h.status === 'failed' ? ' (failed)' : h.status === 'not-reached' ? ' (not reached)' : ''}`);
  if (!parts.length) return null;
  const target = f.input ? hp(f.input.host, f.input.port) : 'the server';
  return ev('Path', `${parts.join(' → ')} → ${target}`, { mono: true });
}

/**
 * Texts of network codes when the target was reached through a jump host: the connection was
 * the jump host's, so the words say so ("the jump host could not connect to ...").
 */
export const VIA_JUMP_TEXTS: Partial<Record<DiagnosisCode, CodeText>> = {
  TCP_REFUSED: {
    title: 'The jump host {via} could not connect to {host} port {port}: refused',
    explanation: 'The jump host {via} works and agreed to forward, but when it tried to connect to {host} on port {port}, that computer refused: nothing accepts connections on that port, as seen from the jump host. Usually the port is wrong or the SSH service is not running there.',
    nextStep: 'Check the host and port of the SFTP server as the jump host sees them (an internal name or address may differ from the public one).',
  },
  TCP_TIMEOUT: {
    title: 'The jump host {via} got no answer from {host} port {port}',
    explanation: 'The jump host {via} tried to connect to {host} on port {port} and got no reply before giving up. A firewall between the jump host and the server, or a wrong address, does this.',
    nextStep: 'Check the host and port as the jump host sees them, and ask its administrator whether it may reach that server.',
  },
  TCP_UNREACHABLE: {
    title: 'The jump host {via} cannot reach {host}',
    explanation: 'The jump host {via} has no route to {host} port {port}: the address is wrong, the server is down, or that network is closed to the jump host.',
    nextStep: 'Check the address as the jump host sees it, and ask its administrator whether that network is reachable from it.',
  },
  TCP_RESET: {
    title: 'The connection through the jump host {via} was cut off',
    explanation: 'While the jump host {via} was connecting on to {host} port {port}, the connection ended abruptly.',
    nextStep: 'Try again. If it keeps happening, send the evidence to the administrator of the jump host.',
  },
  DNS_NOT_FOUND: {
    title: 'The jump host {via} does not know the name {host}',
    explanation: 'Names behind a jump host are looked up by the jump host. It answered that {host} does not exist as far as it knows. The name may have a typo, or the server is known there under another (internal) name.',
    nextStep: 'Check the name with your administrator; on a jump host the internal name or IP address of the server is often what works.',
  },
  DNS_FAILED: {
    title: 'The jump host {via} could not look up {host}',
    explanation: 'Names behind a jump host are looked up by the jump host, and its name lookup failed (not a "does not exist" answer).',
    nextStep: 'Try the server\'s IP address, or ask the administrator of the jump host to check its name service.',
  },
};
