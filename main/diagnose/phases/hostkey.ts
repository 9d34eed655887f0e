import { randomUUID } from 'node:crypto';
import type { Facts, HostKeyInfo, KnownHostMatch } from '../../../shared/types';
import { addHostKey, blobKeyType, checkHostKey, fingerprintMd5, fingerprintSha256, readKnownHosts, type KnownHostsEntry } from '../../store/known-hosts';
import type { PhaseModule, PhaseOutcome, RunContext } from '../context';
import type { Transport } from '../transport';
import { knownHostsPathFor } from './kex';

type HostKeyFacts = NonNullable<Facts['hostkey']>;

export function describeHostKey(blob: Buffer): HostKeyInfo {
  const type = blobKeyType(blob) ?? 'unknown';
  return { type, sha256: fingerprintSha256(blob), md5: fingerprintMd5(blob), publicKey: `${type} ${blob.toString('base64')}` };
}

/** Does a fingerprint the user typed (SHA256:..., MD5:..., or bare hex with colons) name this key? */
export function fingerprintMatches(given: string, key: HostKeyInfo): boolean {
  const g = given.trim();
  if (/^SHA256:/i.test(g)) return g.slice(7).replace(/=+$/, '') === key.sha256.slice(7);
  const hex = g.replace(/^MD5:/i, '').toLowerCase();
  return hex === key.md5.slice(4);
}

function toMatch(file: string, e: KnownHostsEntry): KnownHostMatch {
  let sha256 = '';
  try {
    sha256 = fingerprintSha256(Buffer.from(e.keyBase64, 'base64'));
  } catch {
    // unreadable key: leave it empty
  }
  return { file, line: e.line, type: e.keyType, sha256 };
}

/**
 * While the key is not trusted we may still ask which login methods the server allows: the
 * `none` request carries no secret. Bounded by a short wait; returns null when it did not work.
 */
async function learnAuthMethods(ctx: RunContext, transport: Transport): Promise<string[] | null> {
  const budget = Math.min(ctx.remaining(), 2000);
  transport.hostKey!.decide(true);
  const first = await transport.waitFor(() => transport.authTurns.shift(), budget, ctx.signal);
  if (typeof first !== 'object') return null;
  first.value.respond('none');
  const second = await transport.waitFor(() => transport.authTurns.shift(), budget, ctx.signal);
  if (typeof second !== 'object') return null;
  second.value.respond(false);
  return second.value.methodsLeft ?? null;
}

export const hostkeyPhase: PhaseModule = {
  phase: 'hostkey',
  async run(ctx): Promise<PhaseOutcome> {
    const transport = ctx.link.transport!;
    const key = describeHostKey(transport.hostKey!.blob);
    const file = knownHostsPathFor(ctx);
    const host = ctx.facts.input!.host;
    const port = ctx.facts.input!.port;
    let known;
    try {
      known = await readKnownHosts(file);
    } catch (err) {
      ctx.log(`Could not read ${file}: ${(err as Error).message}`);
      known = null;
    }
    const check = known ? checkHostKey(known, host, port, key.type, key.publicKey.split(' ')[1]!) : { status: 'unknown' as const, matches: [], otherTypes: [] };
    const matches = check.matches.map((e) => toMatch(file, e));
    const facts: HostKeyFacts = { key, status: check.status, matches, knownHostsFile: file };
    if (check.otherTypes.length) ctx.log(`${file} has ${check.otherTypes.length} key(s) of another type for this host (line ${check.otherTypes.map((e) => e.line).join(', ')})`);

    if (check.status === 'revoked' || check.status === 'changed') {
      return { status: 'fail', detail: check.status === 'revoked' ? `The server's key ${key.sha256} is marked as revoked` : `The server's key changed: now ${key.sha256}`, facts: { hostkey: facts }, stop: true };
    }

    let status: HostKeyFacts['status'] = check.status;
    if (status === 'unknown' && ctx.request.acceptHostKey && fingerprintMatches(ctx.request.acceptHostKey, key)) {
      status = 'accepted-once';
      ctx.log(`Host key ${key.sha256} accepted for this run (it matches the fingerprint given)`);
    } else if (status === 'unknown' && ctx.request.acceptHostKey) {
      ctx.log(`The fingerprint given (${ctx.request.acceptHostKey.trim()}) does not match the server's key ${key.sha256}`);
    }
    if (status === 'unknown' && ctx.options.prompt) {
      ctx.progress(`New server key ${key.sha256}: waiting for your decision`);
      const resume = ctx.pauseBudget();
      let answer;
      try {
        answer = await ctx.options.prompt({ kind: 'hostkey', runId: ctx.runId, promptId: randomUUID(), host, port, key, status: 'unknown', previous: check.otherTypes.map((e) => toMatch(file, e)) });
      } catch {
        answer = null;
      } finally {
        resume();
      }
      if (answer && answer.kind === 'hostkey' && answer.decision === 'trust') {
        try {
          const written = await addHostKey(file, host, port, key.publicKey);
          ctx.log(`Saved the server's key in ${file} (line ${written.line})`);
          status = 'trusted';
          facts.matches = [{ file, line: written.line, type: key.type, sha256: key.sha256 }];
        } catch (err) {
          // Never a silent downgrade: the step says the key was NOT saved, where and why.
          facts.notSaved = `${(err as Error).message} The key was trusted for this run only; you will be asked again next time.`;
          ctx.log(`Could not save the key in ${file}: ${(err as Error).message}`);
          status = 'accepted-once';
        }
      } else if (answer && answer.kind === 'hostkey' && answer.decision === 'once') {
        status = 'accepted-once';
      }
    }
    facts.status = status;

    if (status === 'unknown') {
      const methods = ctx.facts.input!.user ? await learnAuthMethods(ctx, transport) : null;
      return {
        status: 'fail',
        detail: `New server key ${key.type} ${key.sha256}: not trusted yet`,
        facts: { hostkey: facts, ...(methods ? { auth: { methods, attempts: [] } } : {}) },
        stop: true,
      };
    }

    // Trusted: let ssh2 finish the key exchange (NEWKEYS) before anything secret may be sent.
    transport.hostKey!.decide(true);
    const done = await transport.waitFor(() => transport.negotiated ?? undefined, ctx.remaining(), ctx.signal);
    if (typeof done !== 'object') {
      const f = transport.failure;
      return { status: 'fail', detail: f ? `The connection ended after the key check: ${f.message}` : 'The server did not finish the key exchange', facts: { hostkey: facts, kex: { ...ctx.facts.kex!, error: f?.kind === 'reset' ? 'ECONNRESET' : (f?.message ?? 'timeout') } }, stop: true };
    }
    const how = facts.notSaved ? `NOT saved: ${facts.notSaved}` : status === 'accepted-once' ? 'accepted for this run' : 'known';
    return { status: 'ok', detail: `${key.type} ${key.sha256} (${how})`, facts: { hostkey: facts } };
  },
};
