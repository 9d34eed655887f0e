/**
 * The invariant of the fix catalog, walked code by code from shared/fix-offers.ts: every fix a
 * diagnosis code can offer is in the catalog with valid parameters, is carried out by
 * `sftp-doctor repair --fix ID` (the dispatcher has its handler and finds it on that diagnosis) and
 * by the window (a safe form fix by the renderer's applyFormFix, anything else by the repair:plan /
 * repair:apply service the confirmation dialog calls), and applying it starts a re-check. A new
 * code or fix without its handlers fails here. Fixes that change files or servers are applied
 * against real servers in the second part and in the repair tests beside this one.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import { DIAGNOSIS_CODES, type DiagnosisCode } from '../../shared/codes';
import { FIXES_BY_CODE } from '../../shared/fix-offers';
import { FIX_IDS, FIX_META, isFormFix, makeFix, type Fix, type FixId, type FixParamsOf } from '../../shared/fixes';
import { FIX_PARAMS, FixSchema } from '../../shared/fix-schemas';
import type { ConnectionRequest, Facts, RunResult } from '../../shared/types';
import { applyFormFix as applyInWindow } from '../../renderer/logic/formFixes';
import { fromSiteSettings } from '../../renderer/logic/form';
import { canApplyInWindow } from '../../renderer/logic/repair';
import { runCli } from '../cli/index';
import { repairHandlers } from '../services/repair-handlers';
import type { RunManager } from '../services/runs';
import { SiteStore } from '../store/sites';
import { addHostKey } from '../store/known-hosts';
import { applyRepair, findFix, planRepair, REPAIRABLE_FIX_IDS } from './index';

const PUB = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPl0RyeS6bqaLfl8hdCEX5dtw6T5gTtw3+6Mm2VKrBNx test';

/** Parameters a rule could build for each fix (the mapped type insists on one per catalog id). */
const SAMPLE: { [I in FixId]: FixParamsOf<I> } = {
  'split-host-field': { host: 'h.invalid', user: 'bob', port: 22 },
  'trim-whitespace': { fields: ['user'] },
  'use-port': { port: 22 },
  'use-dns-suggestion': { host: 'h2.invalid' },
  'increase-timeout': { seconds: 30 },
  'allow-legacy-algorithms': { algorithms: ['diffie-hellman-group14-sha1'], categories: ['kex'], risks: ['SHA-1'] },
  'trust-host-key': { host: 'h.invalid', port: 2222, type: 'ssh-ed25519', sha256: 'SHA256:abc', md5: 'MD5:00', publicKey: PUB, file: '/nonexistent/known_hosts' },
  'connect-once': { sha256: 'SHA256:abc' },
  'replace-host-key': { host: 'h.invalid', port: 2222, type: 'ssh-ed25519', sha256: 'SHA256:abc', md5: 'MD5:00', publicKey: PUB, file: '/nonexistent/known_hosts', oldSha256: 'SHA256:old', line: 1 },
  'choose-private-key': { path: '/nonexistent/id_ed25519' },
  'convert-key': { from: 'ppk-v2', to: 'openssh', path: '/nonexistent/key.ppk' },
  'generate-ed25519-key': {},
  'identities-only': {},
  'change-expired-password': { via: 'pam' },
  'fix-authorized-keys-permissions': { path: '~/.ssh', mode: '700' },
  'install-public-key': { publicKey: PUB, fingerprint: 'SHA256:abc' },
  'use-scp': {},
  'silence-login-script': { file: '~/.bashrc', guard: 'case $- in *i*) ;; *) return ;; esac', shell: 'bash' },
  keepalive: { seconds: 30 },
  'use-remote-folder': { path: '/upload/inbox' },
  'fix-pasted-password': { idea: 'caps-lock', what: 'Caps Lock' },
  'use-user': { user: 'bob' },
  'use-sftp': {},
  'use-auth-methods': { methods: ['keyboard-interactive', 'password'], added: 'keyboard-interactive' },
  'use-rsa-signature': { algorithm: 'rsa-sha2-512' },
};

/** The attempt each form fix is applied to: one it changes. */
function requestFor(id: FixId): ConnectionRequest {
  const base: ConnectionRequest = { protocol: 'sftp', host: 'h.invalid', port: 2222, user: 'ann', password: 'pASSWORD', timeoutMs: 10_000 };
  if (id === 'split-host-field') return { ...base, host: 'sftp://bob@h.invalid:22', port: '' };
  if (id === 'trim-whitespace') return { ...base, user: ' ann ' };
  if (id === 'use-sftp') return { ...base, protocol: 'scp' };
  if (id === 'use-auth-methods') return { ...base, authMethods: ['password'] };
  return base;
}

/** The window's form holding that attempt (the password typed in it). */
function formOf(request: ConnectionRequest) {
  return { ...fromSiteSettings({ ...request }), password: request.password ?? '' };
}

