/**
 * The command line as users run it (a fresh `node main/cli/sftp-doctor.cjs` process each time),
 * side by side with the tool it is compared with, runs alternating, medians:
 *
 *  1. `sftp-doctor keys inspect` of a PPK v3 that puttygen saved with its defaults (Argon2id,
 *     8192 KiB, passes tuned to ~100 ms: 13 here, pinned; parallelism 1) and a passphrase, against puttygen
 *     decrypting the same file (`-O private-openssh --old-passphrase F`: `-O public-openssh` and
 *     `-O fingerprint` read only the public lines and never decrypt). Budget: no slower. Where the
 *     time goes: `node -e 0`, `keys inspect` of an unencrypted PPK (start-up and loading, no
 *     Argon2), and Argon2 alone in-process with the native library and the WebAssembly fallback.
 *
 *  2. A healthy `sftp-doctor diagnose` (key login, home folder listed, write test) against a real
 *     loopback sshd, against OpenSSH's `sftp -b` doing `ls` on the same server with the same key
 *     and known_hosts, the key exchange ssh2 uses (curve25519-sha256: OpenSSH's default
 *     post-quantum one costs it more CPU; its figure is printed too). Two rows: the engine
 *     in-process (as the window runs it; budget 1.2x) and the CLI process (budget 1.2x once Node's
 *     own start-up, `node -e 0`, is set aside: a Node program cannot start faster than that).
 *     The round trips of each are counted by a relay in front of sshd.
 *     Also, for information: `diagnose --no-write-test` (connect, log in, list: the same work as
 *     `sftp -b ls`, where the default diagnose also writes, reads back and removes a test file),
 *     and where a diagnose process's time goes (Node's start, loading the CLI up to the engine's
 *     TCP connect, the engine up to the result printed, exit), from separate runs with
 *     scripts/bench-marks.cjs preloaded.
 *
 * Node's environment: where NODE_EXTRA_CA_CERTS is set (this workplace's machines set it to the
 * system's 140-odd CA certificates), Node 20 reads and parses that file before it runs a line of
 * any program: `node -e 0` takes about 90 ms with it and 30 ms without, here. sftp-doctor makes no
 * TLS connection and needs none of it. The timed runs of our processes leave that variable out,
 * as on a machine that does not set it; when it is set, the same runs with it are timed too and
 * printed beside them (information), so both figures are in every report.
 *
 * Run alone: npx tsx scripts/bench-cli.ts [runs]
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKey, setupAccount, startSshd } from '../e2e/harness/index';
import { diagnose } from '../main/diagnose/index';
import { argon2Engine, argon2Raw, type Argon2Params } from '../main/keys/argon2';
import { countingRelay } from './bench-path';

const BIN = path.join(__dirname, '..', 'main', 'cli', 'sftp-doctor.cjs');
const MARKS = path.join(__dirname, 'bench-marks.cjs');
/** What puttygen 0.78 picks here for its default 100 ms on an idle machine (8192 KiB, parallelism 1). */
const PUTTYGEN_IDLE_PASSES = Number(process.env.BENCH_PPK_PASSES ?? 13);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Set on this machine: every Node process reads these certificates first (see above). */
export const EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS || null;

/** `env` as on a machine that does not set NODE_EXTRA_CA_CERTS. */
export function withoutExtraCa(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.NODE_EXTRA_CA_CERTS;
  return out;
}

interface Timed {
  ms: number;
  code: number | null;
  out: string;
  err: string;
}

/** Wall time of one process, from spawn to exit. */
function timeProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, out, err }));
    child.stdin.end(opts.input ?? '');
  });
}

async function must(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; expect?: RegExp } = {}): Promise<number> {
  const r = await timeProcess(cmd, args, opts);
  if (r.code !== 0 || (opts.expect && !opts.expect.test(r.out))) throw new Error(`${path.basename(cmd)} ${args.slice(0, 3).join(' ')}... failed (exit ${r.code}): ${(r.err || r.out).trim().slice(0, 400)}`);
  return r.ms;
}

