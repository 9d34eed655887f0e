import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';
import { ENGINE_PHASES } from '../../diagnose/index';
import { cliRunner } from '../test-cli';

const WORKING = ENGINE_PHASES.some((p) => p.phase === 'sftp') ? 'OK' : 'OK_TRANSPORT';
const USER = 'sdrepcli';
const PASSWORD = 'cli-repair-pw-1';

let home: string;
const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home, PW: PASSWORD }));

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-repair-'));
});
afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

interface JsonOut {
  rounds: { diagnosis: { code: string }; appliedFix: { id: string; applied: boolean; changes: string[]; backups: string[]; message: string } | null; result: { code: string } | null }[];
  ok: boolean;
  code: string;
}

describe.skipIf(!sshdAvailable().ok)('sftp-doctor repair against a real sshd', () => {
  let server: SshdServer;
  let fp: string;
  beforeAll(async () => {
    [server] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), ensureUser({ name: USER, password: PASSWORD })]);
    fp = server.hostKeys[0]!.sha256;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('--json --yes --fix trust-host-key: splits the pasted URL (safe), trusts the key whose fingerprint matches, ends OK', async () => {
    const kh = path.join(home, 'kh1');
    const r = await cli(['repair', '--json', '--yes', '--fix', 'trust-host-key', '--trust-host-key', `256 ${fp} root@box (ED25519)`, '--known-hosts', kh, '--password-env', 'PW', '--timeout', '4', '--log', path.join(home, 'repair.log'), '--host', `sftp://${USER}@${server.host}:${server.port}`]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.rounds.map((x) => [x.diagnosis.code, x.appliedFix?.id, x.result?.code])).toEqual([
      ['INPUT_HOST_FIELD', 'split-host-field', 'HOSTKEY_UNKNOWN'],
      ['HOSTKEY_UNKNOWN', 'trust-host-key', WORKING],
    ]);
    expect(out).toMatchObject({ ok: true, code: WORKING });
    expect(r.code).toBe(0);
    // The log has each check and each fix applied, and never the password.
    const runLog = await fs.readFile(path.join(home, 'repair.log'), 'utf8');
    expect(runLog).toMatch(/ normal +Fix split-host-field: applied/);
    expect(runLog).toMatch(/ normal +Fix trust-host-key: applied/);
    expect(runLog.match(/ normal +Result: /g)).toHaveLength(3);
    expect(runLog).not.toContain(PASSWORD);
    expect(await fs.readFile(kh, 'utf8')).toBe(`[${server.host}]:${server.port} ${server.hostKeys[0]!.publicKey}\n`);
    expect(r.stdout).not.toContain(PASSWORD);
    const log = await fs.readFile(path.join(home, 'repairs.log'), 'utf8');
    expect(log).toContain('"fix":"trust-host-key"');
  });

  it('human output says "Fixed: connected in …"', async () => {
    const r = await cli(['repair', '--fix', 'trust-host-key', '--yes', '--trust-host-key', fp, '--known-hosts', path.join(home, 'kh2'), '--password-env', 'PW', '--timeout', '4', `sftp://${USER}@${server.host}:${server.port}`]);
    expect(r.stdout).toMatch(/→ Trust this key \(trust-host-key\)/);
    expect(r.stdout).toMatch(/Fixed: connected in \d+\.\d s/);
    expect(r.code).toBe(0);
  });

  it('--yes alone never trusts a host key: no safe fix, exit 1, nothing written', async () => {
    const kh = path.join(home, 'kh3');
    const r = await cli(['repair', '--json', '--yes', '--known-hosts', kh, '--timeout', '4', `sftp://${USER}@${server.host}:${server.port}`]);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.rounds).toEqual([expect.objectContaining({ appliedFix: null, result: null })]);
    expect(out).toMatchObject({ ok: false, code: 'HOSTKEY_UNKNOWN' });
    expect(r.code).toBe(1);
    await expect(fs.stat(kh)).rejects.toThrow();
  });

  it('--fix without --yes and without a terminal is a dry run; a wrong fingerprint is refused', async () => {
    const kh = path.join(home, 'kh4');
    const dry = await cli(['repair', '--fix', 'trust-host-key', '--trust-host-key', fp, '--known-hosts', kh, '--timeout', '4', `sftp://${USER}@${server.host}:${server.port}`]);
    expect(dry.stdout).toContain('would:');
    expect(dry.stdout).toContain('Not applied');
    expect(dry.code).toBe(1);
    await expect(fs.stat(kh)).rejects.toThrow();
    const wrong = await cli(['repair', '--json', '--yes', '--fix', 'trust-host-key', '--trust-host-key', 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU', '--known-hosts', kh, '--timeout', '4', `sftp://${USER}@${server.host}:${server.port}`]);
    const out = JSON.parse(wrong.stdout) as JsonOut;
    expect(out.rounds[0]?.appliedFix).toMatchObject({ id: 'trust-host-key', applied: false });
    expect(out.rounds[0]?.appliedFix?.message).toMatch(/does not match/);
    expect(wrong.code).toBe(1);
    await expect(fs.stat(kh)).rejects.toThrow();
  });

  it('usage errors: unknown fix, nothing to do', async () => {
    expect((await cli(['repair', '--fix', 'make-it-work', 'h.invalid'])).code).toBe(2);
    expect((await cli(['repair', 'h.invalid'])).code).toBe(2);
  });
});
