import { describe, expect, it } from 'vitest';
import type { Facts, ProxyFacts } from '../../shared/types';
import { forwardErrorCode, printable } from './phases/path';
import { diagnoseFacts } from './rules/index';
import { VIA_JUMP_TEXTS } from './rules/path';
import { fillTemplate } from '../../shared/texts/index';

const input: NonNullable<Facts['input']> = { host: 'files.internal.invalid', port: 22, user: 'ann', warnings: [] };
const proxy = (p: Partial<ProxyFacts>): ProxyFacts => ({ type: 'socks5', host: 'proxy.invalid', port: 1080, target: 'files.internal.invalid:22', stage: 'connect', authUsed: false, ...p });
const end = { stoppedAt: 'tcp' as const, lastPhase: 'tcp' as const };

describe('path rules', () => {
  it('names every SOCKS5 refusal (replies 2-5) in plain words under PROXY_DENIED_TARGET', () => {
    const words: Record<number, RegExp> = { 2: /not allowed by the proxy's rules/, 3: /no route to that network/, 4: /could not reach the host/, 5: /refused the proxy's connection/ };
    for (const [reply, re] of Object.entries(words)) {
      const d = diagnoseFacts({ input, proxy: proxy({ socksReply: Number(reply) }) }, end);
      expect(d.code).toBe('PROXY_DENIED_TARGET');
      expect(d.explanation).toMatch(re);
      expect(d.explanation).toContain(`SOCKS5 reply ${reply}`);
    }
  });

  it('names HTTP 403, 502 and 503 answers to CONNECT', () => {
    const words: Record<number, RegExp> = { 403: /not allowed by the proxy's rules/, 502: /could not reach the host/, 503: /could not connect to the host/ };
    for (const [status, re] of Object.entries(words)) {
      const d = diagnoseFacts({ input, proxy: proxy({ type: 'http', httpStatus: Number(status) }) }, end);
      expect(d.code).toBe('PROXY_DENIED_TARGET');
      expect(d.explanation).toMatch(re);
    }
    expect(diagnoseFacts({ input, proxy: proxy({ type: 'http', httpStatus: 407, authUsed: true }) }, end).code).toBe('PROXY_AUTH_FAILED');
  });

  it('reads what a jump host says when it cannot open the channel', () => {
    expect(forwardErrorCode(1, 'open failed')).toBe('EPROHIBITED');
    expect(forwardErrorCode(2, 'Connection refused')).toBe('ECONNREFUSED');
    expect(forwardErrorCode(2, 'Connection timed out')).toBe('ETIMEDOUT');
    expect(forwardErrorCode(2, 'getaddrinfo: Name or service not known')).toBe('ENOTFOUND');
    expect(forwardErrorCode(2, 'Temporary failure in name resolution')).toBe('EAI_AGAIN');
    expect(forwardErrorCode(2, 'No route to host')).toBe('EHOSTUNREACH');
    const d = diagnoseFacts({ input, forward: { via: 'bastion.invalid:22', viaHop: 0, target: 'files.internal.invalid:22', reason: 2, error: 'ENOTFOUND', description: 'Name or service not known' } }, end);
    expect(d.code).toBe('DNS_NOT_FOUND');
    expect(d.phase).toBe('dns');
    expect(d.title).toBe('The jump host bastion.invalid:22 does not know the name files.internal.invalid');
    for (const t of Object.values(VIA_JUMP_TEXTS)) for (const s of [t.title, t.explanation, t.nextStep]) expect(fillTemplate(s, { host: 'h', port: 22, via: 'j:22' })).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  it('makes server words printable and bounded', () => {
    expect(printable('Access denied\x1b[31m\r\n')).toBe('Access denied\\x1b[31m');
    expect(printable('x'.repeat(1000)).length).toBeLessThanOrEqual(301);
  });
});