function resultFor(code: DiagnosisCode, fix: Fix, request: ConnectionRequest): RunResult {
  const facts = { input: { host: 'h.invalid', port: 2222, user: 'ann', warnings: [] }, hostkey: { key: { type: 'ssh-ed25519', sha256: 'SHA256:abc', md5: 'MD5:00', publicKey: PUB } } } as unknown as Facts;
  return {
    runId: `run-${code}-${fix.id}`,
    request: { protocol: request.protocol, host: request.host, port: request.port ?? null, user: request.user, passwordGiven: true, keyGiven: false, keyPath: null, passphraseGiven: false, useAgent: true, identitiesOnly: false, legacyAlgorithms: [], knownHostsPath: null, startPath: null, timeoutMs: 10_000 } as RunResult['request'],
    diagnosis: { code, ok: false, phase: 'input', title: code, explanation: '', nextStep: '', evidence: [], fixes: [fix], actions: [] },
    steps: [],
    facts,
    startedAt: new Date(0).toISOString(),
    totalMs: 1,
  };
}

/** Every (code, fix) pair the contract lists. */
const PAIRS: [DiagnosisCode, FixId][] = DIAGNOSIS_CODES.flatMap((code) => FIXES_BY_CODE[code].map((id): [DiagnosisCode, FixId] => [code, id]));
/** Catalog fixes `repair` applies without a diagnosis listing them (on request: more time after a timeout). */
const REPAIR_ONLY: readonly FixId[] = ['increase-timeout'];

