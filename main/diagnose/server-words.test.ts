/**
 * The server's own words against real servers: PAM account modules (pam_unix, pam_faillock,
 * pam_nologin, pam_access, pam_time), OpenSSH's own account checks, forced commands, shells
 * that refuse sessions. Every entry of server-texts.ts is produced here by a real program, and
 * every server log line the diagnosis quotes is checked against the real sshd's log.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { freeLoopbackAddress, freePort, generateKey, setupAccount, sshdAvailable, startSshd, waitForListen, type GeneratedKey, type SshdServer } from '../../e2e/harness/index';
import { diagnose } from './index';
import { KNOWN_TEXTS, matchKnownText } from './server-texts';
import { visible } from './server-words';

const exec = promisify(execFile);
const sshd = sshdAvailable();
const PW = 'Pw-16-Correct-horse';
/** A password with plain quotes, as set on the server; typed below as copied from a document. */
const PASTED_PW = `It's a "plain" one - 16`;
const PASTED_TYPED = `It\u2019s\u00a0a \u201cplain\u201d one \u2013 16`;
let dir: string;
let knownHosts: string;
let key: GeneratedKey;
/** PAM: faillock, nologin, access, time and unix account checks, each for its own user. */
let pam: SshdServer;
/** No PAM, external sftp-server (so shells matter): OpenSSH's own account checks, forced commands. */
let plain: SshdServer;
/** Known texts a test below produced (checked against the table at the end). */
const produced = new Set<string>();

async function run(server: SshdServer, request: Partial<ConnectionRequest>): Promise<RunResult> {
  const result = await diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 'nobody', timeoutMs: 8000, ...request }, { defaultKnownHostsPath: knownHosts, agentSocket: '' });
  for (const e of result.diagnosis.evidence) {
    const m = e.label === 'Known message' ? null : matchKnownText(e.value);
    if (m) produced.add(m.entry.id);
  }
  return result;
}

/** sshd's log arrives through a pipe, a moment after the client saw the answer: wait for the line (bounded). */
async function logged(server: SshdServer, pattern: RegExp | string | ((log: string) => boolean)): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const log = server.log();
    if (typeof pattern === 'string' ? log.includes(pattern) : typeof pattern === 'function' ? pattern(log) : pattern.test(log)) return log;
    await new Promise((r) => setTimeout(r, 50));
  }
  return server.log();
}

const evidenceText = (r: RunResult) => r.diagnosis.evidence.map((e) => `${e.label}: ${e.value}`).join('\n');
/** What the diagnosis offers: its fixes, and its actions by name (enter-password, ask-admin...). */
const fixIds = (r: RunResult) => [...r.diagnosis.fixes.map((f) => f.id as string), ...r.diagnosis.actions.map((a) => (a.type === 'enter' ? `enter-${a.field}` : a.type))];

describe('server words made safe', () => {
  it('control characters, direction overrides and invisible characters become visible; length is bounded', () => {
    expect(visible('ok\x1b[31mred\x07\u202egnp.exe\u200b')).toBe('ok\\x1b[31mred\\x07\\u202egnp.exe\\u200b');
    expect(visible('a'.repeat(5000)).length).toBeLessThanOrEqual(1001);
    expect(matchKnownText('x'.repeat(100_000))).toBeNull();
  });
});

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import http.server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!python)('a web server on the SSH port', () => {
  it('PROTOCOL_NOT_SSH: Python\'s http.server answers our greeting with an HTML page and no status line', async () => {
    const host = freeLoopbackAddress();
    const port = await freePort(host);
    const web = spawn('python3', ['-m', 'http.server', '--bind', host, String(port)], { stdio: 'ignore', cwd: os.tmpdir() });
    try {
      await waitForListen(host, port, 5000, () => web.exitCode === null);
      const r = await diagnose({ protocol: 'sftp', host, port, user: 'nobody', timeoutMs: 5000 }, { defaultKnownHostsPath: path.join(os.tmpdir(), 'sd16-none-known_hosts'), agentSocket: '' });
      expect(r.diagnosis.code).toBe('PROTOCOL_NOT_SSH');
      expect(r.facts.banner?.reason).toBe('http');
      const shown = r.diagnosis.evidence.map((e) => e.value).join('\n');
      expect(shown).toContain('<!DOCTYPE HTML>');
      expect(shown).toContain('a web server (HTTP) answered');
    } finally {
      if (web.pid !== undefined) process.kill(web.pid, 'SIGTERM');
    }
  });
});

