/**
 * Engine speed on a healthy loopback sshd: our diagnose() to OK_TRANSPORT versus OpenSSH's own
 * client connecting to the same server.
 *
 * The comparison: `ssh -F /dev/null -o BatchMode=yes -o PreferredAuthentications=none
 * -o StrictHostKeyChecking=yes -o UserKnownHostsFile=<file with the key> -p PORT u@HOST true`.
 * OpenSSH then does what our engine does (TCP, identification, key exchange, host key check
 * against known_hosts, NEWKEYS) plus the ssh-userauth service request and one `none` request,
 * then exits with "Permission denied": the cheapest full connect OpenSSH can be asked for without
 * a secret. Its time includes starting the ssh process (a few ms); ours is measured in-process, as
 * the app and the UI host run the engine (a CLI run adds Node's own start-up on top, not counted).
 * Both use the same known_hosts content and the same server; medians of N alternating runs.
 * OpenSSH's default key exchange (sntrup761x25519, post-quantum) costs ~50 ms more CPU than the
 * curve25519 ssh2 uses, so the ratio is taken against ssh forced to curve25519-sha256 (like for
 * like); the default figure is printed too. The ratio uses the time until ssh's -v log reports
 * "SSH2_MSG_NEWKEYS received" — the exact point where our engine stops with OK_TRANSPORT.
 *
 *
 * Since engine part 2 a healthy run goes on to log in and list the start folder, so the transport
 * figure is the engine's own time until its hostkey step ended (the sum of the input..hostkey
 * steps of a full run), and a second comparison covers the whole job:
 *
 * Listing: our diagnose() from nothing to OK (key login, SFTP session, home folder listed, and the
 * write test: a 4 KiB file created, written, read back, renamed, removed) versus
 * `sftp -b - -i KEY -P PORT u@HOST` running `ls`, `put` of a 4 KiB file and `rm` (OpenSSH
 * connecting, logging in with the same key, listing the same folder, uploading and removing, then
 * exiting). The write test's SFTP requests and round trips are reported (pipelined: 2 round trips). Both against the same sshd, the
 * same known_hosts, medians of N alternating runs, ssh forced to the kex ssh2 uses
 * (curve25519-sha256) for the ratio; OpenSSH's default kex figure is printed as well.
 *
 * Run: npx tsx scripts/bench-engine.ts [runs]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKey, setupAccount, startSshd } from '../e2e/harness/index';
import { diagnose } from '../main/diagnose/index';

export interface EngineBenchResult {
  name: string;
  runs: number;
  oursMs: number;
  /** OpenSSH with its default (post-quantum sntrup761x25519) key exchange. */
  opensshDefaultMs: number;
  /** OpenSSH forced to the key exchange ssh2 picks (curve25519-sha256), until it exits. */
  opensshMs: number;
  /** The same, but stopped at the point our engine stops: "SSH2_MSG_NEWKEYS received" (from ssh -v): the ratio uses this. */
  opensshToNewkeysMs: number;
  ratio: number;
  budget: number;
  ok: boolean;
  note: string;
  /** Connect, log in with a key, open SFTP and list the home folder: ours versus `sftp -b`. */
  listing: {
    /** The write test inside our run: SFTP requests, round trips waited for, its step's median time. */
    write: { requests: number; roundTrips: number; ms: number; ok: boolean };
    oursMs: number;
    opensshMs: number;
    opensshDefaultMs: number;
    entries: number;
    ratio: number;
    budget: number;
    ok: boolean;
    note: string;
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Milliseconds until ssh exits, or (untilNewkeys) until its -v log says the keys are in use. */
function timeSsh(host: string, port: number, knownHosts: string, extra: string[] = [], untilNewkeys = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let newkeysAt: number | null = null;
    const child = spawn('ssh', ['-F', '/dev/null', ...(untilNewkeys ? ['-v'] : []), ...extra, '-o', 'BatchMode=yes', '-o', 'PreferredAuthentications=none', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5', '-p', String(port), `bench@${host}`, 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (newkeysAt === null && err.includes('SSH2_MSG_NEWKEYS received')) newkeysAt = Number(process.hrtime.bigint() - t0) / 1e6;
    });
    child.on('error', reject);
    child.on('close', () => {
      const ms = untilNewkeys ? (newkeysAt ?? NaN) : Number(process.hrtime.bigint() - t0) / 1e6;
      // The expected end: host key accepted, then no login method left.
      if (!/Permission denied/.test(err)) reject(new Error(`ssh did not get as far as authentication: ${err.trim()}`));
      else resolve(ms);
    });
  });
}

