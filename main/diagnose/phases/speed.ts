import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { SpeedFacts } from '../../../shared/types';
import { RunAborted, untilAborted, type PhaseModule, type PhaseOutcome, type RunContext } from '../context';

/**
 * Transfer speed, a figure and not a verdict: upload and download SPEED_BYTES with ssh2's
 * fastPut/fastGet (parallel requests) on the run's own connection, check the copy, remove it; then,
 * when OpenSSH's sftp can log in the same way without asking (a key file without passphrase, or
 * the agent), the same transfers with `sftp -b` on the same link. Time spent here does not count
 * against the budget; each transfer is bounded by TRANSFER_MS.
 */
export const SPEED_BYTES = 8 * 1024 * 1024;
const TRANSFER_MS = 60_000;
/** ssh2's defaults are 64 requests of 32 KiB; we use the same as OpenSSH's sftp (-R 64 -B 32768). */
const FAST = { concurrency: 64, chunkSize: 32 * 1024 };
/** Ours is called the bottleneck when it is below this share of OpenSSH's speed. */
const SLOWER_SHARE = 0.5;

const mbps = (bytes: number, ms: number) => Math.round((bytes / 1e6 / Math.max(ms, 1)) * 1000 * 10) / 10;

function openSftp(ctx: RunContext): Promise<SFTPWrapper> {
  const client = ctx.link.transport!.client;
  return untilAborted(ctx.signal, new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)))));
}

function transfer(ctx: RunContext, fn: (done: (err?: Error | null) => void) => void): Promise<number> {
  const t0 = process.hrtime.bigint();
  const p = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no end after ${TRANSFER_MS / 1000} s`)), TRANSFER_MS);
    fn((err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
  });
  return untilAborted(ctx.signal, p).then(() => Number(process.hrtime.bigint() - t0) / 1e6);
}

async function sameFile(a: string, b: string): Promise<boolean> {
  const h = async (f: string) => createHash('sha256').update(await fs.readFile(f)).digest('hex');
  return (await h(a)) === (await h(b));
}

/** Runs `sftp -b -` with these commands; milliseconds until it exited, or an error in plain words. */
function timeSftp(args: string[], commands: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('sftp', [...args], { stdio: ['pipe', 'ignore', 'pipe'], env });
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TRANSFER_MS);
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 2000) err += d.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (code === 0) resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      else reject(new Error(err.trim().split('\n').pop()?.slice(0, 200) || `sftp exited with ${code}`));
    });
    child.stdin.end(commands);
  });
}

/** OpenSSH's sftp on the same link with the same login, or why it cannot be asked. */
async function opensshSpeed(ctx: RunContext, dir: string, local: string, remote: string): Promise<SpeedFacts['openssh']> {
  const f = ctx.facts;
  const r = ctx.request;
  if (r.proxy || r.jumpHosts?.length) return { unavailable: 'not compared through a proxy or jump hosts' };
  const winner = [...(f.auth?.attempts ?? [])].reverse().find((a) => a.result === 'success');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  const args = ['-F', '/dev/null', '-b', '-', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null', '-R', String(FAST.concurrency), '-B', String(FAST.chunkSize)];
  if (winner?.method === 'publickey' && winner.source === 'given' && r.privateKey?.path && f.key && !f.key.encrypted && !f.key.convertedFrom) {
    args.push('-i', r.privateKey.path, '-o', 'IdentitiesOnly=yes');
  } else if (winner?.method === 'publickey' && winner.source === 'agent' && ctx.options.agentSocket !== '' && (ctx.options.agentSocket ?? process.env.SSH_AUTH_SOCK)) {
    env.SSH_AUTH_SOCK = ctx.options.agentSocket ?? process.env.SSH_AUTH_SOCK;
  } else {
    return { unavailable: 'OpenSSH\'s sftp cannot log in here without asking (password, or a key with a passphrase)' };
  }
  const hk = f.hostkey?.key;
  const address = f.tcp?.address ?? f.input?.host;
  const port = f.tcp?.port ?? f.input?.port ?? 22;
  if (!hk || !address) return { unavailable: 'the server key is not known' };
  const kh = path.join(dir, 'known_hosts');
  await fs.writeFile(kh, `[${address}]:${port} ${hk.publicKey}\n`, { mode: 0o600 });
  args.push('-o', `UserKnownHostsFile=${kh}`, '-P', String(port), `${r.user}@${address}`);
  const back = path.join(dir, 'openssh-download');
  const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  try {
    // The connection alone, then put, then get + rm: the transfer times are the differences.
    const base = await timeSftp(args, 'pwd\n', env, ctx.signal);
    const up = await timeSftp(args, `put ${q(local)} ${q(remote)}\n`, env, ctx.signal);
    const down = await timeSftp(args, `get ${q(remote)} ${q(back)}\nrm ${q(remote)}\n`, env, ctx.signal);
    return { uploadMBps: mbps(SPEED_BYTES, up - base), downloadMBps: mbps(SPEED_BYTES, down - base) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { unavailable: 'OpenSSH\'s sftp is not installed' };
    return { unavailable: `OpenSSH's sftp failed: ${(err as Error).message}` };
  }
}