/** Runs each of `fns` once per round, `runs` rounds (alternating, so load changes hit all alike); medians. */
async function alternate<K extends string>(runs: number, fns: Record<K, () => Promise<number>>): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of keys) await fns[k](); // warm-up: file cache, sshd's first fork
  for (let i = 0; i < runs; i++) for (const k of keys) times[k].push(await fns[k]());
  return Object.fromEntries(keys.map((k) => [k, round1(median(times[k]))])) as Record<K, number>;
}

export interface KeysCliBench {
  kdf: string;
  oursMs: number;
  puttygenMs: number;
  ratio: number;
  ok: boolean;
  nodeMs: number;
  /** With this machine's NODE_EXTRA_CA_CERTS, when it sets one: node -e 0 and our keys inspect. */
  withExtraCa: { nodeMs: number; oursMs: number; ratio: number } | null;
  /** keys inspect of an unencrypted PPK: Node start-up, the CLI and the key library loading, no Argon2. */
  unencryptedMs: number;
  engine: string;
  /** Argon2 alone with the file's parameters, in-process. */
  argon2NativeMs: number | null;
  argon2WasmMs: number;
}

export async function benchKeysCli(runs = 11): Promise<KeysCliBench> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-bench-cli-keys-'));
  try {
    const passphrase = `bench ${randomUUID()}`;
    const passFile = path.join(dir, 'pass');
    const emptyFile = path.join(dir, 'empty');
    await fs.writeFile(passFile, passphrase);
    await fs.writeFile(emptyFile, '');
    const enc = path.join(dir, 'enc.ppk');
    const plain = path.join(dir, 'plain.ppk');
    // PuTTYgen's defaults, with the passes it picks on this machine when idle (13 for its ~100 ms
    // target) pinned: left to puttygen, a loaded machine at key generation gives fewer passes and
    // so a different job from run to run.
    await must('puttygen', ['-t', 'ed25519', '-o', enc, '--new-passphrase', passFile, '--ppk-param', `kdf=argon2id,memory=8192,passes=${PUTTYGEN_IDLE_PASSES},parallelism=1`]);
    await must('puttygen', ['-t', 'ed25519', '-o', plain, '--new-passphrase', emptyFile]);
    const text = await fs.readFile(enc, 'utf8');
    const field = (name: string) => new RegExp(`^${name}: *(\\S+)`, 'm').exec(text)?.[1] ?? '?';
    const params: Argon2Params = {
      variant: 'Argon2id',
      memoryKiB: Number(field('Argon2-Memory')),
      passes: Number(field('Argon2-Passes')),
      parallelism: Number(field('Argon2-Parallelism')),
      salt: Buffer.from(field('Argon2-Salt'), 'hex'),
    };
    const machineEnv = { ...process.env, SD_BENCH_PASSPHRASE: passphrase, SFTP_DOCTOR_HOME: path.join(dir, 'home') };
    const env = withoutExtraCa(machineEnv);
    const out = path.join(dir, 'out');
    const inspectEnc = (e: NodeJS.ProcessEnv) => must(process.execPath, [BIN, 'keys', 'inspect', '--passphrase-env', 'SD_BENCH_PASSPHRASE', enc], { env: e, expect: /passphrase you gave is correct/ });
    const t = await alternate(runs, {
      node: () => must(process.execPath, ['-e', '0'], { env }),
      unencrypted: () => must(process.execPath, [BIN, 'keys', 'inspect', plain], { env }),
      ours: () => inspectEnc(env),
      puttygen: async () => {
        await fs.rm(out, { force: true });
        return must('puttygen', [enc, '--old-passphrase', passFile, '--new-passphrase', emptyFile, '-O', 'private-openssh', '-o', out]);
      },
      ...(EXTRA_CA_CERTS ? { nodeExtraCa: () => must(process.execPath, ['-e', '0'], { env: machineEnv }), oursExtraCa: () => inspectEnc(machineEnv) } : {}),
    } as Record<'node' | 'unencrypted' | 'ours' | 'puttygen' | 'nodeExtraCa' | 'oursExtraCa', () => Promise<number>>);
    const pass = Buffer.from(passphrase);
    const inProcess = async (only: 'native' | 'wasm') => {
      const xs: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        await argon2Raw(params, pass, 80, only);
        if (i > 0) xs.push(performance.now() - t0); // the first call loads the library
      }
      return round1(median(xs));
    };
    const engine = await argon2Engine();
    return {
      kdf: `Argon2id ${params.memoryKiB} KiB, ${params.passes} passes, parallelism ${params.parallelism}`,
      oursMs: t.ours,
      puttygenMs: t.puttygen,
      ratio: Math.round((t.ours / t.puttygen) * 100) / 100,
      ok: t.ours <= t.puttygen,
      nodeMs: t.node,
      withExtraCa: EXTRA_CA_CERTS ? { nodeMs: t.nodeExtraCa, oursMs: t.oursExtraCa, ratio: Math.round((t.oursExtraCa / t.puttygen) * 100) / 100 } : null,
      unencryptedMs: t.unencrypted,
      engine,
      argon2NativeMs: engine === 'native' ? await inProcess('native') : null,
      argon2WasmMs: await inProcess('wasm'),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface DiagnoseCliBench {
  runs: number;
  nodeMs: number;
  sftpLsMs: number;
  sftpLsDefaultKexMs: number;
  /** The engine in-process, healthy run to OK (key login, listing, write test). */
  engineMs: number;
  engineRatio: number;
  engineOk: boolean;
  /** The same through the CLI, a new process each time. */
  cliMs: number;
  cliRatio: number;
  /** cli - node -e 0, against sftp ls. */
  cliOverNodeRatio: number;
  /** The process ratio (cliRatio) within 1.2x. */
  cliOk: boolean;
  /** With this machine's NODE_EXTRA_CA_CERTS, when it sets one: node -e 0 and our diagnose process. */
  withExtraCa: { nodeMs: number; cliMs: number; ratio: number } | null;
  /** `diagnose --no-write-test` as a process: the same work as sftp -b ls. */
  cliNoWriteMs: number;
  cliNoWriteRatio: number;
  /** Where a diagnose process's time goes (medians, ms). */
  breakdown: { nodeStartMs: number; loadMs: number; engineMs: number; exitMs: number; totalMs: number };
  roundTrips: { ours: number; oursNoWrite: number; sftpLs: number };
}

export async function benchDiagnoseCli(runs = 11): Promise<DiagnoseCliBench> {
  const server = await startSshd({ hostKeyTypes: ['ed25519'] });
  const relay = await countingRelay(server);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-bench-cli-diag-'));
  try {
    const key = await generateKey('ed25519', dir, 'bench_key');
    const account = await setupAccount({ name: 'sd4benchc', password: randomUUID(), authorizedKeys: [key.publicKey], files: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`bench-file-${i}`, `${i}\n`])) });
    const knownHosts = path.join(dir, 'known_hosts');
    const hostKey = server.hostKeys[0]!.publicKey;
    await fs.writeFile(knownHosts, `[${server.host}]:${server.port} ${hostKey}\n[${relay.host}]:${relay.port} ${hostKey}\n`);
    const machineEnv: NodeJS.ProcessEnv = { ...process.env, SFTP_DOCTOR_HOME: path.join(dir, `home-${randomBytes(4).toString('hex')}`) };
    delete machineEnv.SSH_AUTH_SOCK;
    const env = withoutExtraCa(machineEnv);
    const sftpArgs = (to: { host: string; port: number }, extra: string[]) => ['-F', '/dev/null', ...extra, '-b', '-', '-i', key.path, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-P', String(to.port), `${account.name}@${to.host}`];
    const sameKex = ['-o', 'KexAlgorithms=curve25519-sha256'];
    const engineOnce = async (to: { host: string; port: number }, writeTest = true) => {
      const t0 = process.hrtime.bigint();
      const r = await diagnose({ protocol: 'sftp', host: to.host, port: to.port, user: account.name, privateKey: { path: key.path }, writeTest, timeoutMs: 10_000 }, { defaultKnownHostsPath: knownHosts, agentSocket: '' });
      // Without the write test a healthy run ends with OK_READ_ONLY ("uploading was not checked").
      if (r.diagnosis.code !== (writeTest ? 'OK' : 'OK_READ_ONLY')) throw new Error(`the engine ended with ${r.diagnosis.code}, not OK: ${JSON.stringify(r.facts.write ?? null)}`);
      if (writeTest && r.facts.write?.stage !== 'done') throw new Error('the engine did not do its write test');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const cliArgs = ['diagnose', '--key', key.path, '--known-hosts', knownHosts, `sftp://${account.name}@${server.host}:${server.port}`];
    const t = await alternate(runs, {
      node: () => must(process.execPath, ['-e', '0'], { env }),
      engine: () => engineOnce(server),
      cli: () => must(process.execPath, [BIN, ...cliArgs], { env, expect: /Everything works/ }),
      cliNoWrite: () => must(process.execPath, [BIN, ...cliArgs, '--no-write-test'], { env, expect: /\[OK_READ_ONLY\]/ }),
      sftpLs: () => must('sftp', sftpArgs(server, sameKex), { env, input: 'ls\n', expect: /bench-file-1/ }),
      sftpLsDefault: () => must('sftp', sftpArgs(server, []), { env, input: 'ls\n', expect: /bench-file-1/ }),
      ...(EXTRA_CA_CERTS
        ? { nodeExtraCa: () => must(process.execPath, ['-e', '0'], { env: machineEnv }), cliExtraCa: () => must(process.execPath, [BIN, ...cliArgs], { env: machineEnv, expect: /Everything works/ }) }
        : {}),
    } as Record<'node' | 'engine' | 'cli' | 'cliNoWrite' | 'sftpLs' | 'sftpLsDefault' | 'nodeExtraCa' | 'cliExtraCa', () => Promise<number>>);
    // Where a diagnose process's time goes: separate runs with marks (not the timed ones above).
    const parts: Record<'nodeStartMs' | 'loadMs' | 'engineMs' | 'exitMs' | 'totalMs', number[]> = { nodeStartMs: [], loadMs: [], engineMs: [], exitMs: [], totalMs: [] };
    for (let i = 0; i < Math.max(3, Math.min(runs, 7)); i++) {
      const r = await timeProcess(process.execPath, ['-r', MARKS, BIN, ...cliArgs], { env });
      const m = /BENCH-MARKS (\{.*\})/.exec(r.err);
      if (r.code !== 0 || !m) throw new Error(`diagnose with marks failed (exit ${r.code}): ${r.err.trim().slice(0, 300)}`);
      const k = JSON.parse(m[1]!) as { nodeReady: number; tcpConnect: number; lastOutput: number; exit: number };
      parts.nodeStartMs.push(k.nodeReady);
      parts.loadMs.push(k.tcpConnect - k.nodeReady);
      parts.engineMs.push(k.lastOutput - k.tcpConnect);
      parts.exitMs.push(r.ms - k.lastOutput);
      parts.totalMs.push(r.ms);
    }
    const breakdown = Object.fromEntries(Object.entries(parts).map(([k, xs]) => [k, round1(median(xs))])) as DiagnoseCliBench['breakdown'];
    // Round trips through the relay (the relay's last bytes are counted once the connection ended).
    const settle = () => new Promise((r) => setTimeout(r, 150));
    relay.take();
    await engineOnce(relay);
    await settle();
    const ours = relay.take();
    await engineOnce(relay, false);
    await settle();
    const oursNoWrite = relay.take();
    await must('sftp', sftpArgs(relay, sameKex), { env, input: 'ls\n', expect: /bench-file-1/ });
    await settle();
    const sftpLs = relay.take();
    const engineRatio = t.engine / t.sftpLs;
    const cliRatio = t.cli / t.sftpLs;
    const cliOverNodeRatio = (t.cli - t.node) / t.sftpLs;
    return {
      runs,
      nodeMs: t.node,
      sftpLsMs: t.sftpLs,
      sftpLsDefaultKexMs: t.sftpLsDefault,
      engineMs: t.engine,
      engineRatio: Math.round(engineRatio * 100) / 100,
      engineOk: engineRatio <= 1.2,
      cliMs: t.cli,
      cliRatio: Math.round(cliRatio * 100) / 100,
      cliOverNodeRatio: Math.round(cliOverNodeRatio * 100) / 100,
      cliOk: cliRatio <= 1.2,
      withExtraCa: EXTRA_CA_CERTS ? { nodeMs: t.nodeExtraCa, cliMs: t.cliExtraCa, ratio: Math.round((t.cliExtraCa / t.sftpLs) * 100) / 100 } : null,
      cliNoWriteMs: t.cliNoWrite,
      cliNoWriteRatio: Math.round((t.cliNoWrite / t.sftpLs) * 100) / 100,
      breakdown,
      roundTrips: { ours, oursNoWrite, sftpLs },
    };
  } finally {
    await relay.close();
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /bench-cli\.ts$/.test(process.argv[1])) {
  const runs = Number(process.argv[2] ?? 11);
  (async () => {
    const k = await benchKeysCli(runs);
    console.log(`${k.ok ? 'PASS' : 'FAIL'}  keys inspect, encrypted PPK v3 (${k.kdf}): ${k.oursMs} ms vs puttygen decrypting ${k.puttygenMs} ms, ratio ${k.ratio}`);
    console.log(`      node -e 0 ${k.nodeMs} ms; keys inspect of an unencrypted PPK ${k.unencryptedMs} ms; Argon2 alone (${k.engine}): native ${k.argon2NativeMs ?? '-'} ms, WebAssembly ${k.argon2WasmMs} ms`);
    if (k.withExtraCa) console.log(`      with this machine's NODE_EXTRA_CA_CERTS: keys inspect ${k.withExtraCa.oursMs} ms (ratio ${k.withExtraCa.ratio}), node -e 0 ${k.withExtraCa.nodeMs} ms`);
    const d = await benchDiagnoseCli(runs);
    console.log(`${d.engineOk ? 'PASS' : 'FAIL'}  healthy diagnose in-process ${d.engineMs} ms vs sftp -b ls ${d.sftpLsMs} ms (default kex ${d.sftpLsDefaultKexMs} ms), ratio ${d.engineRatio}`);
    console.log(`${d.cliOk ? 'PASS' : 'FAIL'}  healthy sftp-doctor diagnose (process) ${d.cliMs} ms vs sftp -b ls ${d.sftpLsMs} ms, ratio ${d.cliRatio}; without node -e 0 (${d.nodeMs} ms) ${d.cliOverNodeRatio}; --no-write-test ${d.cliNoWriteMs} ms, ratio ${d.cliNoWriteRatio}`);
    if (d.withExtraCa) console.log(`      with this machine's NODE_EXTRA_CA_CERTS: diagnose ${d.withExtraCa.cliMs} ms (ratio ${d.withExtraCa.ratio}), node -e 0 ${d.withExtraCa.nodeMs} ms`);
    const b = d.breakdown;
    console.log(`      where it goes: Node's start ${b.nodeStartMs} ms, loading the CLI up to the TCP connect ${b.loadMs} ms, engine up to the result ${b.engineMs} ms, exit ${b.exitMs} ms (total ${b.totalMs} ms)`);
    console.log(`      round trips: ours ${d.roundTrips.ours} (no write test ${d.roundTrips.oursNoWrite}), sftp -b ls ${d.roundTrips.sftpLs}`);
    process.exitCode = k.ok && d.engineOk && d.cliOk ? 0 : 1;
  })().catch((err: unknown) => {
    console.error(`bench-cli: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
