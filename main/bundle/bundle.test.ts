import { execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Secret } from '../common/secret';
import { probeAgent } from './environment';
import { BundleSecretError, buildBundle, exportBundle, previewBundle, secretsOfRequest, suggestedFileName, writeBundleFile } from './index';
import { knownHostsLinesFor, knownHostsLinesIn } from './known-hosts';
import { ReportSchema } from './schema';
import { SAMPLE, SAMPLE_PRIVATE_KEY, sampleInput } from './test-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-bundle-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('buildBundle', () => {
  it('zips exactly the files it lists; report.json passes both the zod schema and the JSON Schema shipped beside it', async () => {
    const { files, zip } = await buildBundle(sampleInput(), { anonymise: false });
    const unzipped = unzipSync(zip);
    expect(Object.keys(unzipped)).toEqual(['README.txt', 'report.html', 'report.json', 'report.schema.json', 'timeline.log', 'environment.json', 'network.json', 'key.json', 'known_hosts-entry.txt']);
    for (const f of files) expect(strFromU8(unzipped[f.name]!)).toBe(f.text);
    const report = JSON.parse(strFromU8(unzipped['report.json']!));
    expect(ReportSchema.safeParse(report).success).toBe(true);
    const fromFile = z.fromJSONSchema(JSON.parse(strFromU8(unzipped['report.schema.json']!)));
    expect(fromFile.safeParse(report).success).toBe(true);
    expect(fromFile.safeParse({ ...report, schemaVersion: 2 }).success).toBe(false);
    expect(report.schemaVersion).toBe(1);
    expect(report.fixesTried).toEqual([{ round: 2, fix: { id: 'allow-legacy-kex', label: 'Allow diffie-hellman-group14-sha1 for this site' }, outcome: { code: 'OK', ok: true, title: 'Connected: SFTP works' } }]);
  });

  it('key.json holds the public line and fingerprints only; without a key there is no key.json', async () => {
    const { files } = await buildBundle(sampleInput(), { anonymise: false });
    const key = JSON.parse(files.find((f) => f.name === 'key.json')!.text);
    expect(key.publicKeyLine).toMatch(/^ssh-ed25519 AAAA/);
    expect(key.fingerprint_sha256).toMatch(/^SHA256:/);
    const without = await buildBundle(sampleInput({ keyInspection: null }), { anonymise: false });
    expect(without.files.map((f) => f.name)).not.toContain('key.json');
  });

  it('timeline.log lists every event with its round and time, cut when a line is huge', async () => {
    const input = sampleInput();
    input.events.push({ type: 'log', runId: 'run-1', ms: 5, source: 'ssh', text: 'B'.repeat(5_000_000) });
    const { files } = await buildBundle(input, { anonymise: false });
    const log = files.find((f) => f.name === 'timeline.log')!.text;
    expect(log).toContain('[r1 +    14 ms] ssh    | Socket connected to');
    expect(log).toContain(`[r1 +    12 ms] phase dns     ok (12 ms): ${SAMPLE.host} -> ${SAMPLE.ipv4}`);
    expect(log).toContain('[r2 +   180 ms] done    OK: Connected: SFTP works');
    expect(log).toContain('\\x1b[31m');
    expect(log).toContain('more characters cut');
    expect(log.length).toBeLessThan(20_000);
  });

  it('events of other runs (another host checked in the same window) stay out', async () => {
    const input = sampleInput();
    input.events.push({ type: 'log', runId: 'someone-elses-run', ms: 1, source: 'engine', text: 'connecting to payroll.internal.example' });
    const { files } = await buildBundle(input, { anonymise: false });
    for (const f of files) expect(f.text, f.name).not.toContain('payroll');
    expect(JSON.parse(files.find((f) => f.name === 'report.json')!.text).timeline.events).toBe(input.events.length - 1);
  });

  it('a secret that slipped into an event stops the export and names the file, plain or anonymised', async () => {
    const leaked = `${SAMPLE.user}-S3cret!`; // contains the user name: anonymising alone would hide half of it
    for (const anonymise of [false, true]) {
      const input = sampleInput({ secrets: [new Secret(leaked)] });
      input.events.push({ type: 'log', runId: 'run-2', ms: 70, source: 'ssh', text: `debug: sending ${Buffer.from(leaked).toString('base64')}` });
      const err = await buildBundle(input, { anonymise }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BundleSecretError);
      expect((err as Error).message).toContain('"timeline.log"');
      expect((err as Error).message).not.toContain(leaked);
    }
  });

  it('a private key that reached the report is refused even when nobody listed it as a secret', async () => {
    const input = sampleInput({ secrets: [] });
    input.rounds[0]!.result.diagnosis.explanation = `see ${SAMPLE_PRIVATE_KEY}`;
    await expect(buildBundle(input, { anonymise: false })).rejects.toThrow(/report\.html.*private key material/);
  });
});

