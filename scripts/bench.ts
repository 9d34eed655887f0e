/**
 * `npm run bench`: every speed budget of the issues, measured against the real tools in the same
 * run (ratios, not absolute times, so a slower machine does not change the verdict).
 */
import { benchEngine } from './bench-engine';
import { benchCheck } from './bench-check';
import { benchPath } from './bench-path';
import { runKeysBench } from './bench-keys';
import { runParserBound } from './bench-parsers';
import { benchStartup } from './bench-startup';
import { EXTRA_CA_CERTS, benchDiagnoseCli, benchKeysCli } from './bench-cli';

interface Row {
  name: string;
  ours: string;
  reference: string;
  ratio: string;
  budget: string;
  ok: boolean;
}

async function main(): Promise<number> {
  const rows: Row[] = [];
  console.log('CLI start-up (sftp-doctor --version vs node -e 0)...');
  const startup = benchStartup();
  rows.push({
    name: `cli: sftp-doctor --version (target < 150 ms; answered before the bundle loads) vs node -e 0; with the bundle loaded: diagnose --help ${startup.diagnoseHelpMs.toFixed(0)} ms (the bundle and the diagnose command; the engine and ssh2 load when it runs), --help ${startup.helpMs.toFixed(0)} ms (every command's module)`,
    ours: `${startup.versionMs.toFixed(0)} ms`,
    reference: `${startup.nodeMs.toFixed(0)} ms`,
    ratio: (startup.versionMs / startup.nodeMs).toFixed(2),
    budget: `< node -e 0 + 60 ms (${startup.budgetMs.toFixed(0)} ms)`,
    ok: startup.ok,
  });
  console.log('CLI keys inspect of an encrypted PPK v3 vs puttygen...');
  const keys = await benchKeysCli(Number(process.env.BENCH_CLI_RUNS ?? 11));
  rows.push({
    name: `cli: sftp-doctor keys inspect, encrypted PPK v3 (puttygen's defaults: ${keys.kdf}) vs puttygen decrypting it (-O private-openssh)${EXTRA_CA_CERTS ? '; Node without NODE_EXTRA_CA_CERTS (see the next row)' : ''}`,
    ours: `${keys.oursMs} ms`,
    reference: `${keys.puttygenMs} ms`,
    ratio: keys.ratio.toFixed(2),
    budget: '<= 1x (no slower)',
    ok: keys.ok,
  });
  if (keys.withExtraCa) {
    rows.push({
      name: `cli: the same keys inspect with this machine's NODE_EXTRA_CA_CERTS (${EXTRA_CA_CERTS}), which makes every Node start read those certificates first (node -e 0: ${keys.withExtraCa.nodeMs} ms with it, ${keys.nodeMs} ms without); the row above leaves it out, as on a machine without it`,
      ours: `${keys.withExtraCa.oursMs} ms`,
      reference: `${keys.puttygenMs} ms`,
      ratio: keys.withExtraCa.ratio.toFixed(2),
      budget: 'information',
      ok: true,
    });
  }
  rows.push({
    name: `cli: where keys inspect's time goes: node -e 0 ${keys.nodeMs} ms; keys inspect of an unencrypted PPK (start-up and loading, no Argon2) ${keys.unencryptedMs} ms; Argon2 alone in-process: native ${keys.argon2NativeMs ?? '-'} ms, WebAssembly ${keys.argon2WasmMs} ms (this process uses: ${keys.engine})`,
    ours: `${keys.unencryptedMs} ms`,
    reference: `${keys.nodeMs} ms`,
    ratio: (keys.unencryptedMs / keys.nodeMs).toFixed(2),
    budget: 'information',
    ok: true,
  });
  console.log('Healthy diagnose vs sftp -b ls (engine in-process and CLI process)...');
  const diag = await benchDiagnoseCli(Number(process.env.BENCH_CLI_RUNS ?? 11));
  rows.push({
    name: `diagnose: healthy loopback sshd, engine in-process (key login, listing, write test) vs sftp -b ls (same kex; default kex ${diag.sftpLsDefaultKexMs} ms)`,
    ours: `${diag.engineMs} ms`,
    reference: `${diag.sftpLsMs} ms`,
    ratio: diag.engineRatio.toFixed(2),
    budget: '<= 1.2x',
    ok: diag.engineOk,
  });
  rows.push({
    name: `diagnose: healthy loopback sshd, sftp-doctor diagnose as a process (key login, listing, write test) vs sftp -b ls (ratio without node -e 0's ${diag.nodeMs} ms: ${diag.cliOverNodeRatio})${EXTRA_CA_CERTS ? '; Node without NODE_EXTRA_CA_CERTS (see the next row)' : ''}`,
    ours: `${diag.cliMs} ms`,
    reference: `${diag.sftpLsMs} ms`,
    ratio: diag.cliRatio.toFixed(2),
    budget: '<= 1.2x',
    ok: diag.cliOk,
  });
  if (diag.withExtraCa) {
    rows.push({
      name: `diagnose: the same process with this machine's NODE_EXTRA_CA_CERTS (${EXTRA_CA_CERTS}): every Node start reads those certificates first (node -e 0: ${diag.withExtraCa.nodeMs} ms with it, ${diag.nodeMs} ms without); the row above leaves it out, as on a machine without it`,
      ours: `${diag.withExtraCa.cliMs} ms`,
      reference: `${diag.sftpLsMs} ms`,
      ratio: diag.withExtraCa.ratio.toFixed(2),
      budget: 'information',
      ok: true,
    });
  }
  const parts = diag.breakdown;
  rows.push({
    name: `diagnose: where a diagnose process's time goes: Node's start ${parts.nodeStartMs} ms (node -e 0 whole: ${diag.nodeMs} ms), loading the CLI up to the TCP connect ${parts.loadMs} ms, the engine up to the result printed ${parts.engineMs} ms, exit ${parts.exitMs} ms; diagnose --no-write-test (the same work as sftp -b ls) ${diag.cliNoWriteMs} ms, ratio ${diag.cliNoWriteRatio}`,
    ours: `${parts.totalMs} ms`,
    reference: `${diag.sftpLsMs} ms`,
    ratio: (parts.totalMs / diag.sftpLsMs).toFixed(2),
    budget: 'information',
    ok: true,
  });
  rows.push({
    name: `diagnose: round trips of a healthy run (without the write test: ${diag.roundTrips.oursNoWrite}) vs sftp -b ls`,
    ours: `${diag.roundTrips.ours} round trips`,
    reference: `${diag.roundTrips.sftpLs} round trips`,
    ratio: (diag.roundTrips.ours / diag.roundTrips.sftpLs).toFixed(2),
    budget: 'without the write test <= sftp -b ls',
    ok: diag.roundTrips.oursNoWrite <= diag.roundTrips.sftpLs,
  });
  console.log('Engine (healthy sshd on loopback)...');
  const engine = await benchEngine(Number(process.env.BENCH_RUNS ?? 15));
  rows.push({
    name: engine.name,
    ours: `${engine.oursMs} ms`,
    reference: `${engine.opensshToNewkeysMs} ms`,
    ratio: engine.ratio.toFixed(2),
    budget: `<= ${engine.budget}x`,
    ok: engine.ok,
  });
  rows.push({
    name: 'engine: healthy loopback sshd, connect + key login + list + write test vs sftp -b (ls, put, rm)',
    ours: `${engine.listing.oursMs} ms`,
    reference: `${engine.listing.opensshMs} ms`,
    ratio: engine.listing.ratio.toFixed(2),
    budget: `<= ${engine.listing.budget}x`,
    ok: engine.listing.ok,
  });
  rows.push({
    name: `engine: write test pipelined (${engine.listing.write.requests} SFTP requests; its step took ${engine.listing.write.ms} ms)`,
    ours: `${engine.listing.write.roundTrips} round trips`,
    reference: `${engine.listing.write.requests} requests`,
    ratio: (engine.listing.write.roundTrips / Math.max(1, engine.listing.write.requests)).toFixed(2),
    budget: 'round trips <= requests, <= 2',
    ok: engine.listing.write.ok,
  });
  console.log('Keys (puttygen, ssh-keygen)...');
  for (const line of await runKeysBench({ log: () => undefined })) {
    rows.push({
      name: `keys: ${line.name}`,
      ours: `${line.oursMs.toFixed(1)} ms`,
      reference: line.referenceMs === null ? '-' : `${line.referenceMs.toFixed(1)} ms`,
      ratio: line.ratio === null ? '-' : line.ratio.toFixed(2),
      budget: line.budget,
      ok: line.ok,
    });
  }
  console.log('Check all (50 saved sites)...');
  const check = await benchCheck();
  rows.push({
    name: `${check.name} (slowest alone: ${check.slowestSite}; results ${Object.entries(check.codes).map(([c, n]) => `${n} ${c}`).join(', ')})`,
    ours: `${check.allMs} ms`,
    reference: `${check.slowestSingleMs} ms`,
    ratio: check.ratio.toFixed(2),
    budget: `<= ${check.budget}x`,
    ok: check.ok,
  });
  console.log('Parser bound (every file parser, worst-case shapes up to 5 MB)...');
  const bound = await runParserBound();
  rows.push({
    name: `parsers: ${bound.cases} worst-case inputs, largest ${(bound.largestBytes / 1048576).toFixed(1)} MB; slowest ${bound.worst.parser} on ${bound.worst.label}`,
    ours: `${bound.worst.ms.toFixed(0)} ms CPU`,
    reference: '-',
    ratio: '-',
    budget: `< ${bound.budgetMs} ms CPU per input`,
    ok: bound.ok,
  });
  // One row per parser: its slowest answer over every worst-case shape (5 MB each).
  for (const p of bound.perParser) {
    rows.push({
      name: `  parser ${p.name}: ${p.cases} inputs of up to 5 MB, slowest on ${p.worstShape}`,
      ours: `${p.worstMs.toFixed(0)} ms CPU`,
      reference: '-',
      ratio: '-',
      budget: `< ${bound.budgetMs} ms CPU`,
      ok: p.worstMs < bound.budgetMs,
    });
  }
  console.log('Path through a jump host (sftp -J)...');
  const jump = await benchPath(Number(process.env.BENCH_PATH_RUNS ?? 3));
  rows.push({
    name: jump.name,
    ours: `${jump.oursRoundTrips} round trips`,
    reference: `${jump.opensshRoundTrips} round trips`,
    ratio: jump.ratio.toFixed(2),
    budget: '<= 1x',
    ok: jump.ok,
  });
  console.log('');
  for (const r of rows) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}\n      ours ${r.ours}, reference ${r.reference}, ratio ${r.ratio}, budget ${r.budget}`);
  }
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\n${rows.length - failed} within budget, ${failed} over budget.`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