describe.skipIf(!sshd.ok)("the server's own words, from real servers", () => {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'words-test-'));
    knownHosts = path.join(dir, 'known_hosts');
    key = await generateKey('ed25519', dir, 'k');
    await fs.writeFile(path.join(dir, 'nologin'), 'The system is down for maintenance until 14:00.\n');
    await fs.writeFile(path.join(dir, 'access.conf'), '-:sd16access:ALL\n');
    await fs.writeFile(path.join(dir, 'time.conf'), '*;*;sd16time;!Al0000-2400\n');
    await fs.mkdir(path.join(dir, 'faillock'));
    const fl = `dir=${dir}/faillock deny=1 unlock_time=3600`;
    const stack = `${[
      // pam_faillock for sd16locked only (one failure locks it for an hour)
      'auth [success=1 default=ignore] pam_succeed_if.so quiet user notin sd16locked',
      `auth requisite pam_faillock.so preauth ${fl}`,
      'auth [success=3 default=ignore] pam_unix.so nodelay',
      'auth [success=1 default=ignore] pam_succeed_if.so quiet user notin sd16locked',
      `auth [default=die] pam_faillock.so authfail ${fl}`,
      'auth requisite pam_deny.so',
      'auth required pam_permit.so',
      // pam_nologin with a file of its own, for sd16nologin only
      'account [success=1 default=ignore] pam_succeed_if.so quiet user notin sd16nologin',
      `account required pam_nologin.so file=${dir}/nologin`,
      `account required pam_access.so accessfile=${dir}/access.conf`,
      `account required pam_time.so conffile=${dir}/time.conf`,
      'account required pam_unix.so',
      'session required pam_permit.so',
      'password required pam_unix.so',
    ].join('\n')}\n`;
    const cloudKey = `command="echo 'Please login as the user \\"sd16ok\\" rather than the user \\"sd16cloud\\".';echo;sleep 10;exit 142" ${key.publicKey}`;
    await Promise.all([
      ...['sd16exp', 'sd16exppw', 'sd16nologin', 'sd16access', 'sd16time', 'sd16locked', 'sd16lockL', 'sd16expP', 'sd16deny', 'sd16sftponly', 'sd16menu', 'sd16nohome'].map((name) => setupAccount({ name, password: PW })),
      setupAccount({ name: 'sd16ok', password: PW, authorizedKeys: [key.publicKey] }),
      setupAccount({ name: 'sd16cloud', password: PW, authorizedKeys: [cloudKey] }),
      setupAccount({ name: 'sd16git', password: PW, shell: '/usr/bin/git-shell' }),
      setupAccount({ name: 'sd16nologsh', password: PW, shell: '/usr/sbin/nologin' }),
      setupAccount({ name: 'sd16paste', password: PASTED_PW }),
      setupAccount({ name: 'sd16caps', password: 'Caps-Lock-Pw9' }),
    ]);
    await Promise.all([exec('chage', ['-E', '0', 'sd16exp']), exec('chage', ['-E', '0', 'sd16exppw']), exec('chage', ['-E', '0', 'sd16expP']), exec('usermod', ['-L', 'sd16lockL']), exec('faillock', ['--dir', `${dir}/faillock`, '--user', 'sd16locked', '--reset'])]);
    await fs.rm('/home/sd16nohome', { recursive: true, force: true });
    [pam, plain] = await Promise.all([
      startSshd({ pam: stack, config: { KbdInteractiveAuthentication: 'yes' }, extraConfig: 'Match User sd16exppw,sd16access\n  KbdInteractiveAuthentication no\n' }),
      startSshd({
        config: { Subsystem: 'sftp /usr/lib/openssh/sftp-server', DenyUsers: 'sd16deny' },
        extraConfig: 'Match User sd16sftponly\n  ForceCommand internal-sftp\nMatch User sd16menu\n  ForceCommand echo "This host only takes backups by rsync: use rsync -e ssh."\n',
      }),
    ]);
    await fs.writeFile(knownHosts, `${[pam, plain].flatMap((s) => s.hostKeys.map((k) => `[${s.host}]:${s.port} ${k.publicKey}`)).join('\n')}\n`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([pam?.stop(), plain?.stop()]);
    await exec('usermod', ['-U', 'sd16lockL']).catch(() => undefined);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('account messages decide the login diagnosis', () => {
    it('AUTH_ACCOUNT_EXPIRED from pam_unix, in the keyboard-interactive dialog and as a banner before hanging up', async () => {
      for (const user of ['sd16exp', 'sd16exppw']) {
        const r = await run(pam, { user, password: PW });
        expect(r.diagnosis.code).toBe('AUTH_ACCOUNT_EXPIRED');
        expect(evidenceText(r)).toContain('Your account has expired; please contact your system administrator.');
        expect(evidenceText(r)).toMatch(/Known message: PAM \(pam_unix/);
        expect(fixIds(r)).not.toContain('enter-password');
      }
    });

    it('AUTH_ACCOUNT_LOCKED from pam_faillock after a failed login; no retry is offered', async () => {
      const first = await run(pam, { user: 'sd16locked', password: 'Not-the-password-1' });
      expect(first.diagnosis.code).toBe('AUTH_PASSWORD_REJECTED');
      const r = await run(pam, { user: 'sd16locked', password: PW });
      expect(r.diagnosis.code).toBe('AUTH_ACCOUNT_LOCKED');
      expect(evidenceText(r)).toMatch(/The account is locked due to 1 failed logins?\.\n\(\d+ minutes left to unlock\)/);
      expect(fixIds(r)).toEqual(['ask-admin']);
    });

    it('AUTH_ACCOUNT_REFUSED quotes an unknown PAM text (pam_nologin) as the most likely reason', async () => {
      const r = await run(pam, { user: 'sd16nologin', password: PW });
      expect(r.diagnosis.code).toBe('AUTH_ACCOUNT_REFUSED');
      expect(r.diagnosis.evidence[0]).toMatchObject({ label: "Most likely reason, in the server's words", value: 'The system is down for maintenance until 14:00.', highlight: true });
    });

    it('AUTH_ACCOUNT_REFUSED when the server hangs up after the right password (pam_access), with the log line to search', async () => {
      const r = await run(pam, { user: 'sd16access', password: PW });
      expect(r.diagnosis.code).toBe('AUTH_ACCOUNT_REFUSED');
      expect(r.facts.auth?.closedAfter).toBe('password');
      expect(evidenceText(r)).toContain('Server log line: "Access denied for user sd16access by PAM account configuration"');
      expect(await logged(pam, 'Access denied for user sd16access by PAM account configuration')).toContain('Access denied for user sd16access by PAM account configuration');
    });
  });

  describe('"Permission denied": every candidate, ranked, with its log line', () => {
    it('for a wrong password, an unknown user, DenyUsers, a locked and an expired account: the same answer on the wire, a distinct line in the log', async () => {
      const cases: [string, string, keyof typeof import('./rules/words').LOG_LINES][] = [
        ['sd16ok', 'Not-the-password-2', 'wrongPassword'],
        ['sd16nosuchuser', PW, 'invalidUser'],
        ['sd16deny', PW, 'notAllowed'],
        ['sd16lockL', PW, 'locked'],
        ['sd16expP', PW, 'expired'],
      ];
      const { LOG_LINES } = await import('./rules/words');
      for (const [user, password, line] of cases) {
        const r = await run(plain, { user, password });
        expect(r.diagnosis.code, user).toBe('AUTH_PASSWORD_REJECTED');
        const causes = r.diagnosis.evidence.filter((e) => e.label.startsWith('Possible cause'));
        expect(causes.length).toBeGreaterThanOrEqual(5);
        const expected = LOG_LINES[line].replace('USER', user).replace(' from ADDR', '');
        expect(causes.map((c) => c.value).join('\n')).toContain(expected.split(' ADDR')[0]!.replace(' from ADDR', ''));
        const pattern = new RegExp(LOG_LINES[line].replace('USER', user).replace('ADDR', '\\S+').replace(/[()]/g, '\\$&'));
        expect(await logged(plain, pattern), user).toMatch(pattern);
      }
    });

    it('over keyboard-interactive, a PAM account rule (pam_time) is among the candidates with the words OpenSSH logs', async () => {
      const r = await run(pam, { user: 'sd16time', password: PW });
      expect(r.diagnosis.code).toBe('AUTH_PASSWORD_REJECTED');
      expect(evidenceText(r)).toContain('"PAM: User account has expired for sd16time from"');
      expect(await logged(pam, 'PAM: User account has expired for sd16time from')).toContain('PAM: User account has expired for sd16time from');
    });
  });

  describe('a second look at a refused password (one extra try)', () => {
    it('INPUT_PASSWORD_CHARACTERS: curly quotes, a non-breaking space and a long dash from a document; the fix corrects the form', async () => {
      const r = await run(plain, { user: 'sd16paste', password: PASTED_TYPED });
      expect(r.diagnosis.code).toBe('INPUT_PASSWORD_CHARACTERS');
      expect(r.facts.auth?.attempts.filter((a) => a.method === 'password').map((a) => `${a.result}${a.variant ? `:${a.variant}` : ''}`)).toEqual(['failure', 'success:pasted-characters']);
      expect(evidenceText(r)).toMatch(/Second look: tried the password once more with look-alike characters .* accepted/);
      expect(JSON.stringify(r)).not.toContain(PASTED_PW);
      expect(JSON.stringify(r)).not.toContain(PASTED_TYPED);
      const { repairOnce } = await import('../repair/test-helpers');
      const fixed = await repairOnce({ protocol: 'sftp', host: plain.host, port: plain.port, user: 'sd16paste', password: PASTED_TYPED, timeoutMs: 8000 }, knownHosts, 'fix-pasted-password', { confirmed: true });
      expect(fixed.applied.changes.join(' ')).not.toContain(PASTED_PW);
      expect(fixed.after?.diagnosis.code).toBe('OK');
      expect(fixed.after?.facts.auth?.attempts.filter((a) => a.method === 'password').length).toBe(1);
    });

    it('Caps Lock: the swapped password is tried once and accepted', async () => {
      const r = await run(plain, { user: 'sd16caps', password: 'cAPS-lOCK-pW9' });
      expect(r.diagnosis.code).toBe('INPUT_PASSWORD_CHARACTERS');
      expect(r.facts.auth?.secondLook).toEqual({ idea: 'caps-lock', result: 'accepted' });
    });

    it('a wrong password with curly quotes: one extra try only, refused too, and said so', async () => {
      const before = (plain.log().match(/Failed password for sd16paste /g) ?? []).length;
      const r = await run(plain, { user: 'sd16paste', password: `Wrong\u2019s one` });
      expect(r.diagnosis.code).toBe('AUTH_PASSWORD_REJECTED');
      expect(evidenceText(r)).toMatch(/Second look: .*refused too, so that is not the cause/);
      const count = (log: string) => (log.match(/Failed password for sd16paste /g) ?? []).length;
      await logged(plain, (log) => count(log) >= before + 2);
      expect(count(plain.log()) - before).toBe(2);
    });
  });

  describe('session texts', () => {
    it('SESSION_WRONG_USER: a cloud image names the user to log in as (no start-up file fix); "log in as sd16ok" works', async () => {
      const { repairOnce } = await import('../repair/test-helpers');
      const fixed = await repairOnce({ protocol: 'sftp', host: plain.host, port: plain.port, user: 'sd16cloud', privateKey: { path: key.path }, timeoutMs: 8000 }, knownHosts, 'use-user', { confirmed: true });
      const r = fixed.before;
      expect(r.diagnosis.code).toBe('SESSION_WRONG_USER');
      expect(r.diagnosis.nextStep).toContain('sd16ok');
      expect(fixIds(r)).toEqual(['use-user', 'ask-admin']);
      expect(evidenceText(r)).toContain('Please login as the user "sd16ok" rather than the user "sd16cloud".');
      produced.add('cloud-init-login-as');
      expect(fixed.after?.diagnosis.code).toBe('OK');
    });

    it('SESSION_SFTP_ONLY: an SCP site on a ForceCommand internal-sftp account; "use SFTP" works', async () => {
      const { repairOnce } = await import('../repair/test-helpers');
      const fixed = await repairOnce({ protocol: 'scp', host: plain.host, port: plain.port, user: 'sd16sftponly', password: PW, timeoutMs: 8000 }, knownHosts, 'use-sftp', { confirmed: true });
      const r = fixed.before;
      produced.add('openssh-sftp-only');
      expect(r.diagnosis.code).toBe('SESSION_SFTP_ONLY');
      expect(evidenceText(r)).toContain('This service allows sftp connections only.');
      expect(fixIds(r)).toEqual(['use-sftp', 'ask-admin']);
      expect(fixed.after?.diagnosis.code).toBe('OK');
    });

    it('SESSION_FORCED_COMMAND: a ForceCommand that prints and exits is not login-script noise', async () => {
      const r = await run(plain, { user: 'sd16menu', password: PW });
      expect(r.diagnosis.code).toBe('SESSION_FORCED_COMMAND');
      expect(r.facts.sftp?.commandRan).toBe(false);
      expect(evidenceText(r)).toContain('This host only takes backups by rsync: use rsync -e ssh.');
      expect(fixIds(r)).not.toContain('silence-login-script');
      expect(r.diagnosis.nextStep + JSON.stringify(r.diagnosis.fixes)).not.toContain('bashrc');
    });

    it('SESSION_FORCED_COMMAND: git-shell as the login shell says it only runs Git', async () => {
      const r = await run(plain, { user: 'sd16git', password: PW });
      expect(r.diagnosis.code).toBe('SESSION_FORCED_COMMAND');
      expect(evidenceText(r)).toMatch(/fatal: unrecognized command 'echo/);
      expect(evidenceText(r)).toMatch(/Known message: git-shell/);
    });

    it('SESSION_CLOSED_AFTER_AUTH: the nologin shell\'s words, named as a known message', async () => {
      const r = await run(plain, { user: 'sd16nologsh', password: PW });
      expect(r.diagnosis.code).toBe('SESSION_CLOSED_AFTER_AUTH');
      expect(evidenceText(r)).toMatch(/This account is currently not available\.[\s\S]*Known message: nologin/);
    });

    it('SFTP_HOME_MISSING: SFTP works but starts in / because the home folder is gone', async () => {
      const r = await run(plain, { user: 'sd16nohome', password: PW });
      expect(r.diagnosis.code).toBe('SFTP_HOME_MISSING');
      expect(r.facts.sftp?.path).toBe('/');
      expect(r.diagnosis.nextStep).toContain('/home/sd16nohome');
      expect(evidenceText(r)).toContain('Could not chdir to home directory /home/sd16nohome: No such file or directory');
    });
  });

  it('every known text of the table was produced by a real server above', () => {
    expect([...produced].sort()).toEqual(KNOWN_TEXTS.map((k) => k.id).sort());
  });
});
