/** Rules of the dns phase. */
import { makeFix } from '../../../shared/fixes';
import { ev, type PhaseRules } from './verdict';

const DNS_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'EAI_NODATA']);

export const decideDns: PhaseRules = (f, end) => {
  const dns = f.dns;
  if (end.stoppedAt !== 'dns' || !dns?.error) return null;
  const host = f.input?.host ?? '';
  if (DNS_NOT_FOUND.has(dns.error)) {
    const suggestions = dns.suggestions ?? [];
    const evidence = [ev('Name looked up', host, { mono: true, highlight: true }), ev('Answer', 'no such name')];
    if (suggestions.length) evidence.push(ev('Similar names that exist', suggestions.join(', '), { mono: true }));
    return { code: 'DNS_NOT_FOUND', phase: 'dns', evidence, fixes: suggestions.map((s) => makeFix('use-dns-suggestion', { host: s })) };
  }
  return { code: 'DNS_FAILED', phase: 'dns', evidence: [ev('Name looked up', host, { mono: true }), ev('Resolver error', dns.error, { mono: true, highlight: true })] };
};
