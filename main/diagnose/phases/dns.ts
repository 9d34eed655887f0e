import { promises as dns } from 'node:dns';
import net from 'node:net';
import type { Facts } from '../../../shared/types';
import { sleep, type PhaseModule, type PhaseOutcome } from '../context';

type DnsFacts = NonNullable<Facts['dns']>;
type Address = DnsFacts['addresses'][number];

/** getaddrinfo answers that mean "this name does not exist". Anything else is a resolver failure. */
const NOT_FOUND = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'EAI_NODATA']);

export async function lookupAll(host: string, timeoutMs: number, signal: AbortSignal): Promise<{ addresses: Address[] } | { error: string }> {
  const timeout = new AbortController();
  const onAbort = () => timeout.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await Promise.race([
      dns.lookup(host, { all: true, verbatim: true }).then(
        (list) => ({ addresses: list.filter((a) => a.family === 4 || a.family === 6).map((a) => ({ address: a.address, family: a.family as 4 | 6 })) }),
        (err: NodeJS.ErrnoException) => ({ error: err.code ?? 'EAI_FAIL' }),
      ),
      // getaddrinfo cannot be cancelled: stop waiting for it instead.
      sleep(timeoutMs, timeout.signal).then(() => ({ error: 'ETIMEOUT' })),
    ]);
    return result;
  } finally {
    timeout.abort();
    signal.removeEventListener('abort', onAbort);
  }
}

/** Likely typos of a name that does not exist: each is looked up, and only those that resolve are suggested. */
export function nameVariants(host: string): string[] {
  const h = host.toLowerCase();
  const out = new Set<string>();
  const stripped = h.replace(/^[a-z][a-z0-9+.-]*:\/*/, '').replace(/^\/+/, '');
  if (stripped !== h && stripped) out.add(stripped);
  if (h.endsWith('.')) out.add(h.slice(0, -1));
  if (h.includes('_')) out.add(h.replace(/_/g, '-'));
  if (h.startsWith('www.')) {
    out.add(h.slice(4));
    out.add(`sftp.${h.slice(4)}`);
  }
  if (h.startsWith('ftp.')) out.add(`sftp.${h.slice(4)}`);
  if (h.startsWith('sftp.')) out.add(h.slice(5));
  if (h.includes(',')) out.add(h.replace(/,/g, '.'));
  if (h.includes('..')) out.add(h.replace(/\.{2,}/g, '.'));
  out.delete(h);
  return [...out].filter((v) => v.length > 0 && v.length <= 253).slice(0, 8);
}

export const dnsPhase: PhaseModule = {
  phase: 'dns',
  async run(ctx): Promise<PhaseOutcome> {
    const host = ctx.facts.input!.host;
    const family = net.isIP(host);
    if (family !== 0) {
      return { status: 'ok', detail: `${host} is an address: no lookup needed`, facts: { dns: { addresses: [{ address: host, family: family as 4 | 6 }] } } };
    }
    const res = await lookupAll(host, ctx.remainingBeforeProbes(), ctx.signal);
    if ('addresses' in res && res.addresses.length > 0) {
      const list = res.addresses.map((a) => a.address);
      return { status: 'ok', detail: `${host} → ${list.slice(0, 3).join(', ')}${list.length > 3 ? ` (+${list.length - 3})` : ''}`, facts: { dns: { addresses: res.addresses } } };
    }
    const error = 'error' in res ? res.error : 'ENODATA';
    if (!NOT_FOUND.has(error)) {
      return { status: 'fail', detail: `The name lookup failed (${error})`, facts: { dns: { addresses: [], error } }, stop: true };
    }
    ctx.progress(`${host} does not exist; looking for likely typos`);
    const variants = nameVariants(host);
    const checks = await Promise.all(variants.map(async (v) => ((await lookupAll(v, Math.min(ctx.remaining(), 2000), ctx.signal)) as { addresses?: Address[] }).addresses?.length ? v : null));
    const suggestions = checks.filter((v): v is string => v !== null);
    return { status: 'fail', detail: `${host} does not exist${suggestions.length ? ` (did you mean ${suggestions[0]}?)` : ''}`, facts: { dns: { addresses: [], error, suggestions } }, stop: true };
  },
};
