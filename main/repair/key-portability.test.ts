/**
 * A key file that logs in here but that OpenSSH or PuTTY refuse: the successful result carries a
 * warning and the fix rewrite-key-file; `sftp-doctor repair --fix rewrite-key-file` puts the file in
 * the form those programs read (ssh-keygen -y and puttygen are the judges), keeps the original
 * bytes, keeps the passphrase, and the re-check is OK without the warning. Against a real sshd.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, generateKey, sshdAvailable, startSshd, SSH_KEYGEN_PATH, type SshdServer } from '../../e2e/harness/index';
import type { DiagnosisWarning } from '../../shared/types';
import { cliRunner } from '../cli/test-cli';
import { addHostKey } from '../store/known-hosts';
import { applyRepair } from './index';
import { diagnose } from '../diagnose/index';
import { modeOf } from './test-helpers';

const run = promisify(execFile);
const USER = 'sdkeyport';
const PASS = 'port pass 7';

let home: string;
const cli = cliRunner(() => ({ SFTP_DOCTOR_HOME: home, KP: PASS }));

interface JsonRound {
  diagnosis: { code: string; warnings: DiagnosisWarning[]; fixes: { id: string; params: { steps: string[] } }[] };
  appliedFix: { id: string; applied: boolean; changes: string[]; backups: string[]; message: string; settings?: { privateKey?: { path: string } } } | null;
  result: { code: string; warnings: DiagnosisWarning[] } | null;
}

const opensshReads = (file: string, pass = '') =>
  run(SSH_KEYGEN_PATH, ['-y', '-P', pass, '-f', file]).then(
    (r) => r.stdout.trim().split(' ').slice(0, 2).join(' '),
    () => null,
  );

describe.skipIf(!sshdAvailable().ok)('a key that works here but not in OpenSSH or PuTTY, against a real sshd', () => {
  let server: SshdServer;
  let kh: string;
  let dir: string;
  let key: Awaited<ReturnType<typeof generateKey>>;
  beforeAll(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'key-portability-'));
    dir = path.join(home, 'keys');
    await fs.mkdir(dir, { mode: 0o700 });
    [server, key] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), generateKey('ed25519', dir, 'id_base'), ensureUser({ name: USER, password: 'unused-pw-9', shell: '/bin/sh' })]);
    kh = path.join(home, 'known_hosts');
    for (const k of server.hostKeys) await addHostKey(kh, server.host, server.port, k.publicKey);
    const { stdout } = await run('getent', ['passwd', USER]);
    const userHome = stdout.split(':')[5]!;
    await fs.rm(path.join(userHome, '.ssh'), { recursive: true, force: true });
    await fs.mkdir(path.join(userHome, '.ssh'), { mode: 0o700 });
    await fs.writeFile(path.join(userHome, '.ssh', 'authorized_keys'), `${key.publicKey}\n`, { mode: 0o600 });
    await run('chown', ['-R', `${USER}:${USER}`, path.join(userHome, '.ssh')]);
  });
  afterAll(async () => {
    await server?.stop();
    await fs.rm(home, { recursive: true, force: true });
  });

  it('an OpenSSH key with CRLF line ends and mode 644: OK with two warnings; repair --fix rewrites it in place (a .bak of the original), ssh-keygen reads it, the re-check has no warning', async () => {
    const file = path.join(dir, 'id_crlf');
    const original = Buffer.from((await fs.readFile(key.path, 'latin1')).replace(/\n/g, '\r\n'), 'latin1');
    await fs.writeFile(file, original, { mode: 0o644 });
    await fs.chmod(file, 0o644);
    expect(await opensshReads(file)).toBeNull();

    // `diagnose` on a terminal: it works, but the warnings and the command that fixes them are said.
    const d = await cli(['diagnose', '--key', file, '--no-agent', '--known-hosts', kh, '--timeout', '6', `${USER}@${server.host}:${server.port}`]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('[OK]');
    expect(d.stdout).toContain('! OpenSSH will refuse this key file as it is  [KEY_TEXT_DAMAGED]');
    expect(d.stdout).toContain('! OpenSSH will ignore this key: others may read it  [KEY_FILE_TOO_OPEN]');
    expect(d.stdout).toContain('sftp-doctor repair --fix rewrite-key-file');
    expect(await fs.readFile(file)).toEqual(original);

    const r = await cli(['repair', '--json', '--yes', '--fix', 'rewrite-key-file', '--key', file, '--no-agent', '--known-hosts', kh, '--timeout', '6', `${USER}@${server.host}:${server.port}`]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { rounds: JsonRound[]; ok: boolean; code: string };
    const [round] = out.rounds;
    expect(round!.diagnosis.code).toBe('OK');
    expect(round!.diagnosis.warnings.map((w) => w.code)).toEqual(['KEY_TEXT_DAMAGED', 'KEY_FILE_TOO_OPEN']);
    expect(round!.diagnosis.warnings[0]!.title).toBe('OpenSSH will refuse this key file as it is');
    expect(round!.diagnosis.warnings[0]!.explanation).toContain('Windows (CRLF) line ends');
    expect(round!.diagnosis.warnings[1]!.explanation).toContain('mode 644');
    expect(round!.diagnosis.fixes.find((f) => f.id === 'rewrite-key-file')?.params.steps).toEqual(['private-mode', 'clean-text']);
    expect(round!.appliedFix).toMatchObject({ id: 'rewrite-key-file', applied: true, backups: [`${file}.bak`] });
    expect(round!.result).toMatchObject({ code: 'OK', warnings: [] });
    expect(out).toMatchObject({ ok: true, code: 'OK' });
    expect(r.code).toBe(0);

    // OpenSSH reads the rewritten file; the original bytes are in the .bak, readable by the owner only.
    expect(await opensshReads(file)).toBe(key.publicKey);
    expect(await fs.readFile(`${file}.bak`)).toEqual(original);
    expect(await modeOf(file)).toBe('600');
    expect(await modeOf(`${file}.bak`)).toBe('600');
    expect(await fs.readFile(file, 'latin1')).toBe(await fs.readFile(key.path, 'latin1'));
    expect(await fs.readFile(path.join(home, 'repairs.log'), 'utf8')).toContain('"fix":"rewrite-key-file"');
  });

  it('an encrypted PuTTY key with a BOM: OK with warnings for OpenSSH and PuTTY; the fix cleans the PPK in place and writes an OpenSSH copy with the same passphrase; the re-check uses the copy, without warnings', async () => {
    const passFile = path.join(dir, 'pass');
    await fs.writeFile(passFile, PASS);
    const plainPpk = path.join(dir, 'plain.ppk');
    await run('puttygen', [key.path, '-O', 'private', '-o', plainPpk, '--new-passphrase', passFile, '--ppk-param', 'passes=1']);
    const file = path.join(dir, 'work.ppk');
    const original = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await fs.readFile(plainPpk)]);
    await fs.writeFile(file, original, { mode: 0o600 });
    const puttyReads = (f: string) => run('puttygen', [f, '--old-passphrase', passFile, '-O', 'public-openssh']).then(() => true, () => false);
    expect(await puttyReads(file)).toBe(false);

    const request = { protocol: 'sftp' as const, host: server.host, port: server.port, user: USER, privateKey: { path: file }, useAgent: false, timeoutMs: 6000 };
    // The passphrase typed at the engine's prompt (the window's dialog), not in the form.
    const before = await diagnose(request, { defaultKnownHostsPath: kh, prompt: async (p) => ({ promptId: p.promptId, kind: 'secret', answers: [PASS] }) });
    expect(before.diagnosis.code).toBe('OK');
    expect(before.diagnosis.warnings?.map((w) => [w.code, w.fixId])).toEqual([
      ['KEY_OPENSSH_CANNOT_READ', 'rewrite-key-file'],
      ['KEY_TEXT_DAMAGED', 'rewrite-key-file'],
    ]);
    expect(before.diagnosis.warnings?.[1]?.title).toBe('PuTTY will refuse this key file as it is');

    // Without the passphrase (asked at the prompt, not in the form) the copy cannot keep it: nothing is written.
    const ctx = { request, result: before, defaultKnownHostsPath: kh };
    await expect(applyRepair(ctx, 'rewrite-key-file', { confirmed: true })).rejects.toMatchObject({ code: 'NEEDS_INPUT' });
    expect(await fs.readFile(file)).toEqual(original);
    await expect(fs.stat(path.join(dir, 'work'))).rejects.toMatchObject({ code: 'ENOENT' });

    const r = await cli(['repair', '--json', '--yes', '--fix', 'rewrite-key-file', '--key', file, '--passphrase-env', 'KP', '--no-agent', '--known-hosts', kh, '--timeout', '6', `${USER}@${server.host}:${server.port}`]);
    const out = JSON.parse(r.stdout) as { rounds: JsonRound[]; code: string };
    const copy = path.join(dir, 'work');
    expect(out.rounds[0]!.appliedFix).toMatchObject({ applied: true, backups: [`${file}.bak`], settings: { privateKey: { path: copy } } });
    expect(out.rounds[0]!.result).toMatchObject({ code: 'OK', warnings: [] });
    expect(r.code).toBe(0);

    // PuTTY reads the cleaned PPK; OpenSSH reads the copy, only with the passphrase.
    expect(await puttyReads(file)).toBe(true);
    expect(await fs.readFile(`${file}.bak`)).toEqual(original);
    expect(await opensshReads(copy, PASS)).toBe(key.publicKey);
    expect(await opensshReads(copy, '')).toBeNull();
    expect(await modeOf(copy)).toBe('600');
    expect((await fs.readFile(`${copy}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ')).toBe(key.publicKey);
  });
});
