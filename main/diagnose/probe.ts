import net from 'node:net';
import type { Facts } from '../../shared/types';

/** The ports SSH servers are usually found on, in the order we suggest them. */
export const USUAL_SSH_PORTS = [22, 2222, 2022, 22222, 8022] as const;

export type ProbeResult = NonNullable<NonNullable<Facts['tcp']>['probes']>[number];

/**
 * Asks one port whether an SSH server answers there: connect, read the first line. Bounded by
 * timeoutMs and 1 KiB; the socket is always destroyed.
 */
export function probePort(address: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    let settled = false;
    const sock = net.connect({ host: address, port });
    sock.setNoDelay(true);
    const finish = (result: ProbeResult['result'], banner?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve({ port, result, ...(banner ? { banner } : {}) });
    };
    const onAbort = () => finish('timeout');
    const timer = setTimeout(() => finish(data.length ? 'other' : 'timeout'), Math.max(1, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    sock.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]).subarray(0, 1024);
      const nl = data.indexOf(0x0a);
      if (data.subarray(0, 4).toString('latin1') === 'SSH-' && nl !== -1) {
        finish('ssh', data.subarray(0, nl).toString('latin1').replace(/\r$/, ''));
      } else if (data.length >= 4 && data.subarray(0, 4).toString('latin1') !== 'SSH-') {
        // Lines before the identification are allowed; wait for a line end or the limit.
        if (nl !== -1 && !/^[\x20-\x7e\t]*\r?$/.test(data.subarray(0, nl).toString('latin1'))) finish('other');
        else if (data.length >= 1024) finish('other');
      }
    });
    sock.on('error', () => finish('closed'));
    sock.on('end', () => finish(data.length ? 'other' : 'closed'));
  });
}

/**
 * Probes the usual SSH ports (and the port the user typed, when it differs) on the address that
 * just failed, all at once, within the budget left. Only called after a failure.
 */
export async function probeUsualPorts(address: string, failedPort: number, extraPorts: number[], timeoutMs: number, signal: AbortSignal): Promise<ProbeResult[]> {
  const ports = [...new Set([...USUAL_SSH_PORTS, ...extraPorts])].filter((p) => p !== failedPort && p >= 1 && p <= 65535);
  if (timeoutMs < 50) return [];
  return Promise.all(ports.map((p) => probePort(address, p, timeoutMs, signal)));
}

/** The port to suggest: the first usual port that answered with an SSH identification. */
export function sshPortFound(probes: ProbeResult[] | undefined): ProbeResult | undefined {
  return probes?.find((p) => p.result === 'ssh');
}