describe('preview, export and the file writer', () => {
  it('preview lists the same files as the zip holds', async () => {
    const preview = await previewBundle(sampleInput(), { anonymise: true });
    const { zip, fileName, bytes } = await exportBundle(sampleInput(), { anonymise: true });
    expect(preview.map((p) => p.name)).toEqual(Object.keys(unzipSync(zip)));
    expect(preview.every((p) => p.bytes === Buffer.byteLength(p.text))).toBe(true);
    expect(bytes).toBe(zip.byteLength);
    expect(fileName).toMatch(/^sftp-doctor-host-1-\d{8}-\d{4}\.zip$/);
  });

  it('suggests sftp-doctor-<host>-<yyyymmdd-hhmm>.zip in local time, with a safe host part', () => {
    const at = new Date(2024, 0, 2, 3, 4);
    expect(suggestedFileName(sampleInput(), { anonymise: false }, at)).toBe(`sftp-doctor-${SAMPLE.host}-20240102-0304.zip`);
    expect(suggestedFileName(sampleInput(), { anonymise: true }, at)).toBe('sftp-doctor-host-1-20240102-0304.zip');
    const v6 = sampleInput();
    v6.rounds[1]!.result.facts.input!.host = '../fe80::1%eth0';
    expect(suggestedFileName(v6, { anonymise: false }, at)).toBe('sftp-doctor-fe80-1-eth0-20240102-0304.zip');
  });

  it('writes the zip with mode 0600, into a folder under the suggested name, and writes nothing when the scan fails', async () => {
    const out = path.join(dir, 'bundle.zip');
    const written = await writeBundleFile(sampleInput(), out, { anonymise: false });
    expect(written.path).toBe(out);
    expect((await fs.stat(out)).mode & 0o777).toBe(0o600);
    expect(Object.keys(unzipSync(new Uint8Array(await fs.readFile(out))))).toContain('report.html');

    const intoDir = await writeBundleFile(sampleInput(), dir + path.sep, { anonymise: true });
    expect(path.basename(intoDir.path)).toMatch(/^sftp-doctor-host-1-/);

    const bad = sampleInput();
    bad.events.push({ type: 'log', runId: 'run-1', ms: 1, source: 'ssh', text: SAMPLE.password });
    const target = path.join(dir, 'never.zip');
    await expect(writeBundleFile(bad, target)).rejects.toBeInstanceOf(BundleSecretError);
    await expect(fs.stat(target)).rejects.toThrow();
    expect((await fs.readdir(dir)).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('secretsOfRequest collects the password, passphrase and the key file content', async () => {
    const keyFile = path.join(dir, 'id_test');
    await fs.writeFile(keyFile, SAMPLE_PRIVATE_KEY);
    const secrets = await secretsOfRequest({ protocol: 'sftp', host: 'h', user: 'u', password: 'pw-1234', passphrase: 'pp-5678', privateKey: { path: keyFile } }, ['kbd-answer']);
    expect(secrets.map((s) => s.reveal())).toEqual(['pw-1234', 'pp-5678', SAMPLE_PRIVATE_KEY, 'kbd-answer']);
    expect(JSON.stringify(secrets)).not.toContain('pw-1234');
  });

  it('a public key given where the private key belongs is no secret: its bundle (with the public line in key.json) still exports', async () => {
    const keyFile = path.join(dir, 'id_pub_given');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@box', '-f', keyFile]);
    const pub = await fs.readFile(`${keyFile}.pub`, 'utf8');
    const rfc4716 = execFileSync('ssh-keygen', ['-e', '-f', `${keyFile}.pub`]).toString();
    for (const text of [pub, rfc4716]) {
      expect(await secretsOfRequest({ protocol: 'sftp', host: 'h', user: 'u', privateKey: { text } })).toEqual([]);
    }
    expect(await secretsOfRequest({ protocol: 'sftp', host: 'h', user: 'u', privateKey: { path: `${keyFile}.pub` } })).toEqual([]);
    // the private half is a secret, and so is text that merely contains a private key
    expect(await secretsOfRequest({ protocol: 'sftp', host: 'h', user: 'u', privateKey: { path: keyFile } })).toHaveLength(1);
    expect(await secretsOfRequest({ protocol: 'sftp', host: 'h', user: 'u', privateKey: { text: `${pub}\n${await fs.readFile(keyFile, 'utf8')}` } })).toHaveLength(1);

    const input = sampleInput({ secrets: await secretsOfRequest({ protocol: 'sftp', host: 'h', user: 'u', password: 'pw-9876', privateKey: { path: `${keyFile}.pub` } }) });
    input.keyInspection = { ...input.keyInspection!, kind: 'public', format: 'openssh-public', publicKeyLine: pub.trim() };
    const { files } = await buildBundle(input, { anonymise: false });
    expect(files.find((f) => f.name === 'key.json')!.text).toContain(pub.trim().split(' ')[1]);
  });
});

describe('known_hosts lines for this host only (ssh-keygen -H as the oracle for hashed names)', () => {
  it('finds plain, [host]:port, wildcard and hashed lines and nothing else', async () => {
    const file = path.join(dir, 'known_hosts');
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFDAfUbHmZbMs6raRXQZWdHeYMLsUuvWT0mrqkTLxOzw';
    const plain = [`# comment files.test.invalid`, `files.test.invalid ${key}`, `[files.test.invalid]:2222 ${key}`, `other.test.invalid ${key}`, `*.test.invalid,!other.test.invalid ${key}`, ''].join('\n');
    await fs.writeFile(file, plain);
    expect(knownHostsLinesIn(plain, file, 'files.test.invalid', 22).map((l) => l.line)).toEqual([2, 5]);
    expect(knownHostsLinesIn(plain, file, 'files.test.invalid', 2222).map((l) => l.line)).toEqual([3]);
    expect(knownHostsLinesIn(plain, file, 'other.test.invalid', 22).map((l) => l.line)).toEqual([4]);

    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = await fs.readFile(file, 'utf8');
    expect(hashed).not.toContain('files.test.invalid ');
    const found = knownHostsLinesIn(hashed, file, 'files.test.invalid', 2222);
    expect(found).toHaveLength(1);
    expect(found[0]!.text).toMatch(/^\|1\|/);

    const result = sampleInput().rounds[0]!.result;
    result.facts.input = { host: 'files.test.invalid', port: 2222, user: 'u', warnings: [] };
    result.request.knownHostsPath = file;
    expect((await knownHostsLinesFor(result)).map((l) => l.text)).toEqual([found[0]!.text]);
    result.request.knownHostsPath = path.join(dir, 'missing');
    expect(await knownHostsLinesFor(result)).toEqual([]);
  });
});

describe('SSH agent facts (a real ssh-agent)', () => {
  it('counts the keys a running agent holds, and says plainly when there is none', async () => {
    const sock = path.join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !(await fs.stat(sock).then(() => true, () => false)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await probeAgent(sock)).toEqual({ available: true, keys: 0 });
      const keyFile = path.join(dir, 'agent_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
      execFileSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      expect(await probeAgent(sock)).toEqual({ available: true, keys: 1 });
    } finally {
      agent.kill();
    }
    expect(await probeAgent(null)).toEqual({ available: false, keys: null });
    const missing = await probeAgent(path.join(dir, 'no-such-agent.sock'));
    expect(missing.available).toBe(false);
    expect(missing.error).toMatch(/could not be reached/);
  });
});

describe('hostile sizes', () => {
  it('a 5 MB banner and 100 000 log events give a bounded bundle quickly', async () => {
    const input = sampleInput();
    const huge = 'SSH-2.0-' + 'A'.repeat(5 * 1024 * 1024);
    input.rounds[0]!.result.facts.server!.banner = huge;
    for (let i = 0; i < 100_000; i++) input.events.push({ type: 'log', runId: 'run-1', ms: i, source: 'ssh', text: `debug line ${i} from 10.9.${i % 250}.1` });
    const started = Date.now();
    const { files, zip } = await buildBundle(input, { anonymise: true });
    const elapsed = Date.now() - started;
    const report = JSON.parse(files.find((f) => f.name === 'report.json')!.text);
    expect(report.rounds[0].facts.server.banner.length).toBeLessThan(70_000);
    expect(report.rounds[0].facts.server.banner).toMatch(/more characters cut\]$/);
    const log = files.find((f) => f.name === 'timeline.log')!.text;
    expect(log).toContain('more events left out');
    expect(log).not.toMatch(/10\.9\.\d+\.1/);
    expect(zip.byteLength).toBeLessThan(5_000_000);
    expect(elapsed).toBeLessThan(15_000);
  });
});

describe('a run through a path', () => {
  it('anonymises the jump host, its user and the proxy, and the report still validates', async () => {
    const input = sampleInput();
    const r = input.rounds[0]!.result;
    r.request = { ...r.request, jumpHosts: ['opsjump@gw-secret.corp.invalid:2222'], proxy: 'socks5://proxyme@proxy-secret.corp.invalid:1080' };
    r.facts.proxy = { type: 'socks5', host: 'proxy-secret.corp.invalid', port: 1080, target: 'gw-secret.corp.invalid:2222', stage: 'done', authUsed: true, socksReply: 0 };
    r.facts.path = { hops: [{ index: 0, host: 'gw-secret.corp.invalid', port: 2222, user: 'opsjump', status: 'failed', code: 'AUTH_PASSWORD_REJECTED', title: 'The password was refused', evidence: [{ label: 'Server', value: 'gw-secret.corp.invalid:2222' }] }], failedHop: 0 };
    r.steps = [...r.steps, { phase: 'auth', hop: 0, status: 'fail', ms: 5, detail: 'opsjump@gw-secret.corp.invalid refused' }];
    const { files } = await buildBundle(input, { anonymise: true });
    const all = files.map((f) => f.text).join('\n');
    expect(all).not.toMatch(/gw-secret|proxy-secret|opsjump|proxyme/);
    const report = JSON.parse(files.find((f) => f.name === 'report.json')!.text);
    expect(ReportSchema.safeParse(report).success).toBe(true);
    expect(report.rounds[0].steps.some((s: { hop?: number }) => s.hop === 0)).toBe(true);
  });
});

describe('a result that works but carries a key warning', () => {
  it('report.json keeps the warnings (schema-valid), report.html shows them, and --anonymise hides the home folder in the key path', async () => {
    const input = sampleInput();
    const last = input.rounds[1]!.result;
    const keyPath = `/home/${SAMPLE.localUser}/.ssh/id_from_windows`;
    const warned = {
      ...last,
      diagnosis: {
        ...last.diagnosis,
        warnings: [{ code: 'KEY_FILE_TOO_OPEN' as const, title: 'OpenSSH will ignore this key: others may read it', explanation: `The key ${keyPath} has mode 644 <b>.`, fixId: 'rewrite-key-file' as const }],
      },
    };
    const rounds = [input.rounds[0]!, { ...input.rounds[1]!, result: warned }];
    for (const anonymise of [false, true]) {
      const { files } = await buildBundle({ ...input, rounds }, { anonymise });
      const byName = Object.fromEntries(files.map((f) => [f.name, f.text]));
      const report = ReportSchema.parse(JSON.parse(byName['report.json']!));
      expect(report.rounds[1]!.diagnosis.warnings?.map((w) => w.code)).toEqual(['KEY_FILE_TOO_OPEN']);
      expect(byName['report.html']).toContain('OpenSSH will ignore this key: others may read it');
      expect(byName['report.html']).toContain('mode 644 &lt;b&gt;.');
      if (anonymise) for (const text of Object.values(byName)) expect(text).not.toContain(SAMPLE.localUser);
      else expect(byName['report.html']).toContain(keyPath);
    }
  });
});