/** Milliseconds for `sftp -b -` to connect, log in with the key, list the home folder and exit. */
/** The file `sftp -b` puts and removes after its `ls`, as big as the engine's write test (4096 bytes). */
let putFile = '';

function timeSftp(host: string, port: number, user: string, key: string, knownHosts: string, extra: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const env = { ...process.env };
    delete env.SSH_AUTH_SOCK;
    const child = spawn('sftp', ['-F', '/dev/null', ...extra, '-b', '-', '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-P', String(port), `${user}@${host}`], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 || !out.includes('bench-file-1')) reject(new Error(`sftp -b did not list the folder (exit ${code}): ${err.trim()}`));
      else resolve(ms);
    });
    // Like the engine's healthy run: list the folder, then upload a 4 KiB file and remove it.
    child.stdin.end(`ls\nput ${putFile} bench-put.tmp\nrm bench-put.tmp\n`);
  });
}

export async function benchEngine(runs = 15): Promise<EngineBenchResult> {
  const server = await startSshd();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-engine-'));
  try {
    const key = await generateKey('ed25519', dir, 'bench_key');
    const account = await setupAccount({ name: 'sd4bench', password: randomUUID(), authorizedKeys: [key.publicKey], files: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`bench-file-${i}`, `${i}\n`])) });
    putFile = path.join(dir, 'bench-put');
    await fs.writeFile(putFile, Buffer.alloc(4096, 0x61));
    const knownHosts = path.join(dir, 'known_hosts');
    await fs.writeFile(knownHosts, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n') + '\n');
    const ours: number[] = [];
    const theirs: number[] = [];
    const theirsDefault: number[] = [];
    const theirsNewkeys: number[] = [];
    const sameKex = ['-o', 'KexAlgorithms=curve25519-sha256'];
    const oursListing: number[] = [];
    const sftpSame: number[] = [];
    const sftpDefault: number[] = [];
    let entries = 0;
    let writeRequests = 0;
    let writeRoundTrips = 0;
    const writeMs: number[] = [];
    /** One full run to OK; returns its total and the engine's time until the host key step ended. */
    const oursOnce = async () => {
      const t0 = process.hrtime.bigint();
      const r = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: account.name, privateKey: { path: key.path }, timeoutMs: 5000 }, { defaultKnownHostsPath: knownHosts, agentSocket: '' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.diagnosis.code !== 'OK') throw new Error(`engine ended with ${r.diagnosis.code}, not OK`);
      entries = r.facts.sftp?.entries ?? 0;
      if (r.facts.write?.stage !== 'done') throw new Error('the engine did not do its write test');
      writeRequests = r.facts.write.requests ?? 0;
      writeRoundTrips = r.facts.write.roundTrips ?? 0;
      writeMs.push(r.steps.find((s) => s.phase === 'write')?.ms ?? 0);
      const upToHostKey = r.steps.slice(0, r.steps.findIndex((s) => s.phase === 'hostkey') + 1).reduce((a, s) => a + s.ms, 0);
      return { ms, upToHostKey };
    };
    // Warm-up: module loading, JIT, sshd's first fork.
    await oursOnce();
    await timeSsh(server.host, server.port, knownHosts, sameKex);
    await timeSftp(server.host, server.port, account.name, key.path, knownHosts, sameKex);
    for (let i = 0; i < runs; i++) {
      const o = await oursOnce();
      ours.push(o.upToHostKey);
      oursListing.push(o.ms);
      sftpSame.push(await timeSftp(server.host, server.port, account.name, key.path, knownHosts, sameKex));
      sftpDefault.push(await timeSftp(server.host, server.port, account.name, key.path, knownHosts));
      theirs.push(await timeSsh(server.host, server.port, knownHosts, sameKex));
      theirsDefault.push(await timeSsh(server.host, server.port, knownHosts));
      theirsNewkeys.push(await timeSsh(server.host, server.port, knownHosts, sameKex, true));
    }
    const listOurs = median(oursListing);
    const listTheirs = median(sftpSame);
    const listRatio = listOurs / listTheirs;
    const oursMs = median(ours);
    const opensshMs = median(theirs);
    const opensshDefaultMs = median(theirsDefault);
    const opensshToNewkeysMs = median(theirsNewkeys);
    const ratio = oursMs / opensshToNewkeysMs;
    return {
      listing: {
        write: { requests: writeRequests, roundTrips: writeRoundTrips, ms: Math.round(median(writeMs) * 10) / 10, ok: writeRoundTrips >= 1 && writeRoundTrips <= writeRequests && writeRoundTrips <= 2 },
        oursMs: Math.round(listOurs * 10) / 10,
        opensshMs: Math.round(listTheirs * 10) / 10,
        opensshDefaultMs: Math.round(median(sftpDefault) * 10) / 10,
        entries,
        ratio: Math.round(listRatio * 100) / 100,
        budget: 1.5,
        ok: listRatio <= 1.5,
        note: 'ratio = ours (in-process, connect to OK: key login, home folder listed, 4 KiB test file written, read back, renamed, removed) / sftp -b with `ls`, `put` of 4 KiB and `rm`, same kex (process start included)',
      },
      name: 'engine: healthy loopback sshd, transport (until the host key step) vs ssh to NEWKEYS',
      runs,
      oursMs: Math.round(oursMs * 10) / 10,
      opensshMs: Math.round(opensshMs * 10) / 10,
      opensshDefaultMs: Math.round(opensshDefaultMs * 10) / 10,
      opensshToNewkeysMs: Math.round(opensshToNewkeysMs * 10) / 10,
      ratio: Math.round(ratio * 100) / 100,
      budget: 1.5,
      ok: ratio <= 1.5,
      note: 'ratio = ours (in-process, input..hostkey steps of a full run) / ssh with the same kex until NEWKEYS (process start included)',
    };
  } finally {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 15);
  benchEngine(runs).then(
    (r) => {
      console.log(r.name);
      console.log(`  ours ${r.oursMs} ms; OpenSSH same kex: ${r.opensshToNewkeysMs} ms to NEWKEYS, ${r.opensshMs} ms to exit; default sntrup761 kex: ${r.opensshDefaultMs} ms to exit (medians of ${r.runs})`);
      console.log(`  ratio ${r.ratio} (budget ${r.budget}) ${r.ok ? 'OK' : 'TOO SLOW'}`);
      console.log(`  ${r.note}`);
      const l = r.listing;
      console.log('engine: connect, key login, SFTP, list the home folder, write test vs sftp -b (ls, put, rm)');
      console.log(`  write test: ${l.write.requests} SFTP requests in ${l.write.roundTrips} round trips, step ${l.write.ms} ms (median)`);
      console.log(`  ours ${l.oursMs} ms (${l.entries} entries); sftp -b same kex: ${l.opensshMs} ms; default kex: ${l.opensshDefaultMs} ms (medians of ${r.runs})`);
      console.log(`  ratio ${l.ratio} (budget ${l.budget}) ${l.ok ? 'OK' : 'TOO SLOW'}`);
      console.log(`  ${l.note}`);
      process.exitCode = r.ok && l.ok && l.write.ok ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`bench-engine failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
