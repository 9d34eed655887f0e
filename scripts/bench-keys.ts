/**
 * Key library speed against the reference tools. Run alone: npx tsx scripts/bench-keys.ts
 * (or import runKeysBench from the project's bench runner).
 *
 *  1. Inspect (= decrypt + verify MAC) an encrypted PPK v3 with PuTTYgen's default Argon2id,
 *     against puttygen decrypting the same file. Budget: <= 1.5x puttygen.
 *  2. Inspect an encrypted OpenSSH key (bcrypt, 16 rounds) against `ssh-keygen -y -P`. Budget: <= 2x.
 *  3. Inspect 1,000 unencrypted keys of mixed formats. Budget: < 2 s.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectKey } from '../main/keys/index';

export interface BenchLine {
  name: string;
  oursMs: number;
  referenceMs: number | null;
  ratio: number | null;
  budget: string;
  ok: boolean;
  note?: string;
}

function exec(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 60_000 }, (err, _out, stderr) => (err ? reject(new Error(`${cmd} failed: ${stderr}`)) : resolve()));
  });
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function runKeysBench(opts: { runs?: number; log?: (line: string) => void } = {}): Promise<BenchLine[]> {
  const runs = opts.runs ?? 7;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = await mkdtemp(path.join(tmpdir(), 'sftp-doctor-bench-keys-'));
  const lines: BenchLine[] = [];
  try {
    const pass = path.join(dir, 'pass');
    const empty = path.join(dir, 'empty');
    await writeFile(pass, 'bench passphrase');
    await writeFile(empty, '');

    // 1. PPK v3, PuTTYgen defaults (Argon2id, 8192 KiB, passes tuned to ~100 ms by puttygen).
    const ppk = path.join(dir, 'enc.ppk');
    await exec('puttygen', ['-t', 'ed25519', '-o', ppk, '--new-passphrase', pass]);
    const ppkData = await readFile(ppk);
    const check = await inspectKey(ppkData, { passphrase: 'bench passphrase' });
    if (!check.passphraseChecked) throw new Error('bench: PPK did not open');
    await inspectKey(ppkData, { passphrase: 'bench passphrase' }); // warm-up (WASM compile)
    const oursPpk = await median(runs, () => inspectKey(ppkData, { passphrase: 'bench passphrase' }));
    const puttygenDecrypt = await median(runs, () => exec('puttygen', [ppk, '--old-passphrase', pass, '--new-passphrase', empty, '-O', 'private-openssh', '-o', path.join(dir, 'out')]));
    const puttygenFp = await median(runs, () => exec('puttygen', [ppk, '-O', 'fingerprint', '--old-passphrase', pass]));
    lines.push({
      name: `encrypted PPK v3 (Argon2id ${check.encryption?.memoryKiB} KiB, ${check.encryption?.passes} passes)`,
      oursMs: oursPpk,
      referenceMs: puttygenDecrypt,
      ratio: oursPpk / puttygenDecrypt,
      budget: '<= 1.5x puttygen',
      ok: oursPpk / puttygenDecrypt <= 1.5,
      note: `puttygen -O fingerprint takes ${puttygenFp.toFixed(1)} ms because it does not decrypt (fingerprint from the public lines); the reference is puttygen decrypting the file (-O private-openssh with --old-passphrase)`,
    });

    // 2. OpenSSH, bcrypt 16 rounds (ssh-keygen's default).
    const ossh = path.join(dir, 'enc-openssh');
    await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'bench passphrase', '-f', ossh]);
    const osshData = await readFile(ossh);
    await inspectKey(osshData, { passphrase: 'bench passphrase' });
    const oursOssh = await median(runs, () => inspectKey(osshData, { passphrase: 'bench passphrase' }));
    const sshKeygen = await median(runs, () => exec('ssh-keygen', ['-y', '-P', 'bench passphrase', '-f', ossh]));
    lines.push({ name: 'encrypted OpenSSH key (bcrypt, 16 rounds)', oursMs: oursOssh, referenceMs: sshKeygen, ratio: oursOssh / sshKeygen, budget: '<= 2x ssh-keygen -y', ok: oursOssh / sshKeygen <= 2 });

    // 3. 1,000 unencrypted keys, mixed formats and types.
    const samples: Buffer[] = [];
    const make: [string, string[]][] = [
      ['ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f']],
      ['ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f']],
      ['ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f']],
      ['ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f']],
      ['ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '384', '-m', 'PEM', '-N', '', '-f']],
    ];
    for (const [i, [cmd, args]] of make.entries()) {
      const f = path.join(dir, `k${i}`);
      await exec(cmd, [...args, f]);
      samples.push(await readFile(f), await readFile(`${f}.pub`));
    }
    for (const [i, t] of ['ed25519', 'rsa'].entries()) {
      const f = path.join(dir, `p${i}.ppk`);
      await exec('puttygen', ['-t', t, ...(t === 'rsa' ? ['-b', '2048'] : []), '-o', f, '--new-passphrase', empty]);
      samples.push(await readFile(f));
    }
    const f = path.join(dir, 'db');
    await exec('dropbearkey', ['-t', 'ed25519', '-f', f]);
    samples.push(await readFile(f));
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const r = await inspectKey(samples[i % samples.length]!);
      if (r.fingerprint_sha256 === null) throw new Error('bench: a sample did not read');
    }
    const thousand = performance.now() - t0;
    lines.push({ name: `1,000 unencrypted keys (${samples.length} samples: OpenSSH, PEM, PPK, Dropbear, public)`, oursMs: thousand, referenceMs: null, ratio: null, budget: '< 2000 ms', ok: thousand < 2000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const l of lines) {
    const ref = l.referenceMs === null ? '' : ` vs ${l.referenceMs.toFixed(1)} ms -> ratio ${l.ratio!.toFixed(2)}`;
    log(`${l.ok ? 'PASS' : 'FAIL'}  ${l.name}: ${l.oursMs.toFixed(1)} ms${ref} (budget ${l.budget})`);
    if (l.note) log(`      ${l.note}`);
  }
  return lines;
}

if (process.argv[1] && /bench-keys\.ts$/.test(process.argv[1])) {
  runKeysBench().then(
    (lines) => {
      process.exitCode = lines.every((l) => l.ok) ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`bench-keys: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
