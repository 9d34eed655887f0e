/**
 * The window's Advanced panel as command-line flags, each against a real sshd: --legacy-algorithms
 * (a server that only speaks an old key exchange), --remote-folder, --no-agent and
 * --identities-only (an ssh-agent holding the only good key), --keepalive (behind a relay that
 * drops idle connections) and the log (--log / --log-level / -v: levels, times, mode 0600, no
 * password).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentAvailable, generateKey, setupAccount, sshdAvailable, startAgent, startIdleProxy, startSshd, type GeneratedKey, type IdleProxy, type SshdServer, type TestAgent } from '../../../e2e/harness/index';
import { cliRunner } from '../test-cli';

const USER = 'sdcliadv';
const PW = 'Adv-Flags-Pw-93';

let home: string;
const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home, PW }));

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-adv-'));
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('Advanced flags: values that cannot be used are refused with what is expected (exit 2)', () => {
  it.each([
    [['--keepalive', 'abc'], /--keepalive: "abc" is not a number of seconds; give a whole number from 1 to 3600 \(0 turns keepalives off\)/],
    [['--keepalive', '99999'], /--keepalive: "99999" is not a number of seconds/],
    [['--keepalive', '2.5'], /--keepalive: "2.5"/],
    [['--legacy-algorithms', 'des-cbc-ultra'], /--legacy-algorithms: "des-cbc-ultra" is not an algorithm SFTP Doctor can use\. Weak ones it can allow: .*diffie-hellman-group1-sha1.*\(or "auto" to choose from the server's offer\)/],
    [['--legacy-algorithms', ','], /--legacy-algorithms: give algorithm names separated by commas, or "auto"/],
    [['--remote-folder', '  '], /--remote-folder: give a folder/],
    [['--remote-folder', 'up\nloads'], /--remote-folder: "up\\nloads" holds a control character/],
    [['--auth-methods', 'pasword'], /--auth-methods: "pasword" is not a login method; use publickey, keyboard-interactive, password/],
    [['--auth-methods', ','], /--auth-methods: give login methods separated by commas/],
    [['--rsa-signature', 'rsa-sha1'], /--rsa-signature: "rsa-sha1" is not an RSA signature algorithm; use rsa-sha2-512, rsa-sha2-256, ssh-rsa/],
    [['--identities-only'], /--identities-only means "try only the key given": add --key FILE/],
    [['--log-level', 'loud', '-v'], /--log-level: "loud" is not a level; use normal .*, debug .* or raw/],
    [['--log-level', 'raw'], /--log-level needs somewhere to write: add --log FILE or --verbose/],
    [['--log', '/nonexistent-folder.invalid/x.log'], /--log: cannot write \/nonexistent-folder\.invalid\/x\.log \(its folder does not exist\)/],
  ])('%j', async (flags, message) => {
    const r = await cli(['diagnose', ...flags, 'sftp://u@h.invalid']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a folder in TARGET and another with --remote-folder is a conflict', async () => {
    const r = await cli(['diagnose', '--remote-folder', '/srv', 'sftp://u@h.invalid/var/www']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the remote folder is given twice: "/var/www" in TARGET and "/srv" with --remote-folder');
  });
});

interface Json {
  ok: boolean;
  code: string;
  steps: { phase: string; status: string; detail: string }[];
  evidence: { label: string; value: string }[];
  facts: { sftp?: { path?: string }; kex?: { negotiated?: Record<string, string>; client?: Record<string, string[]>; chosen?: { category: string; algorithm: string; risk: string }[] }; auth?: { success?: boolean; attempts: { method: string; source?: string; result: string }[] }; hold?: { keepaliveSeconds?: number } };
}

describe.skipIf(!sshdAvailable().ok)('Advanced flags against a real sshd', () => {
  let server: SshdServer;
  let legacy: SshdServer;
  let kh: string;
  let goodKey: GeneratedKey;
  let otherKey: GeneratedKey;
  let accountHome: string;
  beforeAll(async () => {
    const keyDir = await fs.mkdtemp(path.join(home, 'keys-'));
    [server, legacy, goodKey, otherKey] = await Promise.all([
      startSshd({ hostKeyTypes: ['ed25519'] }),
      // Only weak algorithms for the key exchange, the cipher and the MAC, a weaker and a less weak one each.
      startSshd({ hostKeyTypes: ['ed25519'], config: { KexAlgorithms: 'diffie-hellman-group1-sha1,diffie-hellman-group14-sha1', Ciphers: '3des-cbc,aes128-cbc', MACs: 'hmac-md5,hmac-sha1-96' } }),
      generateKey('ed25519', keyDir, 'good'),
      generateKey('ed25519', keyDir, 'other'),
    ]);
    accountHome = (await setupAccount({ name: USER, password: PW, authorizedKeys: [goodKey.publicKey] })).home;
    await fs.mkdir(path.join(accountHome, 'uploads'), { recursive: true });
    execFileSync('chown', [USER, path.join(accountHome, 'uploads')]);
    kh = path.join(home, 'known_hosts');
    await fs.writeFile(kh, [server, legacy].map((s) => `[${s.host}]:${s.port} ${s.hostKeys[0]!.publicKey}`).join('\n') + '\n');
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), legacy?.stop()]);
  });

  const base = (s: SshdServer) => ['diagnose', '--json', '--known-hosts', kh, '--timeout', '6', `sftp://${USER}@${s.host}:${s.port}`];

  it('--legacy-algorithms: a server with only weak algorithms connects with the names given, or with auto (the least weak of each on one connection), not without', async () => {
    const without = JSON.parse((await cli([...base(legacy), '--password-env', 'PW'])).stdout) as Json;
    expect(without.code).toMatch(/^KEX_/);
    const named = await cli([...base(legacy), '--password-env', 'PW', '--no-write-test', '--legacy-algorithms', 'diffie-hellman-group1-sha1,3des-cbc,hmac-md5']);
    expect(JSON.parse(named.stdout)).toMatchObject({ ok: true, code: expect.stringMatching(/^OK/), facts: { kex: { negotiated: { kex: 'diffie-hellman-group1-sha1', cipher: '3des-cbc', mac: 'hmac-md5' } } } });
    expect(named.code).toBe(0);

    // auto: per category the least weak one the server offers (group14 before group1, AES before 3DES, SHA-1 before MD5), and only those.
    const connections = () => legacy.log().split('Connection from').length;
    const before = connections();
    const auto = JSON.parse((await cli([...base(legacy), '--password-env', 'PW', '--no-write-test', '--legacy-algorithms', 'auto'])).stdout) as Json;
    expect(auto).toMatchObject({ ok: true, code: expect.stringMatching(/^OK/) });
    expect(connections() - before).toBe(1); // chosen from the offer on the connection that then logs in
    expect(auto.facts.kex?.negotiated).toMatchObject({ kex: 'diffie-hellman-group14-sha1', cipher: 'aes128-cbc', mac: 'hmac-sha1-96' });
    expect(auto.facts.kex?.chosen?.map((c) => [c.category, c.algorithm])).toEqual([
      ['kex', 'diffie-hellman-group14-sha1'],
      ['cipher', 'aes128-cbc'],
      ['mac', 'hmac-sha1-96'],
    ]);
    const offered = Object.values(auto.facts.kex?.client ?? {}).flat();
    for (const weaker of ['diffie-hellman-group1-sha1', '3des-cbc', 'hmac-md5', 'ssh-dss', 'hmac-md5-96']) expect(offered).not.toContain(weaker);
    const chosenLines = auto.evidence.filter((e) => e.label === 'Weak algorithm chosen').map((e) => e.value);
    expect(chosenLines).toHaveLength(3);
    expect(chosenLines[0]).toMatch(/^diffie-hellman-group14-sha1 for the key exchange: .*SHA-1/);
    expect(chosenLines[1]).toMatch(/^aes128-cbc for the encryption cipher: .*CBC/);

    // The text output names each choice with its risk.
    const text = await cli(['diagnose', '--known-hosts', kh, '--timeout', '6', `sftp://${USER}@${legacy.host}:${legacy.port}`, '--password-env', 'PW', '--no-write-test', '--legacy-algorithms', 'auto']);
    expect(text.code).toBe(0);
    for (const name of ['diffie-hellman-group14-sha1', 'aes128-cbc', 'hmac-sha1-96']) expect(text.stdout).toMatch(new RegExp(`Weak algorithm chosen.*${name}`));
    expect(text.stdout).not.toMatch(/Weak algorithm chosen.*(group1-sha1|3des|md5)/);

    // A modern server: nothing weak is chosen or offered.
    const modern = JSON.parse((await cli([...base(server), '--password-env', 'PW', '--no-write-test', '--legacy-algorithms', 'auto'])).stdout) as Json;
    expect(modern).toMatchObject({ ok: true });
    expect(modern.facts.kex?.negotiated?.kex).not.toMatch(/sha1/);
    expect(modern.facts.kex?.chosen).toBeUndefined();
  });

  it('--remote-folder: the listing (and write test) happen in that folder; a missing one is diagnosed there', async () => {
    const ok = JSON.parse((await cli([...base(server), '--password-env', 'PW', '--remote-folder', 'uploads'])).stdout) as Json;
    expect(ok).toMatchObject({ ok: true, code: expect.stringMatching(/^OK/) });
    expect(ok.facts.sftp?.path).toBe(path.join(accountHome, 'uploads'));
    const missing = JSON.parse((await cli([...base(server), '--password-env', 'PW', '--remote-folder', '/no/such/folder-sd'])).stdout) as Json;
    expect(missing.ok).toBe(false);
    expect(missing.steps.find((s) => s.phase === 'sftp')?.status).toBe('fail');
    expect(JSON.stringify(missing)).toContain('/no/such/folder-sd');
  });

  describe.skipIf(!agentAvailable().ok)('with an ssh-agent holding the only good key', () => {
    let agent: TestAgent;
    beforeAll(async () => {
      agent = await startAgent();
      await agent.add(goodKey.path);
    });
    afterAll(async () => {
      await agent?.stop();
    });

    it('--no-agent: without it the agent logs in; with it the agent is left alone and nothing else can', async () => {
      const withAgent = JSON.parse((await cli([...base(server), '--no-write-test'], { SSH_AUTH_SOCK: agent.socket })).stdout) as Json;
      expect(withAgent).toMatchObject({ ok: true, code: expect.stringMatching(/^OK/) });
      expect(withAgent.facts.auth?.attempts.some((a) => a.source === 'agent' && a.result === 'success')).toBe(true);
      const noAgent = JSON.parse((await cli([...base(server), '--no-write-test', '--no-agent'], { SSH_AUTH_SOCK: agent.socket })).stdout) as Json;
      expect(noAgent.ok).toBe(false);
      expect(noAgent.code).toBe('AUTH_NO_CREDENTIALS');
      expect(noAgent.facts.auth?.attempts.some((a) => a.source === 'agent') ?? false).toBe(false);
    });

    it('--identities-only: a wrong --key is refused instead of the agent stepping in', async () => {
      const helped = JSON.parse((await cli([...base(server), '--no-write-test', '--key', otherKey.path], { SSH_AUTH_SOCK: agent.socket })).stdout) as Json;
      // Without it the agent's key gets in (the diagnosis still says the key given was refused).
      expect(helped.facts.auth?.attempts.some((a) => a.source === 'agent' && a.result === 'success')).toBe(true);
      const only = JSON.parse((await cli([...base(server), '--no-write-test', '--key', otherKey.path, '--identities-only'], { SSH_AUTH_SOCK: agent.socket })).stdout) as Json;
      expect(only.ok).toBe(false);
      expect(only.code).toMatch(/^AUTH_/);
      expect(only.facts.auth?.success).toBe(false);
      expect(only.facts.auth?.attempts.some((a) => a.source === 'agent') ?? false).toBe(false);
    });
  });

  it('--keepalive: behind a relay that forgets idle connections after 1.5 s, a 3 s hold survives only with keepalives', async () => {
    let proxy: IdleProxy | undefined;
    try {
      proxy = await startIdleProxy({ target: server, idleMs: 1500, style: 'reset', maxLifetimeMs: 30_000 });
      await fs.appendFile(kh, `[${proxy.host}]:${proxy.port} ${server.hostKeys[0]!.publicKey}\n`);
      const args = ['diagnose', '--json', '--known-hosts', kh, '--timeout', '5', '--password-env', 'PW', '--no-write-test', '--hold', '3', `sftp://${USER}@${proxy.host}:${proxy.port}`];
      const dropped = JSON.parse((await cli(args)).stdout) as Json;
      expect(dropped.code).toBe('SESSION_DROPPED_IDLE');
      const kept = JSON.parse((await cli([...args, '--keepalive', '1'])).stdout) as Json;
      expect(kept).toMatchObject({ ok: true, code: expect.stringMatching(/^OK/) });
      expect(kept.facts.hold?.keepaliveSeconds).toBe(1);
    } finally {
      await proxy?.stop();
    }
  }, 30_000);

  it('--log writes levelled, timed lines (mode 0600) without the password; raw adds the SSH lines; -v prints on stderr', async () => {
    const file = path.join(home, 'run.log');
    await fs.writeFile(file, 'old content\n', { mode: 0o644 });
    const r = await cli(['diagnose', '--known-hosts', kh, '--password-env', 'PW', '--no-write-test', '--log', file, `sftp://${USER}@${server.host}:${server.port}`]);
    expect(r.code).toBe(0);
    const normal = await fs.readFile(file, 'utf8');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(normal).not.toContain('old content');
    const lines = normal.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} normal /);
    expect(lines[0]).toContain(`diagnose ${USER}@${server.host}:${server.port}`);
    expect(normal).toMatch(/normal +Log in: done/);
    expect(normal).toMatch(/normal +Result: works \[OK/);

    const raw = await cli(['diagnose', '--known-hosts', kh, '--password-env', 'PW', '--no-write-test', '--log', file, '--log-level', 'raw', `sftp://${USER}@${server.host}:${server.port}`]);
    expect(raw.code).toBe(0);
    const rawText = await fs.readFile(file, 'utf8');
    expect(rawText).toMatch(/ raw +ssh: /);
    expect(rawText).toMatch(/ debug +/);
    expect(rawText.split('\n').filter((l) => / raw +ssh: /.test(l)).length).toBeGreaterThan(10);
    expect(rawText).not.toContain(PW);

    const verbose = await cli(['diagnose', '-v', '--known-hosts', kh, '--password-env', 'PW', '--no-write-test', `sftp://${USER}@${server.host}:${server.port}`]);
    expect(verbose.stderr).toMatch(/ debug +Log in: started/);
    expect(verbose.stderr).not.toMatch(/ raw +/);
    expect(verbose.stdout + verbose.stderr).not.toContain(PW);
  });
});