describe('the fix contract: every fix a code offers is carried out by repair and by the window', () => {
  it('walks every code; every catalog fix is offered by some code (or applied on request by repair)', () => {
    expect(PAIRS.length).toBeGreaterThan(30);
    const offered = new Set(PAIRS.map(([, id]) => id));
    for (const id of FIX_IDS) expect(offered.has(id) || REPAIR_ONLY.includes(id), `${id} is offered by no code`).toBe(true);
  });

  it('every fix a rule module builds is listed under some code (else the rules would drop it)', async () => {
    const dir = path.join(__dirname, '../diagnose/rules');
    const listed = new Set(PAIRS.map(([, id]) => id));
    for (const file of await fs.readdir(dir)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const text = await fs.readFile(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/makeFix\('([a-z0-9-]+)'/g)) expect(listed.has(m[1] as FixId), `${file} offers ${m[1]}, listed under no code in shared/fix-offers.ts`).toBe(true);
    }
  });

  it.each(PAIRS)('%s → %s', async (code, id) => {
    // In the catalog, with parameters its schema accepts, and a kind that is a change (not a message).
    expect(FIX_IDS).toContain(id);
    expect(FIX_PARAMS[id].safeParse(SAMPLE[id]).success).toBe(true);
    const fix = (makeFix as (i: FixId, p: unknown) => Fix)(id, SAMPLE[id]);
    expect(FixSchema.safeParse(fix).success).toBe(true);
    expect(['form', 'local', 'server']).toContain(fix.kind);
    expect(fix.kind).toBe(FIX_META[id].kind);

    // `repair --fix ID`: the dispatcher has a handler, and finds the fix on this diagnosis.
    expect(REPAIRABLE_FIX_IDS).toContain(id);
    const request = requestFor(id);
    const result = resultFor(code, fix, request);
    expect(findFix(result, id)).toEqual(fix);

    // The window: a safe form fix is applied by the renderer itself; anything else goes through
    // the confirmation dialog, which calls repair:plan and repair:apply.
    if (canApplyInWindow(fix)) {
      const out = applyInWindow(formOf(request), fix);
      expect(out.ok, out.ok ? '' : out.message).toBe(true);
      return;
    }
    expect(isFormFix(fix) || fix.kind !== 'form').toBe(true);
    if (!isFormFix(fix)) return; // files and servers: applied for real below and in the repair tests
    // A form fix through the window's service: applied, then a re-check run is started.
    const started: ConnectionRequest[] = [];
    const runs = {
      record: () => ({ request, result, events: [] }),
      start: (next: ConnectionRequest) => {
        started.push(next);
        return 'recheck-1';
      },
    } as unknown as RunManager;
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fix-invariant-'));
    try {
      const handlers = repairHandlers({ runs, sites: new SiteStore({ dataDir }), dataDir, knownHostsPath: () => path.join(dataDir, 'known_hosts') });
      const ctx = { client: {} } as Parameters<(typeof handlers)['repair:apply']>[1];
      const plan = await handlers['repair:plan']([result.runId, id], ctx);
      expect(plan.changes.length).toBeGreaterThan(0);
      const outcome = await handlers['repair:apply']([result.runId, id, { confirmed: true }], ctx);
      expect(outcome).toMatchObject({ applied: true, runId: 'recheck-1' });
      expect(started).toHaveLength(1);
      // And `repair` itself: the same handler hands back the request to re-check with.
      const applied = await applyRepair({ request, result, defaultKnownHostsPath: path.join(dataDir, 'known_hosts') }, id, { confirmed: true });
      expect(applied.nextRequest).not.toBeNull();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a safe form fix applied in the window changes the same fields as repair does', async () => {
    for (const [code, id] of PAIRS) {
      const fix = (makeFix as (i: FixId, p: unknown) => Fix)(id, SAMPLE[id]);
      if (!canApplyInWindow(fix)) continue;
      const request = requestFor(id);
      const win = applyInWindow(formOf(request), fix);
      const rep = await planRepair({ request, result: resultFor(code, fix, request), defaultKnownHostsPath: '/nonexistent/known_hosts' }, id);
      expect(win.ok).toBe(true);
      if (win.ok) expect(rep.changes.slice(0, win.changes.length)).toEqual(win.changes);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The real-server part: the fixes a real sshd produces cheaply, applied by `repair --fix ID`.

const USER = 'sdfixinv';
const PASSWORD = 'fix-invariant-pw-1';

interface Case {
  fix: FixId;
  /** The server this case needs. */
  server: 'plain' | 'no-subsystem';
  /** The code the first check ends with (so the fix is the one this code offers). */
  before: DiagnosisCode;
  args(s: SshdServer, kh: string): string[];
  after: DiagnosisCode;
}

const target = (s: SshdServer) => `${USER}@${s.host}:${s.port}`;
const CASES: Case[] = [
  { fix: 'split-host-field', server: 'plain', before: 'INPUT_HOST_FIELD', args: (s, kh) => ['--known-hosts', kh, '--host', `sftp://${target(s)}`], after: 'OK' },
  { fix: 'trim-whitespace', server: 'plain', before: 'INPUT_WHITESPACE', args: (s, kh) => ['--known-hosts', kh, '--host', s.host, '--port', String(s.port), '--user', ` ${USER} `], after: 'OK' },
  { fix: 'trust-host-key', server: 'plain', before: 'HOSTKEY_UNKNOWN', args: (s, kh) => ['--trust-host-key', s.hostKeys[0]!.sha256, '--known-hosts', `${kh}-empty-trust`, target(s)], after: 'OK' },
  { fix: 'connect-once', server: 'plain', before: 'HOSTKEY_UNKNOWN', args: (s, kh) => ['--trust-host-key', s.hostKeys[0]!.sha256, '--known-hosts', `${kh}-empty-once`, target(s)], after: 'OK' },
  { fix: 'use-scp', server: 'no-subsystem', before: 'SFTP_SUBSYSTEM_UNAVAILABLE', args: (s, kh) => ['--known-hosts', kh, target(s)], after: 'OK_READ_ONLY' },
];

describe.skipIf(!sshdAvailable().ok)('the contract against a real sshd: repair --fix ID, then the re-check', () => {
  let home: string;
  const servers: Partial<Record<Case['server'], SshdServer>> = {};
  const kh: Partial<Record<Case['server'], string>> = {};
  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'fix-invariant-cli-'));
    const [plain, none] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), startSshd({ hostKeyTypes: ['ed25519'], config: { Subsystem: null } }), ensureUser({ name: USER, password: PASSWORD })]);
    servers.plain = plain;
    servers['no-subsystem'] = none;
    for (const [name, s] of Object.entries(servers) as [Case['server'], SshdServer][]) {
      kh[name] = path.join(home, `kh-${name}`);
      for (const k of s.hostKeys) await addHostKey(kh[name], s.host, s.port, k.publicKey);
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s?.stop()));
    await fs.rm(home, { recursive: true, force: true });
  });

  it('covers fixes of every kind that a plain sshd can produce', () => {
    for (const c of CASES) expect(FIXES_BY_CODE[c.before]).toContain(c.fix);
  });

  it.each(CASES.map((c) => [c.fix, c] as const))('%s', async (_id, c) => {
    const s = servers[c.server]!;
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const argv = ['repair', '--json', '--yes', '--fix', c.fix, '--password-env', 'PW', '--timeout', '6', ...c.args(s, kh[c.server]!)];
    const code = await runCli(argv, { stdout, stderr: new PassThrough(), stdin: Readable.from([]), env: { SFTP_DOCTOR_HOME: home, PW: PASSWORD } });
    const report = JSON.parse(out) as { rounds: { diagnosis: { code: string }; appliedFix: { id: string; applied: boolean } | null; result: { code: string } | null }[]; code: string };
    const round = report.rounds.find((r) => r.appliedFix?.id === c.fix);
    expect(round?.diagnosis.code).toBe(c.before);
    expect(round?.appliedFix?.applied).toBe(true);
    expect(round?.result?.code).toBe(c.after);
    expect(report.code).toBe(c.after);
    expect(code).toBe(0);
  });
});
