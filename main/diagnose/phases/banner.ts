import type { Facts } from '../../../shared/types';
import type { PhaseModule, PhaseOutcome } from '../context';
import { probeUsualPorts, sshPortFound } from '../probe';
import { Transport } from '../transport';
import type { KexinitInfo } from '../wire';
import { buildOffer, chooseOffer } from './kex';
import { typedPort } from './tcp';

type BannerFacts = NonNullable<Facts['banner']>;

/**
 * Reads the server's identification on the connection the tcp phase opened. ssh2 is attached to
 * that same socket here (it speaks first from our side), while our recorder keeps the raw bytes.
 */
export const bannerPhase: PhaseModule = {
  phase: 'banner',
  async run(ctx): Promise<PhaseOutcome> {
    const socket = ctx.link.socket!;
    const offer = await buildOffer(ctx);
    ctx.link.offer = offer;
    // "auto": the weak algorithms are chosen from the server's offer once it is in (same connection).
    const algorithms = ctx.request.legacyAlgorithmsAuto ? (server: KexinitInfo | null) => chooseOffer(ctx, offer, server) : offer;
    const transport = new Transport(socket, {
      username: ctx.facts.input!.user || 'sftp-doctor',
      algorithms,
      debug: (line) => ctx.log(line, 'ssh'),
      ...(ctx.link.socketError ? { earlyError: ctx.link.socketError } : {}),
      ...(ctx.request.keepaliveSeconds && ctx.request.keepaliveSeconds > 0 ? { keepaliveSeconds: ctx.request.keepaliveSeconds } : {}),
    });
    ctx.link.transport = transport;
    ctx.onCleanup(() => transport.close());

    const t0 = Date.now();
    const rec = transport.recorder;
    const waited = await transport.waitFor(() => (rec.verdict.kind === 'pending' ? undefined : rec.verdict), ctx.remainingBeforeProbes(), ctx.signal);
    const waitedMs = Date.now() - t0;
    // 'aborted' (cancel or the hard stop) is judged like a timeout; the engine reports a cancel itself.
    const verdict = rec.verdict;
    const base = { bytesReceived: rec.bytesSeen, waitedMs, ...(rec.bytesSeen > 0 ? { firstBytes: rec.firstBytes() } : {}) };

    if (verdict.kind === 'ssh2') {
      const banner: BannerFacts = { outcome: 'ssh', ...base };
      const server = { banner: verdict.ident, software: verdict.software, preBanner: rec.preBanner, algorithms: null };
      const pre = rec.preBannerCount ? ` after ${rec.preBannerCount} other line${rec.preBannerCount === 1 ? '' : 's'}` : '';
      return { status: 'ok', detail: `${verdict.software || verdict.ident}${pre}`, facts: { banner, server } };
    }

    let banner: BannerFacts;
    if (verdict.kind === 'ftp') banner = { outcome: 'ftp', ...base, firstBytes: verdict.line.slice(0, 160) };
    else if (verdict.kind === 'ssh1') banner = { outcome: 'ssh1', ...base, firstBytes: verdict.ident };
    else if (verdict.kind === 'not-ssh') banner = { outcome: 'not-ssh', reason: verdict.reason, ...base, firstBytes: verdict.sample };
    else if (waited === 'failure') {
      const f = transport.failure!;
      banner = { outcome: f.kind === 'closed' ? 'closed' : 'reset', ...base };
    } else if (rec.bytesSeen > 0) {
      banner = { outcome: 'not-ssh', reason: 'text', ...base };
    } else {
      banner = { outcome: 'timeout', ...base };
    }
    const server = { banner: verdict.kind === 'ssh1' ? verdict.ident : null, software: null, preBanner: rec.preBanner, algorithms: null };
    transport.close();

    let probes;
    if (banner.outcome !== 'ssh1' && !ctx.signal.aborted && ctx.link.address) {
      ctx.progress(`No SSH server on port ${ctx.link.port}; checking the usual SSH ports…`);
      probes = await probeUsualPorts(ctx.link.address, ctx.link.port!, typedPort(ctx), Math.min(ctx.remaining(), 3000), ctx.signal);
    }
    const found = sshPortFound(probes);
    const detail = {
      ftp: 'An FTP server answered, not SSH',
      'not-ssh': 'Something that is not an SSH server answered',
      ssh1: 'The server only speaks the old SSH-1 protocol',
      closed: 'The server closed the connection without a greeting',
      reset: 'The connection was reset before any greeting',
      timeout: `No greeting within ${Math.round(waitedMs / 100) / 10} s`,
      ssh: '',
    }[banner.outcome];
    const tcp = probes ? { ...ctx.facts.tcp!, probes } : undefined;
    return { status: 'fail', detail: `${detail}${found ? `; an SSH server answers on port ${found.port}` : ''}`, facts: { banner, server, ...(tcp ? { tcp } : {}) }, stop: true };
  },
};