export const speedPhase: PhaseModule = {
  phase: 'speed',
  async run(ctx): Promise<PhaseOutcome> {
    if (!ctx.request.speedTest) return { status: 'skipped', detail: 'Not asked for', facts: {} };
    if (ctx.facts.write?.stage !== 'done' || !ctx.link.sftp || !ctx.link.transport) return { status: 'skipped', detail: 'Needs a working write test', facts: {} };
    const folder = ctx.link.sftp.path;
    const name = `sftp-doctor-speed-test-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}.tmp`;
    const remote = folder === '/' ? `/${name}` : `${folder.replace(/\/+$/, '')}/${name}`;
    const speed: SpeedFacts = { bytes: SPEED_BYTES };
    const resume = ctx.pauseBudget();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-speed-'));
    let sftp: SFTPWrapper | null = null;
    try {
      const local = path.join(dir, 'upload');
      const back = path.join(dir, 'download');
      await fs.writeFile(local, randomBytes(SPEED_BYTES), { mode: 0o600 });
      sftp = await openSftp(ctx);
      const s = sftp;
      ctx.progress(`Uploading ${SPEED_BYTES / 1024 / 1024} MiB…`);
      const upMs = await transfer(ctx, (done) => s.fastPut(local, remote, FAST, done));
      ctx.progress(`Downloading ${SPEED_BYTES / 1024 / 1024} MiB…`);
      const downMs = await transfer(ctx, (done) => s.fastGet(remote, back, FAST, done));
      await untilAborted(ctx.signal, new Promise<void>((resolve) => s.unlink(remote, () => resolve())));
      speed.uploadMBps = mbps(SPEED_BYTES, upMs);
      speed.downloadMBps = mbps(SPEED_BYTES, downMs);
      speed.verified = await sameFile(local, back);
      ctx.progress('Comparing with OpenSSH\'s sftp on the same link…');
      speed.openssh = await opensshSpeed(ctx, dir, local, remote);
      const o = speed.openssh;
      if (o && 'uploadMBps' in o) speed.oursSlower = speed.uploadMBps < o.uploadMBps * SLOWER_SHARE || speed.downloadMBps < o.downloadMBps * SLOWER_SHARE;
    } catch (err) {
      if (err instanceof RunAborted && err.reason === 'cancelled') throw err;
      speed.error = (err as Error).message.slice(0, 300);
    } finally {
      // Whatever happened: the remote copy goes (bounded), the local files go.
      const wire = ctx.link.sftp.wire;
      await Promise.race([wire.remove(remote).catch(() => undefined), new Promise((r) => setTimeout(r, 1500))]);
      sftp?.end();
      await fs.rm(dir, { recursive: true, force: true });
      resume();
    }
    const o = speed.openssh;
    const theirs = o && 'uploadMBps' in o ? `; OpenSSH sftp: up ${o.uploadMBps}, down ${o.downloadMBps} MB/s` : '';
    if (speed.error) return { status: 'warn', detail: `Speed not measured: ${speed.error}`, facts: { speed } };
    const detail = `Up ${speed.uploadMBps} MB/s, down ${speed.downloadMBps} MB/s${theirs}`;
    return { status: speed.oursSlower || speed.verified === false ? 'warn' : 'ok', detail, facts: { speed } };
  },
};
