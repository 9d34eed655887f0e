/**
 * The invariant of the fix catalog, walked code by code from shared/fix-offers.ts, for every
 * variant of a fix's parameters a rule can build (each way a server fix is offered, each direction
 * of a host-key fix: the server or the jump host in front of it):
 *   - the fix is in the catalog with valid parameters;
 *   - `sftp-doctor repair --fix ID` finds it on that diagnosis through the command's services
 *     (services/local.ts), and applies it: form and local fixes here, for real (known_hosts
 *     written, a PuTTY key converted, a key pair made, each checked on disk), handing back the
 *     request it checks again with;
 *   - the window applies it: a safe form fix with the renderer's applyFormFix (shared/form-fix.ts),
 *     anything else through repair:plan / repair:apply, which start the re-check run;
 *   - server fixes are applied for real against sshd, by `repair --fix ID` and by the window's
 *     services (diagnose:start, repair:apply, the re-check's result), in the last part.
 * Actions (a message for the administrator, "enter the password", "use an FTP program") are not
 * repairs: every (code, action) of shared/action-offers.ts is shown by the CLI (text and JSON) and
 * rendered in the window's result card (and an admin message in its dialog). A new code, fix or action without its
 * handlers fails here.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, generateKey, startChangeRequestServer, type ChangeRequestServer, sshdAvailable, SSH_KEYGEN_PATH, startSshd, type GeneratedKey, type SshdServer } from '../../e2e/harness/index';
import { DIAGNOSIS_CODES, type DiagnosisCode } from '../../shared/codes';
import { FIXES_BY_CODE } from '../../shared/fix-offers';
import { ADMIN_TOPICS, ENTER_FIELDS, askAdmin, enterField, otherProgram, type Action, type AdminTopic } from '../../shared/actions';
import { ACTIONS_BY_CODE, actionKey, type ActionKey } from '../../shared/action-offers';
import { adminMessage } from '../../shared/admin-message';
import { API_GLOBAL, type RepairInput } from '../../shared/api';
import { FIX_IDS, FIX_META, makeFix, type Fix, type FixId, type FixParamsOf } from '../../shared/fixes';
import { FIX_PARAMS, FixSchema } from '../../shared/fix-schemas';
import type { ConnectionRequest, Facts, RunResult } from '../../shared/types';
import { applyFormFix as applyInWindow } from '../../renderer/logic/formFixes';
import { fromSiteSettings } from '../../renderer/logic/form';
import { canApplyInWindow } from '../../renderer/logic/repair';
import { testApi } from '../../renderer/stores/testApi';
import { runCli } from '../cli/index';
import { humanReport, jsonReport } from '../cli/commands/diagnose';
import { GUARDABLE_SHELLS, SHELL_GUARDS } from '../diagnose/rules/sftp';
import { convertKey, inspectKey } from '../keys/index';
import { createAppServices } from '../services/app-services';
import { localServices } from '../services/local';
import { repairHandlers } from '../services/repair-handlers';
import type { RunClient, RunManager } from '../services/runs';
import { SiteStore } from '../store/sites';
import { addHostKey } from '../store/known-hosts';
import { planRepair, REPAIRABLE_FIX_IDS } from './index';

/** A real Ed25519 public key line and its SHA256 fingerprint (host-key fixes check them). */
function edKey(comment: string): { line: string; sha256: string } {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  const blob = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
  return { line: `ssh-ed25519 ${blob.toString('base64')} ${comment}`, sha256: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}
const HOST_KEY = edKey('server');
const OLD_KEY = edKey('old-server');
const PUB = HOST_KEY.line;
const execFileP = promisify(execFile);
/** The jump host of a JUMP_HOST_FAILED: host-key fixes offered for it name it, not the server. */
const JUMP = { host: 'jump.invalid', port: 2200 };
/** Replaced per attempt by a file in the attempt's own folder. */
const KH = '/nonexistent/known_hosts';

/**
 * Per fix, every variant of its parameters a rule can build (the mapped type insists on one at
 * least): each way a server fix is offered (the three ways a server asks for a new password, the
 * guard of every shell a login script may print from) and each direction of a host-key fix (the
 * server, or the jump host in front of it).
 */
const VARIANTS: { [I in FixId]: FixParamsOf<I>[] } = {
  'split-host-field': [{ host: 'h.invalid', user: 'bob', port: 22 }],
  'trim-whitespace': [{ fields: ['user'] }],
  'use-port': [{ port: 22 }],
  'use-dns-suggestion': [{ host: 'h2.invalid' }],
  'increase-timeout': [{ seconds: 30 }],
  'allow-legacy-algorithms': [{ algorithms: ['diffie-hellman-group14-sha1'], categories: ['kex'], risks: ['SHA-1'] }],
  'trust-host-key': [{ host: 'h.invalid', port: 2222, type: 'ssh-ed25519', sha256: HOST_KEY.sha256, md5: 'MD5:00', publicKey: PUB, file: KH }],
  'connect-once': [{ sha256: HOST_KEY.sha256 }],
  'replace-host-key': [{ host: 'h.invalid', port: 2222, type: 'ssh-ed25519', sha256: HOST_KEY.sha256, md5: 'MD5:00', publicKey: PUB, file: KH, oldSha256: OLD_KEY.sha256, line: 1 }],
  'choose-private-key': [{ path: '/nonexistent/id_ed25519' }],
  'convert-key': [{ from: 'ppk-v2', to: 'openssh', path: '/nonexistent/key.ppk' }],
  'generate-ed25519-key': [{}],
  'rewrite-key-file': [
    { path: '/nonexistent/id_ed25519', format: 'openssh', steps: ['private-mode'], tools: 'OpenSSH' },
    { path: '/nonexistent/id_ed25519', format: 'openssh', steps: ['private-mode', 'clean-text'], tools: 'OpenSSH' },
    { path: '/nonexistent/key.ppk', format: 'ppk-v2', steps: ['clean-text', 'openssh-copy'], tools: 'OpenSSH and PuTTY' },
  ],
  'identities-only': [{}],
  'change-expired-password': [{ via: 'pam' }, { via: 'change-request' }, { via: 'session' }],
  'fix-authorized-keys-permissions': [{ path: '~/.ssh', mode: '700' }],
  'install-public-key': [{ publicKey: PUB, fingerprint: HOST_KEY.sha256 }],
  'use-scp': [{}],
  // sh reads no start-up file for `sh -c COMMAND`: the rule offers no guard for it (nor for a shell it does not know).
  'silence-login-script': Object.entries(SHELL_GUARDS)
    .filter(([shell]) => GUARDABLE_SHELLS.includes(shell))
    .map(([shell, g]) => ({ file: g.files.find((x) => x.startsWith('~/')) ?? '~/.bashrc', guard: g.guard, shell })),
  keepalive: [{ seconds: 30 }],
  'use-remote-folder': [{ path: '/upload/inbox' }],
  'fix-pasted-password': [{ idea: 'caps-lock', what: 'Caps Lock' }],
  'use-user': [{ user: 'bob' }],
  'use-sftp': [{}],
  'use-auth-methods': [{ methods: ['keyboard-interactive', 'password'], added: 'keyboard-interactive' }],
  'use-rsa-signature': [{ algorithm: 'rsa-sha2-512' }, { algorithm: 'rsa-sha2-256' }, { algorithm: 'ssh-rsa' }],
};

/** The variants a code offers: a jump host's host-key fixes name the jump host. */
function variantsFor(code: DiagnosisCode, id: FixId): unknown[] {
  const all = VARIANTS[id] as unknown[];
  if (code === 'JUMP_HOST_FAILED' && (id === 'trust-host-key' || id === 'replace-host-key')) return all.map((v) => ({ ...(v as object), ...JUMP }));
  return all;
}

/** The attempt each fix is applied to: one it changes. */
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

function resultFor(code: DiagnosisCode, fix: Fix, request: ConnectionRequest, actions: Action[] = []): RunResult {
  const facts = {
    input: { host: 'h.invalid', port: 2222, user: 'ann', warnings: [] },
    hostkey: { key: { type: 'ssh-ed25519', sha256: HOST_KEY.sha256, md5: 'MD5:00', publicKey: PUB } },
    ...(code === 'JUMP_HOST_FAILED' ? { path: { failedHop: 0, hops: [{ ...JUMP, hostKey: `ssh-ed25519 ${HOST_KEY.sha256}` }] } } : {}),
  } as unknown as Facts;
  return {
    runId: `run-${code}-${fix.id}`,
    request: { protocol: request.protocol, host: request.host, port: request.port ?? null, user: request.user, passwordGiven: true, keyGiven: false, keyPath: null, passphraseGiven: false, useAgent: true, identitiesOnly: false, legacyAlgorithms: [], knownHostsPath: null, startPath: null, timeoutMs: 10_000 } as RunResult['request'],
    diagnosis: { code, ok: false, phase: 'input', title: code, explanation: '', nextStep: '', evidence: [], fixes: [fix], actions },
    steps: [],
    facts,
    startedAt: new Date(0).toISOString(),
    totalMs: 1,
  };
}

/**
 * What a local fix needs on this computer, made in its own folder: the known_hosts it writes (with
 * the server's old key for a replacement), the PuTTY key it converts, the folder a new key goes to.
 */
async function localSetup(dir: string, fix: Fix, request: ConnectionRequest): Promise<{ fix: Fix; request: ConnectionRequest; input: RepairInput; check(): Promise<void> }> {
  const input: RepairInput = { confirmed: true, folder: dir };
  if (fix.id === 'trust-host-key' || fix.id === 'replace-host-key') {
    const file = path.join(dir, 'known_hosts');
    const name = fix.params.port === 22 ? fix.params.host : `[${fix.params.host}]:${fix.params.port}`;
    if (fix.id === 'replace-host-key') await fs.writeFile(file, `${name} ${OLD_KEY.line}\nother.invalid ${OLD_KEY.line}\n`);
    return {
      fix: { ...fix, params: { ...fix.params, file } } as Fix,
      request,
      input: { ...input, fingerprint: HOST_KEY.sha256 },
      async check() {
        const text = await fs.readFile(file, 'utf8');
        expect(text).toContain(`${name} ${PUB.split(' ').slice(0, 2).join(' ')}`);
        expect(text.includes(`${name} ${OLD_KEY.line}`)).toBe(false);
        if (fix.id === 'replace-host-key') expect(text).toContain(`other.invalid ${OLD_KEY.line}`);
      },
    };
  }
  if (fix.id === 'convert-key') {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ppk = path.join(dir, 'key.ppk');
    await fs.writeFile(ppk, (await convertKey(pem, { to: 'ppk-v2' })).text, { mode: 0o600 });
    return {
      fix: { ...fix, params: { ...fix.params, path: ppk } } as Fix,
      request: { ...request, privateKey: { path: ppk } },
      input,
      async check() {
        const made = (await fs.readdir(dir)).filter((f) => f !== 'key.ppk' && !f.endsWith('.pub') && f !== 'repairs.log');
        expect(made.length).toBeGreaterThan(0);
        expect((await inspectKey(await fs.readFile(path.join(dir, made[0]!)))).format).toBe('openssh');
      },
    };
  }
  if (fix.id === 'generate-ed25519-key') {
    return {
      fix,
      request,
      input,
      async check() {
        const made = (await fs.readdir(dir)).filter((f) => f.startsWith('id_ed25519') && !f.endsWith('.pub'));
        expect(made).toHaveLength(1);
        expect((await inspectKey(await fs.readFile(path.join(dir, made[0]!)))).type).toMatch(/ed25519/i);
      },
    };
  }
  if (fix.id === 'rewrite-key-file') {
    // The key as the rule found it: group-readable OpenSSH key with CRLF line ends, or a PuTTY key with a BOM.
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ppk = fix.params.steps.includes('openssh-copy');
    const file = path.join(dir, ppk ? 'key.ppk' : 'id_ed25519');
    const text = (await convertKey(pem, { to: ppk ? 'ppk-v2' : 'openssh' })).text;
    const original = fix.params.steps.includes('clean-text') ? (ppk ? `\ufeff${text}` : text.replace(/\n/g, '\r\n')) : text;
    await fs.writeFile(file, original, { mode: 0o644 });
    await fs.chmod(file, 0o644);
    return {
      fix: { ...fix, params: { ...fix.params, path: file } } as Fix,
      request: { ...request, privateKey: { path: file } },
      input,
      async check() {
        const forOpenssh = ppk ? path.join(dir, 'key') : file;
        await execFileP(SSH_KEYGEN_PATH, ['-y', '-f', forOpenssh]);
        if (fix.params.steps.includes('clean-text')) expect(await fs.readFile(`${file}.bak`, 'utf8')).toBe(original);
        if (ppk) expect(await fs.readFile(file, 'utf8')).toBe(text);
      },
    };
  }
  throw new Error(`no setup for the local fix ${fix.id}`);
}

/** Every (code, fix, variant) the contract lists. */
const PAIRS: [DiagnosisCode, FixId, number][] = DIAGNOSIS_CODES.flatMap((code) => FIXES_BY_CODE[code].flatMap((id) => variantsFor(code, id).map((_, i): [DiagnosisCode, FixId, number] => [code, id, i])));
/** Catalog fixes `repair` applies without a diagnosis listing them (on request: more time after a timeout). */
const REPAIR_ONLY: readonly FixId[] = ['increase-timeout'];
/** Server fixes need the server: each is applied for real by `repair --fix ID` and by the window's services in the last part. */
const SERVER_FIXES_APPLIED_BELOW: readonly FixId[] = ['silence-login-script', 'fix-authorized-keys-permissions', 'install-public-key', 'change-expired-password'];

const walked = { pairs: 0, appliedByRepair: 0, appliedByWindow: 0, recheckStarted: 0 };

/** What the test uses of the window's stores and actions (renderer/stores: formStore, actions). */
interface WindowSide {
  form: { setState(s: { values: ReturnType<typeof formOf>; siteId: null; siteSettings: null }): void; getState(): { request(): ConnectionRequest } };
  applyFormFixAndReconnect(fix: Fix): { applied: boolean };
  calls: { channel: string; args: unknown[] }[];
}

/**
 * The window's stores (form, run) and actions, on an in-process API that records the calls: the
 * renderer finds its API on `window` as in Electron, so that is set before they load. (Loaded by
 * path: they are typed for the browser, which this Node test's compiler does not know.)
 */
let windowSide: Promise<WindowSide> | undefined;
function theWindow(): Promise<WindowSide> {
  windowSide ??= (async () => {
    let n = 0;
    const t = testApi({ 'diagnose:start': async () => ({ runId: `window-run-${++n}` }), 'diagnose:cancel': async () => ({ cancelled: true }) });
    (globalThis as Record<string, unknown>).window = { [API_GLOBAL]: t.api };
    const load = (file: string) => import(/* @vite-ignore */ path.join(__dirname, '../../renderer/stores', file)) as Promise<Record<string, unknown>>;
    const [formStore, actions] = await Promise.all([load('formStore.ts'), load('actions.ts')]);
    return { form: formStore.form as WindowSide['form'], applyFormFixAndReconnect: actions.applyFormFixAndReconnect as WindowSide['applyFormFixAndReconnect'], calls: t.calls };
  })();
  return windowSide;
}

describe('the fix contract: every fix a code offers is carried out by repair and by the window', () => {
  afterAll(() => {
    console.log(`fix contract: ${walked.pairs} (code, fix, variant) walked; applied by repair ${walked.appliedByRepair}, by the window ${walked.appliedByWindow}; re-check started ${walked.recheckStarted}`);
  });

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

  it('every server fix is applied for real against a server somewhere', () => {
    for (const id of FIX_IDS.filter((i) => FIX_META[i].kind === 'server')) expect(SERVER_FIXES_APPLIED_BELOW, `${id} is applied against no server`).toContain(id);
  });

  it.each(PAIRS)('%s → %s (variant %i)', async (code, id, variant) => {
    walked.pairs++;
    // In the catalog, with parameters its schema accepts, and a kind that is a change (not a message).
    expect(FIX_IDS).toContain(id);
    const params = variantsFor(code, id)[variant];
    expect(FIX_PARAMS[id].safeParse(params).success).toBe(true);
    let fix = (makeFix as (i: FixId, p: unknown) => Fix)(id, params);
    expect(FixSchema.safeParse(fix).success).toBe(true);
    expect(['form', 'local', 'server']).toContain(fix.kind);
    expect(fix.kind).toBe(FIX_META[id].kind);
    expect(REPAIRABLE_FIX_IDS).toContain(id);

    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'fix-invariant-'));
    try {
      // `repair --fix ID` and the window each apply it in a folder of their own.
      const cliDir = path.join(base, 'cli');
      const winDir = path.join(base, 'window');
      await Promise.all([fs.mkdir(cliDir), fs.mkdir(winDir)]);
      let request = requestFor(id);
      let input: RepairInput = { confirmed: true };
      let cliCheck: (() => Promise<void>) | null = null;
      let winCheck: (() => Promise<void>) | null = null;
      let winFix = fix;
      let winRequest = request;
      let winInput = input;
      if (fix.kind === 'local') {
        const cli = await localSetup(cliDir, fix, request);
        const win = await localSetup(winDir, fix, request);
        ({ fix, request, input } = cli);
        ({ fix: winFix, request: winRequest, input: winInput } = win);
        cliCheck = cli.check;
        winCheck = win.check;
      }

      // `repair --fix ID`: the command's services (services/local.ts) find the fix on this
      // diagnosis, plan it and apply it; what they hand back is the request it checks again with.
      const result = resultFor(code, fix, request);
      const repair = await localServices({ env: {}, dataDir: cliDir }).repairs();
      expect(repair.find(result, id)).toEqual(fix);
      if (fix.kind !== 'server') {
        const ctx = repair.context(request, result);
        const plan = await repair.plan(ctx, id);
        expect(plan.changes.length).toBeGreaterThan(0);
        const applied = await repair.apply(ctx, id, input);
        expect(applied.applied, applied.message).toBe(true);
        expect(applied.nextRequest).not.toBeNull();
        await cliCheck?.();
        walked.appliedByRepair++;
      }

      // The window: a safe form fix is applied by the renderer itself (then it connects again);
      // anything else goes through the confirmation dialog, which calls repair:plan and repair:apply.
      if (canApplyInWindow(fix)) {
        const out = applyInWindow(formOf(request), fix);
        expect(out.ok, out.ok ? '' : out.message).toBe(true);
        // The window's own action: the form takes the fix, and a run starts at once with the new form.
        const win = await theWindow();
        win.form.setState({ values: formOf(request), siteId: null, siteSettings: null });
        const before = win.calls.length;
        expect(win.applyFormFixAndReconnect(fix)).toEqual({ applied: true });
        const recheck = win.calls.slice(before).find((c) => c.channel === 'diagnose:start');
        expect(recheck, 'the window starts no re-check').toBeDefined();
        expect(recheck!.args[0]).toEqual(win.form.getState().request());
        walked.appliedByWindow++;
        walked.recheckStarted++;
        return;
      }
      if (fix.kind === 'server') return; // applied for real against sshd: SERVER_FIXES_APPLIED_BELOW
      const winResult = resultFor(code, winFix, winRequest);
      const started: ConnectionRequest[] = [];
      const runs = {
        record: () => ({ request: winRequest, result: winResult, events: [] }),
        start: (next: ConnectionRequest) => {
          started.push(next);
          return 'recheck-1';
        },
      } as unknown as RunManager;
      const handlers = repairHandlers({ runs, sites: new SiteStore({ dataDir: winDir }), dataDir: winDir, knownHostsPath: () => path.join(winDir, 'known_hosts') });
      const ctx = { client: {} } as Parameters<(typeof handlers)['repair:apply']>[1];
      const plan = await handlers['repair:plan']([winResult.runId, id], ctx);
      expect(plan.changes.length).toBeGreaterThan(0);
      const outcome = await handlers['repair:apply']([winResult.runId, id, winInput], ctx);
      expect(outcome).toMatchObject({ applied: true, runId: 'recheck-1' });
      expect(started).toHaveLength(1);
      await winCheck?.();
      walked.appliedByWindow++;
      walked.recheckStarted++;
    } finally {
      await fs.rm(base, { recursive: true, force: true });
    }
  });

  it('a safe form fix applied in the window changes the same fields as repair does', async () => {
    for (const [code, id, variant] of PAIRS) {
      const fix = (makeFix as (i: FixId, p: unknown) => Fix)(id, variantsFor(code, id)[variant]);
      if (!canApplyInWindow(fix)) continue;
      const request = requestFor(id);
      const win = applyInWindow(formOf(request), fix);
      const rep = await planRepair({ request, result: resultFor(code, fix, request), defaultKnownHostsPath: KH }, id);
      expect(win.ok).toBe(true);
      if (win.ok) expect(rep.changes.slice(0, win.changes.length)).toEqual(win.changes);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// What is not a repair: an action. The CLI shows each one as the window does.

const ACTIONS: Action[] = [...ADMIN_TOPICS.map((t) => askAdmin(t)), ...ENTER_FIELDS.map((f) => enterField(f)), otherProgram('FTP')];
/** An admin topic no code asks about yet (its message exists; no rule offers it): none today. */
const TOPICS_OFFERED_NOWHERE: readonly ActionKey[] = [];

/** Every (code, action) shared/action-offers.ts lists. */
const ACTION_PAIRS: [DiagnosisCode, ActionKey][] = DIAGNOSIS_CODES.flatMap((code) => ACTIONS_BY_CODE[code].map((k): [DiagnosisCode, ActionKey] => [code, k]));
const actionOf = (key: ActionKey): Action => ACTIONS.find((a) => actionKey(a) === key)!;

/** The window's result card and admin message dialog, rendered to HTML as React renders them (loaded by path: typed for the browser). */
interface WindowCard {
  render(result: RunResult): string;
  adminDialog(result: RunResult, topic: AdminTopic): string;
}
let windowCard: Promise<WindowCard> | undefined;
function theCard(): Promise<WindowCard> {
  windowCard ??= (async () => {
    await theWindow(); // the window's API on `window` before its stores load
    const load = (file: string) => import(/* @vite-ignore */ path.join(__dirname, '../../renderer', file)) as Promise<Record<string, unknown>>;
    const [{ renderToStaticMarkup }, react, card, dialog, runStore] = await Promise.all([import('react-dom/server'), import('react'), load('components/ResultCard.tsx'), load('components/AdminMessageDialog.tsx'), load('stores/runStore.ts')]);
    const store = (runStore.run as { store: { setState(s: object): void; getState(): unknown; getInitialState(): unknown } }).store;
    // Rendered on the server side, zustand reads the store's initial state: make it the current one.
    store.getInitialState = () => store.getState();
    const html = (el: ReturnType<typeof react.createElement>) =>
      renderToStaticMarkup(el).replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    return {
      render(result) {
        store.setState({ state: 'done', result, appliedFix: null });
        return html(react.createElement(card.ResultCard as () => null));
      },
      adminDialog(result, topic) {
        const el = react.createElement as (type: unknown, props: object) => ReturnType<typeof react.createElement>;
        return html(el(dialog.AdminMessageDialog, { result, topic, onClose: () => undefined }));
      },
    };
  })();
  return windowCard;
}

const walkedActions = { pairs: 0, cli: 0, window: 0 };

describe('actions: every (code, action) shared/action-offers.ts lists, shown by the CLI and by the window', () => {
  afterAll(() => {
    console.log(`action contract: ${walkedActions.pairs} (code, action) walked; shown by the CLI ${walkedActions.cli}, rendered in the window's result card ${walkedActions.window}`);
  });

  it('every action a rule module builds is one of those walked here, and every one is suggested by some code', async () => {
    const dir = path.join(__dirname, '../diagnose/rules');
    const walkedKeys = new Set(ACTIONS.map((a) => (a.type === 'ask-admin' ? `askAdmin('${a.topic}')` : a.type === 'enter' ? `enterField('${a.field}')` : `otherProgram('${a.protocol}')`)));
    for (const file of await fs.readdir(dir)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const text = await fs.readFile(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(/(askAdmin|enterField|otherProgram)\('([a-zA-Z-]+)'\)/g)) expect(walkedKeys.has(m[0]), `${file}: ${m[0]}`).toBe(true);
    }
    const listed = new Set(ACTION_PAIRS.map(([, k]) => k));
    for (const a of ACTIONS) expect(listed.has(actionKey(a)) || TOPICS_OFFERED_NOWHERE.includes(actionKey(a)), `${actionKey(a)} is suggested by no code`).toBe(true);
    for (const k of TOPICS_OFFERED_NOWHERE) expect(listed.has(k), `${k} is suggested now: take it off TOPICS_OFFERED_NOWHERE`).toBe(false);
  });

  it.each(ACTION_PAIRS)('%s → %s', async (code, key) => {
    walkedActions.pairs++;
    const action = actionOf(key);
    expect(action, `${key} is not an action`).toBeDefined();
    const fixId = FIXES_BY_CODE[code][0];
    const fix = fixId ? (makeFix as (i: FixId, p: unknown) => Fix)(fixId, variantsFor(code, fixId)[0]) : makeFix('use-port', { port: 22 });
    const result = resultFor(code, fix, requestFor(fix.id), [action]);
    if (!fixId) result.diagnosis.fixes = [];

    // The CLI: its text and its JSON.
    const text = humanReport(result).replace(/\s+/g, ' ');
    const json = jsonReport(result);
    expect(json.actions).toEqual([action]);
    if (action.type === 'ask-admin') {
      const message = adminMessage(result, action.topic);
      expect(text).toContain(message.replace(/\s+/g, ' '));
      expect(json.adminMessage).toBe(message);
    } else {
      expect(text).toContain(action.label);
      expect(text).toContain(action.description.replace(/\s+/g, ' '));
    }
    walkedActions.cli++;

    // The window: the result card shows the action (a button for what the user does here, the
    // program's name for another protocol) with its description; ask-admin opens the dialog with
    // the same message the CLI prints.
    const card = await theCard();
    const html = card.render(result);
    expect(html).toContain(`data-code="${code}"`);
    expect(html).toContain(action.label);
    expect(html).toContain(action.description);
    if (action.type === 'other-program') expect(html).toMatch(new RegExp(`<strong class="action-label">${action.label}</strong>`));
    else expect(html).toContain(`data-action="${action.type === 'enter' ? `enter-${action.field}` : 'ask-admin'}"`);
    if (action.type === 'ask-admin') expect(card.adminDialog(result, action.topic)).toContain(adminMessage(result, action.topic));
    walkedActions.window++;
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

// ---------------------------------------------------------------------------------------------
// Server fixes against a real sshd (StrictModes, an sftp-server started through the user's shell):
// each one applied by `repair --fix ID`, and again by the window's services (the handler table
// behind IPC and the UI host: diagnose:start, then repair:apply, then its re-check run). Every
// variant: the login-script guard of each shell (bash, zsh, csh, tcsh, fish: accounts with that
// shell), and each way a server asks for a new password (PAM, passwd in the session without PAM,
// and the SSH change request, which only the harness's change-request server sends).

const SERVER_PW = 'fix-invariant-srv-1';

interface ServerCase {
  fix: FixId;
  /** For a password change: the way the server asks for it (the variant of the fix offered). */
  via?: 'pam' | 'session' | 'change-request';
  server: 'strict' | 'pam' | 'change-request';
  user: string;
  shell: string;
  /** Breaks the account the way the case needs (again before each front end). */
  prepare(home: string, key: GeneratedKey): Promise<void>;
  /** Whether the attempt gives the key (and the password as well). */
  withKey: boolean;
  before: DiagnosisCode;
  /** What the user gives for the change: on the command line, and in the window's dialog. */
  cli?: { args: string[]; env: Record<string, string> };
  window?: RepairInput;
  /** A login-script case: the file that must start with the guard after each front end. */
  expectGuarded?: { file: string };
}

/** The expired account's passwords: the old one, and the new one each front end sets. */
const EXPIRED = { old: 'Expired-pw-1!x', cli: 'Fresh-Pw-2?zq-long', window: 'Other-Pw-3#kq-long' };

async function chownR(user: string, target: string): Promise<void> {
  await execFileP('chown', ['-R', `${user}:${user}`, target]);
}

/** The login shells a user may have, each with the start-up file that prints (installed by scripts/install-test-deps.sh). */
const LOGIN_SHELLS = [
  { name: 'bash', shell: '/bin/bash', file: '.bashrc' },
  { name: 'zsh', shell: '/bin/zsh', file: '.zshenv' },
  { name: 'csh', shell: '/bin/csh', file: '.cshrc' },
  { name: 'tcsh', shell: '/bin/tcsh', file: '.tcshrc' },
  { name: 'fish', shell: '/usr/bin/fish', file: '.config/fish/config.fish' },
] as const;

const SERVER_CASES: ServerCase[] = [
  // The guard of each shell whose start-up file is read when sshd starts sftp-server through it.
  ...LOGIN_SHELLS.map(
    ({ name, shell, file }): ServerCase => ({
      fix: 'silence-login-script',
      server: 'strict',
      user: `sdfixrc${name.slice(0, 4)}`,
      shell,
      withKey: false,
      before: 'SFTP_LOGIN_SCRIPT_OUTPUT',
      async prepare(home) {
        const at = path.join(home, file);
        await fs.rm(`${at}.sftp-doctor.bak`, { force: true });
        await fs.mkdir(path.dirname(at), { recursive: true });
        await fs.writeFile(at, 'echo "Welcome to the file server"\n');
        await chownR(this.user, path.join(home, file.split('/')[0]!));
      },
      expectGuarded: { file },
    }),
  ),
  {
    fix: 'fix-authorized-keys-permissions',
    server: 'strict',
    user: 'sdfixperm',
    shell: '/bin/sh',
    withKey: true,
    before: 'AUTH_KEY_REJECTED',
    async prepare(home, key) {
      await fs.rm(path.join(home, '.ssh'), { recursive: true, force: true });
      await fs.mkdir(path.join(home, '.ssh'));
      await fs.writeFile(path.join(home, '.ssh', 'authorized_keys'), `${key.publicKey}\n`);
      await chownR(this.user, path.join(home, '.ssh'));
      await fs.chmod(path.join(home, '.ssh'), 0o777);
    },
  },
  {
    fix: 'install-public-key',
    server: 'strict',
    user: 'sdfixinst',
    shell: '/bin/sh',
    withKey: true,
    before: 'AUTH_KEY_REJECTED',
    async prepare(home) {
      await fs.rm(path.join(home, '.ssh'), { recursive: true, force: true });
    },
  },
  {
    // The server asks for a new password through PAM's questions at login (via 'pam').
    fix: 'change-expired-password',
    via: 'pam',
    server: 'pam',
    user: 'sdfixexp',
    shell: '/bin/sh',
    withKey: false,
    before: 'AUTH_PASSWORD_EXPIRED',
    cli: { args: ['--new-password-env', 'NEWPW'], env: { NEWPW: EXPIRED.cli } },
    window: { confirmed: true, newPassword: EXPIRED.window },
    async prepare() {
      await ensureUser({ name: this.user, password: EXPIRED.old, shell: this.shell });
      await execFileP('chage', ['-d', '0', this.user]);
    },
  },
  {
    // sshd without PAM logs the user in, then runs passwd on a terminal first (via 'session').
    fix: 'change-expired-password',
    via: 'session',
    server: 'strict',
    user: 'sdfixexps',
    shell: '/bin/sh',
    withKey: false,
    before: 'AUTH_PASSWORD_EXPIRED',
    cli: { args: ['--new-password-env', 'NEWPW'], env: { NEWPW: EXPIRED.cli } },
    window: { confirmed: true, newPassword: EXPIRED.window },
    async prepare() {
      await ensureUser({ name: this.user, password: EXPIRED.old, shell: this.shell });
      await execFileP('chage', ['-d', '0', this.user]);
    },
  },
  {
    // SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (via 'change-request'): neither OpenSSH nor Dropbear ever
    // sends it (OpenSSH asks through PAM or runs passwd in the session), other servers do; the
    // harness's change-request server asks it at login, then serves OpenSSH's sftp-server.
    fix: 'change-expired-password',
    via: 'change-request',
    server: 'change-request',
    user: 'sdfixexpc',
    shell: '/bin/sh',
    withKey: false,
    before: 'AUTH_PASSWORD_EXPIRED',
    cli: { args: ['--new-password-env', 'NEWPW'], env: { NEWPW: EXPIRED.cli } },
    window: { confirmed: true, newPassword: EXPIRED.window },
    async prepare() {
      changeRequestServer!.expire(EXPIRED.old);
    },
  },
];

let changeRequestServer: ChangeRequestServer | undefined;

describe.skipIf(!sshdAvailable().ok)('server fixes against a real sshd: by repair --fix ID and by the window, each re-checked', () => {
  let dir: string;
  const servers: Partial<Record<Exclude<ServerCase['server'], 'change-request'>, SshdServer>> = {};
  let key: GeneratedKey;
  let kh: string;
  const homes: Record<string, string> = {};
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fix-invariant-srv-'));
    [servers.strict, servers.pam, key, changeRequestServer] = await Promise.all([
      startSshd({ hostKeyTypes: ['ed25519'], config: { StrictModes: 'yes', Subsystem: 'sftp /usr/lib/openssh/sftp-server' } }),
      startSshd({ hostKeyTypes: ['ed25519'], config: { UsePAM: 'yes', KbdInteractiveAuthentication: 'yes' } }),
      generateKey('ed25519'),
      startChangeRequestServer('sdfixexpc'),
    ]);
    for (const c of SERVER_CASES) homes[c.user] = (await ensureUser({ name: c.user, password: SERVER_PW, shell: c.shell })).home;
    kh = path.join(dir, 'known_hosts');
    for (const s of Object.values(servers)) for (const k of s.hostKeys) await addHostKey(kh, s.host, s.port, k.publicKey);
    await addHostKey(kh, changeRequestServer.host, changeRequestServer.port, changeRequestServer.publicKey);
  });
  afterAll(async () => {
    await Promise.all([...Object.values(servers).map((s) => s?.stop()), changeRequestServer?.stop()]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('covers every server fix', () => {
    expect([...new Set(SERVER_CASES.map((c) => c.fix))].sort()).toEqual([...SERVER_FIXES_APPLIED_BELOW].sort());
    // Every shell a login-script fix is offered for is guarded for real below.
    const shells = SERVER_CASES.filter((c) => c.fix === 'silence-login-script').map((c) => path.basename(c.shell));
    for (const v of VARIANTS['silence-login-script']) expect(shells).toContain(v.shell);
    // And every way a server asks for a new password.
    const ways = SERVER_CASES.filter((c) => c.fix === 'change-expired-password').map((c) => c.via);
    for (const v of VARIANTS['change-expired-password']) expect(ways).toContain(v.via);
    for (const c of SERVER_CASES) expect(FIXES_BY_CODE[c.before]).toContain(c.fix);
  });

  it.each(SERVER_CASES.map((c) => [`${c.fix} (${c.via ?? path.basename(c.shell)})`, c] as const))('%s', async (_id, c) => {
    const home = homes[c.user]!;
    const server = c.server === 'change-request' ? changeRequestServer! : servers[c.server]!;
    const password = c.fix === 'change-expired-password' ? EXPIRED.old : SERVER_PW;
    const request: ConnectionRequest = { protocol: 'sftp', host: server.host, port: server.port, user: c.user, password, knownHostsPath: kh, timeoutMs: 6000, useAgent: false, ...(c.withKey ? { privateKey: { path: key.path } } : {}) };

    // `repair --fix ID`
    await c.prepare(home, key);
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const argv = ['repair', '--json', '--fix', c.fix, '--yes', '--no-agent', '--password-env', 'PW', '--timeout', '6', '--known-hosts', kh, ...(c.withKey ? ['--key', key.path] : []), ...(c.cli?.args ?? []), `${c.user}@${server.host}:${server.port}`];
    const exit = await runCli(argv, { stdout, stderr: new PassThrough(), stdin: Readable.from([]), env: { SFTP_DOCTOR_HOME: path.join(dir, 'cli'), PW: password, ...c.cli?.env } });
    const report = JSON.parse(out) as { rounds: { diagnosis: { code: string }; appliedFix: { id: string; applied: boolean; message: string } | null; result: { code: string } | null }[]; code: string };
    const round = report.rounds.find((r) => r.appliedFix?.id === c.fix);
    expect(round?.diagnosis.code).toBe(c.before);
    expect(round?.appliedFix?.applied, round?.appliedFix?.message).toBe(true);
    expect(round?.result?.code).toBe('OK');
    expect(exit).toBe(0);
    if (c.expectGuarded) expect(await fs.readFile(path.join(home, c.expectGuarded.file), 'utf8')).toMatch(/^# Added by SFTP Doctor[^]*\necho "Welcome to the file server"\n$/);

    // The window: the same handler table the Electron IPC and the UI host dispatch to.
    await c.prepare(home, key);
    const services = createAppServices({ host: 'electron', dataDir: path.join(dir, 'window') });
    const done = new Map<string, RunResult>();
    const waiters = new Map<string, (r: RunResult) => void>();
    const client: RunClient = {
      sendEvent: (e) => {
        if (e.type !== 'done') return;
        done.set(e.runId, e.result);
        waiters.get(e.runId)?.(e.result);
      },
      // The user closes the server's question (a new password asked at login): the diagnosis says what was needed.
      sendPrompt: (p) => {
        const answer = p.kind === 'hostkey' ? { promptId: p.promptId, kind: 'hostkey', decision: 'cancel' } : { promptId: p.promptId, kind: 'secret', answers: null };
        setImmediate(() => void services.dispatch('prompt:answer', [p.runId, answer], { client }));
      },
      sendCheck: () => {},
    };
    const resultOf = (runId: string) => new Promise<RunResult>((resolve) => (done.has(runId) ? resolve(done.get(runId)!) : waiters.set(runId, resolve)));
    const ctx = { client };
    const { runId } = (await services.dispatch('diagnose:start', [request], ctx)) as { runId: string };
    const first = await resultOf(runId);
    expect(first.diagnosis.code).toBe(c.before);
    expect(first.diagnosis.fixes.map((f) => f.id)).toContain(c.fix);
    if (c.via) expect(first.diagnosis.fixes.find((f) => f.id === c.fix)?.params).toEqual({ via: c.via });
    const plan = (await services.dispatch('repair:plan', [runId, c.fix], ctx)) as { changes: string[] };
    expect(plan.changes.length).toBeGreaterThan(0);
    const outcome = (await services.dispatch('repair:apply', [runId, c.fix, c.window ?? { confirmed: true }], ctx)) as { applied: boolean; runId: string | null; message: string };
    expect(outcome.applied, outcome.message).toBe(true);
    expect(outcome.runId).not.toBeNull();
    expect((await resultOf(outcome.runId!)).diagnosis.code).toBe('OK');
    if (c.server === 'change-request') expect(changeRequestServer!.received).toEqual([EXPIRED.cli, EXPIRED.window]);
    if (c.expectGuarded) expect(await fs.readFile(path.join(home, c.expectGuarded.file), 'utf8')).toMatch(/^# Added by SFTP Doctor[^]*\necho "Welcome to the file server"\n$/);
  });
});
