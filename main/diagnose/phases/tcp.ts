import net from 'node:net';
import os from 'node:os';
import type { Facts, LocalEndpoint } from '../../../shared/types';
import type { PhaseModule, PhaseOutcome, RunContext } from '../context';
import { probeUsualPorts, sshPortFound } from '../probe';
import { parsePort } from './input';

type TcpFacts = NonNullable<Facts['tcp']>;

/** How a connect attempt ended: "connected" or an errno-like code (ETIMEDOUT for our own timeout). */
/** The interface (os.networkInterfaces) that holds a local address, if any does. */
export function interfaceOf(address: string): string | undefined {
  const bare = address.replace(/^::ffff:(?=\d+\.)/, '').replace(/%.*$/, '').toLowerCase();
  try {
    for (const [name, list] of Object.entries(os.networkInterfaces())) {
      if (list?.some((i) => i.address.toLowerCase() === bare)) return name;
    }
  } catch {
    // some sandboxes refuse to list interfaces
  }
  return undefined;
}

/** The local end of a socket, while it is still open (also during a connect that is waiting). */
function localEnd(socket: net.Socket): LocalEndpoint | undefined {
  const address = socket.localAddress;
  const port = socket.localPort;
  if (!address || !port) return undefined;
  const name = interfaceOf(address);
  return { address, port, ...(name ? { interface: name } : {}) };
}

export function connectOnce(address: string, port: number, timeoutMs: number, signal: AbortSignal, onLateError: (err: NodeJS.ErrnoException) => void): Promise<{ socket?: net.Socket; result: string; local?: LocalEndpoint }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    socket.setNoDelay(true);
    let done = false;
    let local: LocalEndpoint | undefined;
    const finish = (result: string, keep: boolean) => {
      if (done) return;
      done = true;
      local = localEnd(socket);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      if (keep) {
        // Later phases add their own listeners; this one keeps a late error from crashing the process.
        socket.on('error', onLateError);
        resolve({ socket, result, ...(local ? { local } : {}) });
      } else {
        socket.destroy();
        resolve({ result, ...(local ? { local } : {}) });
      }
    };
    const onError = (err: NodeJS.ErrnoException) => finish(err.code ?? 'EIO', false);
    const onAbort = () => finish('ABORTED', false);
    const timer = setTimeout(() => finish('ETIMEDOUT', false), Math.max(1, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish('connected', true));
    socket.on('error', onError);
  });
}

/** Which failure to report when every address failed: the most telling one. */
export function mainError(results: string[]): string {
  // Stopped by the run's hard deadline: that is a timeout too (a cancel is reported by the engine).
  results = results.map((r) => (r === 'ABORTED' ? 'ETIMEDOUT' : r));
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']) if (results.includes(code)) return code;
  return results[0] ?? 'ETIMEDOUT';
}

const PROBE_AFTER = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET']);

/** Port the user typed in the form when it differs from the one used (e.g. a port in the host field). */
export function typedPort(ctx: RunContext): number[] {
  const p = ctx.request.port;
  const n = p === undefined || p === '' ? null : parsePort(p);
  return n ? [n] : [];
}

export const tcpPhase: PhaseModule = {
  phase: 'tcp',
  async run(ctx): Promise<PhaseOutcome> {
    const port = ctx.facts.input!.port;
    const addresses = ctx.facts.dns!.addresses;
    const attempts: TcpFacts['attempts'] = [];
    let local: LocalEndpoint | undefined;
    for (let i = 0; i < addresses.length; i++) {
      const a = addresses[i]!;
      const left = ctx.remainingBeforeProbes();
      if (left <= 0) break;
      // Each address gets its own share of the time left, so one silent address cannot eat it all.
      const share = Math.max(1, Math.floor(left / (addresses.length - i)));
      ctx.progress(`Connecting to ${a.address} port ${port}…`);
      const t0 = Date.now();
      const { socket, result, local: end } = await connectOnce(a.address, port, share, ctx.signal, (err) => {
        ctx.link.socketError ??= err;
      });
      if (end) local = end;
      attempts.push({ address: a.address, result, ms: Date.now() - t0 });
      if (socket) {
        ctx.link.socket = socket;
        ctx.link.address = a.address;
        ctx.link.port = port;
        ctx.onCleanup(() => socket.destroy());
        return { status: 'ok', detail: `Connected to ${a.address} port ${port} in ${Date.now() - t0} ms`, facts: { tcp: { address: a.address, port, ...(local ? { local } : {}), attempts } } };
      }
      if (result === 'ABORTED') break;
    }
    const error = mainError(attempts.map((a) => a.result));
    const failed = attempts.find((a) => a.result === error) ?? attempts[0];
    const facts: TcpFacts = { port, error, attempts, ...(failed ? { address: failed.address } : {}), ...(local ? { local } : {}) };
    if (failed && PROBE_AFTER.has(error) && !ctx.signal.aborted) {
      ctx.progress(`Port ${port} did not work; checking the usual SSH ports on ${failed.address}…`);
      facts.probes = await probeUsualPorts(failed.address, port, typedPort(ctx), Math.min(ctx.remaining(), 3000), ctx.signal);
    }
    const found = sshPortFound(facts.probes);
    const what = error === 'ECONNREFUSED' ? 'refused' : error === 'ETIMEDOUT' ? 'got no answer' : error === 'ECONNRESET' ? 'was reset' : `failed (${error})`;
    return { status: 'fail', detail: `Port ${port} ${what}${found ? `; an SSH server answers on port ${found.port}` : ''}`, facts: { tcp: facts }, stop: true };
  },
};
