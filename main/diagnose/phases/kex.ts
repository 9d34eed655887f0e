import type { AlgorithmLists, Facts } from '../../../shared/types';
import { knownKeyTypes, readKnownHosts } from '../../store/known-hosts';
import { algorithmRisk } from '../../../shared/form-fix';
import { clientAlgorithms, findMismatch, isAead, legacyPlan } from '../algorithms';
import type { KexinitInfo } from '../wire';
import type { PhaseModule, PhaseOutcome, RunContext } from '../context';

type KexFacts = NonNullable<Facts['kex']>;

/** The known_hosts file this run checks against: the request's, else the app's own store. */
export function knownHostsPathFor(ctx: RunContext): string {
  return ctx.request.knownHostsPath || ctx.options.defaultKnownHostsPath;
}

/**
 * What we offer the server: ssh2's defaults plus the weak algorithms this site allows, with host
 * key algorithms whose key type is already recorded for this host moved to the front (as OpenSSH
 * does), so a host recorded with its ECDSA key is not reported as unknown because it also has Ed25519.
 */
export async function buildOffer(ctx: RunContext): Promise<AlgorithmLists> {
  let preferred: string[] = [];
  try {
    const file = await readKnownHosts(knownHostsPathFor(ctx));
    preferred = knownKeyTypes(file, ctx.facts.input!.host, ctx.facts.input!.port);
  } catch {
    // An unreadable file is reported by the hostkey phase; the offer just keeps its default order.
  }
  return clientAlgorithms(ctx.request.legacyAlgorithms ?? [], preferred);
}

/**
 * --legacy-algorithms auto: our offer plus, for each category where the server leaves us nothing,
 * the least weak algorithm it offers (the same choice as the allow-legacy-algorithms fix). When a
 * category cannot be served at all, nothing is added: the key exchange then fails and says so.
 */
export function chooseOffer(ctx: RunContext, offer: AlgorithmLists, server: KexinitInfo | null): AlgorithmLists {
  if (!server) return offer;
  const plan = legacyPlan(offer, server.algorithms, { cipher: server.cipherServerToClient, mac: server.macServerToClient });
  if (plan.missing.length || !plan.choices.length) return offer;
  ctx.link.chosen = plan.choices.map((c) => ({ ...c, risk: algorithmRisk(c.algorithm) }));
  const out = structuredClone(offer);
  for (const c of plan.choices) if (!out[c.category].includes(c.algorithm)) out[c.category].push(c.algorithm);
  ctx.log(`Weak algorithms chosen from the server's offer: ${plan.choices.map((c) => `${c.algorithm} (${c.category})`).join(', ')}`);
  return out;
}

/** How long "auto" waits for the server's offer before making ours without it. */
export const AUTO_OFFER_WAIT_MS = 2000;

function pick(client: string[], server: string[]): string | undefined {
  return client.find((a) => server.includes(a));
}

export const kexPhase: PhaseModule = {
  phase: 'kex',
  async run(ctx): Promise<PhaseOutcome> {
    const transport = ctx.link.transport!;
    if (transport.offer === null) {
      // "auto" waits for the server's offer; a server that only speaks after ours gets the usual one.
      const got = await transport.waitFor(() => transport.offer ?? undefined, Math.min(ctx.remaining(), AUTO_OFFER_WAIT_MS), ctx.signal);
      if (got === 'timeout' && !transport.failure) {
        ctx.log(`The server sent no key exchange offer within ${AUTO_OFFER_WAIT_MS / 1000} s of its greeting: making ours without a choice of weak algorithms`);
        transport.startWithoutServerOffer();
      }
    }
    const waited = await transport.waitFor(() => transport.hostKey ?? undefined, ctx.remaining(), ctx.signal);
    // With "auto" the offer is only made once the server's is in (the wait above covers that).
    const client = transport.offer ?? ctx.link.offer ?? (await buildOffer(ctx));
    const chosen = ctx.link.chosen;
    const rec = transport.recorder;
    const serverLists = rec.kexinit?.algorithms ?? null;
    const server = { ...ctx.facts.server!, algorithms: serverLists };
    const kex: KexFacts = { client, ...(chosen?.length ? { chosen } : {}) };

    if (waited !== 'failure' && waited !== 'timeout' && waited !== 'aborted' && serverLists) {
      const cipher = pick(client.cipher, serverLists.cipher);
      kex.negotiated = {
        kex: pick(client.kex, serverLists.kex),
        serverHostKey: pick(client.serverHostKey, serverLists.serverHostKey),
        cipher,
        ...(cipher && isAead(cipher) ? {} : { mac: pick(client.mac, serverLists.mac) }),
        compression: pick(client.compression, serverLists.compression),
      };
      const allowed = [...(ctx.request.legacyAlgorithms ?? []), ...(chosen ?? []).map((c) => c.algorithm)];
      const legacyUsed = Object.values(kex.negotiated).filter((a): a is string => !!a && allowed.includes(a));
      const why = chosen?.length ? 'chosen from the server\'s offer' : 'allowed for this site';
      const detail = `${kex.negotiated.kex ?? '?'}, ${kex.negotiated.cipher ?? '?'}${legacyUsed.length ? ` (weak, ${why}: ${legacyUsed.join(', ')})` : ''}`;
      return { status: legacyUsed.length ? 'warn' : 'ok', detail, facts: { server, kex } };
    }

    const mismatch = serverLists ? findMismatch(client, serverLists, rec.kexinit ? { cipher: rec.kexinit.cipherServerToClient, mac: rec.kexinit.macServerToClient } : undefined) : null;
    if (mismatch) {
      kex.mismatch = mismatch;
      kex.error = transport.failure?.message ?? 'no common algorithm';
      return { status: 'fail', detail: `No common ${mismatch.category} algorithm`, facts: { server, kex }, stop: true };
    }
    if (waited === 'timeout' || waited === 'aborted') {
      kex.error = 'timeout';
      return { status: 'fail', detail: 'The server stopped answering during the key exchange', facts: { server, kex }, stop: true };
    }
    const f = transport.failure!;
    kex.error = rec.packetProblem ?? (f.kind === 'reset' ? 'ECONNRESET' : f.message);
    const detail = f.kind === 'reset' ? 'The connection was reset during the key exchange' : f.kind === 'closed' ? 'The server closed the connection during the key exchange' : `The key exchange failed: ${f.message}`;
    return { status: 'fail', detail, facts: { server, kex }, stop: true };
  },
};
