import { createHash } from 'node:crypto';
import type { IdentityCallback, ParsedKey, SignCallback, SigningRequestOptions } from 'ssh2';
import { BaseAgent, createAgent } from './ssh2';

/**
 * The keys of a running SSH agent (ssh-agent, or Pageant on Windows), each usable as its own
 * login attempt: ssh2 would try an agent's keys in one go and report only the end, while the
 * diagnosis needs each key's answer. Private keys never leave the agent; it signs for us.
 */

export interface AgentKey {
  type: string;
  blob: Buffer;
  fingerprint: string;
  comment: string;
  /** An agent that offers only this key and asks the real agent to sign. */
  agent: BaseAgent;
}

/** Where the agent is: SSH_AUTH_SOCK (Pageant on Windows), or null when none runs. */
export function agentSocket(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (explicit !== undefined) return explicit || null;
  if (process.platform === 'win32') return 'pageant';
  return env.SSH_AUTH_SOCK || null;
}

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

class OneKeyAgent extends BaseAgent<ParsedKey> {
  constructor(
    private readonly real: BaseAgent,
    private readonly key: ParsedKey,
  ) {
    super();
  }

  getIdentities(cb: IdentityCallback<ParsedKey>): void {
    cb(undefined, [this.key]);
  }

  sign(pubKey: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    const callback = typeof options === 'function' ? options : cb;
    const opts = typeof options === 'function' ? {} : options;
    (this.real as BaseAgent<ParsedKey>).sign(pubKey, data, opts, callback);
  }
}

/** Lists the agent's keys within timeoutMs. Never throws: an unreachable agent gives an error text. */
export function listAgentKeys(socket: string, timeoutMs: number): Promise<{ keys: AgentKey[] } | { error: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: { keys: AgentKey[] } | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => finish({ error: 'the agent did not answer' }), Math.max(1, timeoutMs));
    let real: BaseAgent;
    try {
      real = createAgent(socket);
    } catch (err) {
      finish({ error: (err as Error).message });
      return;
    }
    (real as BaseAgent<ParsedKey>).getIdentities((err, keys) => {
      if (err || !keys) return finish({ error: err?.message ?? 'no answer' });
      const out: AgentKey[] = [];
      for (const k of keys.slice(0, 100)) {
        if (!k || typeof (k as ParsedKey).getPublicSSH !== 'function') continue;
        const blob = (k as ParsedKey).getPublicSSH();
        out.push({ type: (k as ParsedKey).type, blob, fingerprint: fingerprintOf(blob), comment: (k as ParsedKey).comment ?? '', agent: new OneKeyAgent(real, k as ParsedKey) });
      }
      finish({ keys: out });
    });
  });
}
