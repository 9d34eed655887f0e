/**
 * `sftp-doctor check` against real servers: a healthy sshd (key login, trusted host key), a
 * refused port and a server whose key is not trusted yet, as saved sites in two folders.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint, generateKey, setupAccount, sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';
import { SiteStore } from '../../store/sites';
import { cliRunner } from '../test-cli';

let home: string;

const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home }));

const sshd = sshdAvailable();

describe.skipIf(!sshd.ok)('sftp-doctor check: many saved sites, one row each', () => {
  let server: SshdServer;
  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-check-'));
    const [srv, key, refused] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), generateKey('ed25519', home, 'id_check'), closedEndpoint()]);
    server = srv;
    await setupAccount({ name: 'sd4check', password: 'unused-Pw-1', authorizedKeys: [key.publicKey] });
    await fs.writeFile(path.join(home, 'known_hosts'), `[${server.host}]:${server.port} ${server.hostKeys[0]!.publicKey}\n`);
    await fs.writeFile(path.join(home, 'empty_known_hosts'), '');
    const store = new SiteStore({ dataDir: home });
    const base = { protocol: 'sftp' as const, user: 'sd4check', privateKey: { path: key.path }, timeoutMs: 5000 };
    await store.save({ name: 'good', folder: 'Prod', settings: { ...base, host: server.host, port: server.port } });
    await store.save({ name: 'refused', folder: 'Prod', settings: { ...base, host: refused.host, port: refused.port } });
    await store.save({ name: 'new key', folder: 'Test', settings: { ...base, host: server.host, port: server.port, knownHostsPath: path.join(home, 'empty_known_hosts') } });
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('--all --csv: one row per site with its code, time and first fix; exit 1 because some failed', async () => {
    const r = await cli(['check', '--all', '--csv', '--jobs', '3']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('site,target,result,code,phase,ms,first_fix,first_fix_id');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((c) => [c[0], c[2], c[3]])).toEqual([
      ['Prod/good', 'ok', 'OK'],
      ['Prod/refused', 'failed', 'TCP_REFUSED'],
      ['Test/new key', 'failed', 'HOSTKEY_UNKNOWN'],
    ]);
    expect(rows[2]![7]).toBe('trust-host-key');
    for (const c of rows) expect(Number(c[5])).toBeGreaterThan(0);
  });

  it('--folder with --json: only that folder; a named healthy site alone exits 0 with a table', async () => {
    const r = await cli(['check', '--folder', 'prod', '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { sites: number; failed: number; rows: { site: string; code: string; firstFix: { id: string } | null }[] };
    expect(doc).toMatchObject({ sites: 2, failed: 1 });
    expect(doc.rows.map((x) => x.code)).toEqual(['OK', 'TCP_REFUSED']);

    const one = await cli(['check', 'Prod/good']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^ +Site\s+Result\s+Time\s+First fix$/m);
    expect(one.stdout).toMatch(/✓ {2}Prod\/good +OK +\d+ ms/);
    expect(one.stdout).toContain('The site works.');
  });

  it('--log FILE: one log for all the sites, each line with its time, level and site (mode 0600)', async () => {
    const file = path.join(home, 'check.log');
    const r = await cli(['check', '--folder', 'Prod', '--log', file, '--log-level', 'debug']);
    expect(r.code).toBe(1);
    const text = await fs.readFile(file, 'utf8');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} normal +\[Prod\/good\] Result: works \[OK\]/m);
    expect(text).toMatch(/ normal +\[Prod\/refused\] Result: FAILED \[TCP_REFUSED\]/);
    expect(text).toMatch(/ debug +\[Prod\/good\] /);
    expect(text).not.toMatch(/ raw /);
  });

  it('says what is wrong with the call: no selection, two selections, a site that does not exist', async () => {
    const none = await cli(['check']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('which sites?');
    const both = await cli(['check', '--all', '--folder', 'Prod']);
    expect(both.code).toBe(2);
    const jobs = await cli(['check', '--all', '--jobs', '0']);
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toContain('--jobs');
    const missing = await cli(['check', 'Nowhere/site']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no saved site called "Nowhere/site"');
  });
});
