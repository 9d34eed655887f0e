/**
 * "Check all" speed: 50 saved sites (healthy and failing ones, real servers on loopback) checked
 * by the check service with its default concurrency, against the slowest of the same sites
 * checked alone. Budget: the whole table within 2x the slowest single site.
 *
 * The sites: 20 healthy (key login, listing) spread over two OpenSSH servers, 10 refused ports,
 * 8 servers whose key is not trusted, 7 accounts without credentials, 5 silent servers (the
 * greeting times out after the site's 2 s budget: the slowest kind).
 *
 * Run: npx tsx scripts/bench-check.ts
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CHECK_JOBS } from '../shared/check';
import type { Site } from '../shared/sites';
import { closedEndpoint, generateKey, setupAccount, startFakeServer, startSshd } from '../e2e/harness/index';
import { diagnose } from '../main/diagnose/index';
import { checkSites } from '../main/services/check';
import { SiteStore } from '../main/store/sites';

export interface CheckBenchResult {
  name: string;
  sites: number;
  jobs: number;
  allMs: number;
  slowestSingleMs: number;
  slowestSite: string;
  codes: Record<string, number>;
  ratio: number;
  budget: number;
  ok: boolean;
}

export async function benchCheck(): Promise<CheckBenchResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-check-'));
  const [a, b, silent, key] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), startSshd({ hostKeyTypes: ['ed25519'] }), startFakeServer('silent'), generateKey('ed25519', dir, 'bench_key')]);
  try {
    const account = await setupAccount({ name: 'sd4bchk', password: randomUUID(), authorizedKeys: [key.publicKey] });
    const knownHosts = path.join(dir, 'known_hosts');
    await fs.writeFile(knownHosts, [a, b].map((s) => `[${s.host}]:${s.port} ${s.hostKeys[0]!.publicKey}`).join('\n') + '\n');
    await fs.writeFile(path.join(dir, 'empty_known_hosts'), '');
    const store = new SiteStore({ dataDir: dir });
    const base = { protocol: 'sftp' as const, user: account.name, privateKey: { path: key.path }, useAgent: false, timeoutMs: 2000 };
    const drafts: { name: string; folder: string; settings: Site['settings'] }[] = [];
    for (let i = 0; i < 20; i++) drafts.push({ name: `healthy ${i}`, folder: 'Healthy', settings: { ...base, ...(i % 2 ? { host: a.host, port: a.port } : { host: b.host, port: b.port }) } });
    for (let i = 0; i < 10; i++) {
      const closed = await closedEndpoint();
      drafts.push({ name: `refused ${i}`, folder: 'Failing', settings: { ...base, host: closed.host, port: closed.port } });
    }
    for (let i = 0; i < 8; i++) drafts.push({ name: `untrusted ${i}`, folder: 'Failing', settings: { ...base, host: a.host, port: a.port, knownHostsPath: path.join(dir, 'empty_known_hosts') } });
    for (let i = 0; i < 7; i++) {
      const { privateKey: _k, ...noKey } = base;
      drafts.push({ name: `no credentials ${i}`, folder: 'Failing', settings: { ...noKey, host: b.host, port: b.port } });
    }
    for (let i = 0; i < 5; i++) drafts.push({ name: `silent ${i}`, folder: 'Failing', settings: { ...base, host: silent.host, port: silent.port } });
    const sites = await store.saveAll(drafts.map((draft) => ({ draft })));
    const run = (site: Site, signal: AbortSignal) => diagnose({ ...site.settings, siteId: site.id }, { defaultKnownHostsPath: knownHosts, signal, agentSocket: '' });

    // Each site alone, one after the other: the slowest is the reference.
    let slowestSingleMs = 0;
    let slowestSite = '';
    for (const site of sites) {
      const t0 = process.hrtime.bigint();
      await checkSites([site], { jobs: 1, run });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (ms > slowestSingleMs) [slowestSingleMs, slowestSite] = [ms, `${site.folder}/${site.name}`];
    }

    const t0 = process.hrtime.bigint();
    const rows = await checkSites(sites, { run });
    const allMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const codes: Record<string, number> = {};
    for (const r of rows) codes[r.code ?? r.state] = (codes[r.code ?? r.state] ?? 0) + 1;
    const budget = 2;
    const ratio = allMs / slowestSingleMs;
    return {
      name: `check all: ${sites.length} saved sites (healthy and failing, real servers) with ${DEFAULT_CHECK_JOBS} at a time vs the slowest site alone`,
      sites: sites.length,
      jobs: DEFAULT_CHECK_JOBS,
      allMs: Math.round(allMs),
      slowestSingleMs: Math.round(slowestSingleMs),
      slowestSite,
      codes,
      ratio,
      budget,
      ok: ratio <= budget && (codes.OK ?? 0) === 20,
    };
  } finally {
    await Promise.all([a.stop(), b.stop(), silent.stop()]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && /bench-check\.ts$/.test(process.argv[1])) {
  benchCheck().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
