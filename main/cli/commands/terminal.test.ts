/**
 * The built CLI (dist/cli.cjs) as a user runs it, on a real terminal (a pseudo-terminal from
 * util-linux's `script`) and without one, against a real sshd.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupAccount, sshdAvailable, startSshd, type SshdServer } from '../../../e2e/harness/index';

const cliPath = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.cjs');
const PW = 'Term-Pw-7-secret';
const sshd = sshdAvailable();
const hasScript = existsSync('/usr/bin/script');

let home: string;
let server: SshdServer;
let kh: string;

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, SFTP_DOCTOR_HOME: home, TERM: 'dumb', SD_TERM_PW: PW };
  delete e.SSH_AUTH_SOCK;
  return e;
}

/**
 * Runs the CLI; on a pseudo-terminal when `tty` (`columns` wide), answering each prompt (matched by
 * its regexp) as a user types, after `delayMs` when given (a user reading the question).
 */
function run(args: string[], opts: { tty?: boolean; columns?: number; answers?: [RegExp, string, number?][] } = {}): Promise<{ code: number | null; out: string }> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const command = opts.columns ? `stty cols ${opts.columns} rows 50; exec ${quoted}` : quoted;
  const child = opts.tty
    ? spawn('script', ['-qfec', command, '/dev/null'], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [cliPath, ...args], { env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const pending = [...(opts.answers ?? [])];
  const onData = (d: Buffer) => {
    out += d.toString();
    const next = pending[0];
    if (next && next[0].test(out)) {
      pending.shift();
      if (next[2]) setTimeout(() => child.stdin.write(next[1]), next[2]);
      else child.stdin.write(next[1]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  if (!opts.tty) child.stdin.end();
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

beforeAll(async () => {
  if (!existsSync(cliPath)) throw new Error('dist/cli.cjs is missing: run "npm run build" first.');
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'cli-terminal-'));
  if (!sshd.ok) return;
  server = await startSshd();
  await setupAccount({ name: 'sd4term', password: PW });
  kh = path.join(home, 'known_hosts');
  await fs.writeFile(kh, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}`).join('\n') + '\n');
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(home, { recursive: true, force: true });
});

describe.skipIf(!sshd.ok || !hasScript)('asking for what is missing on a terminal', () => {
  it('asks for the password without echo when neither a password nor a key was given, and logs in', async () => {
    const r = await run(['diagnose', '--known-hosts', kh, `sd4term@${server.host}:${server.port}`], { tty: true, answers: [[/password \(not shown as you type\): $/, `${PW}\r`]] });
    expect(r.out).toContain(`sd4term@${server.host}:${server.port}'s password`);
    expect(r.out).not.toContain(PW);
    expect(r.out).not.toContain('AUTH_NO_CREDENTIALS');
    expect(r.out).toMatch(/✓ .*\[OK\]/);
    expect(r.code).toBe(0);
  });

  it('says the user name is empty, asks for it, then for the password', async () => {
    const r = await run(['diagnose', '--known-hosts', kh, `${server.host}:${server.port}`], {
      tty: true,
      answers: [
        [/User name for [^:]+:\d+: $/, 'sd4term\r'],
        [/password \(not shown as you type\): $/, `${PW}\r`],
      ],
    });
    expect(r.out).toContain('The user name is empty');
    expect(r.out).toContain(`sd4term@${server.host}:${server.port}'s password`);
    expect(r.code).toBe(0);
  });

  it('without a terminal nothing is asked: AUTH_NO_CREDENTIALS as before, and the empty user name is named', async () => {
    const r = await run(['diagnose', '--known-hosts', kh, `${server.host}:${server.port}`]);
    expect(r.out).not.toContain('password (not shown');
    expect(r.out).toContain('The user name is empty');
    expect(r.out).toContain('AUTH_NO_CREDENTIALS');
    expect(r.code).toBe(1);
  });
});

/**
 * What a terminal `columns` wide shows after `out`: carriage return, line feed, erase-to-end-of-line
 * and wrapping at the last column, as a VT100 does (other escape sequences are dropped).
 */
function screen(out: string, columns: number): string[] {
  const rows: string[][] = [[]];
  let r = 0;
  let c = 0;
  const chars = [...out];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\r') c = 0;
    else if (ch === '\n') {
      r++;
      rows[r] ??= [];
    } else if (ch === '\x1b') {
      let j = i + 1;
      if (chars[j] === '[') {
        j++;
        while (j < chars.length && !/[@-~]/.test(chars[j]!)) j++;
        if (chars[j] === 'K') rows[r]!.length = Math.min(rows[r]!.length, c);
      }
      i = j;
    } else if (ch >= ' ') {
      if (c >= columns) {
        r++;
        rows[r] ??= [];
        c = 0;
      }
      const row = rows[r]!;
      while (row.length < c) row.push(' ');
      row[c++] = ch;
    }
  }
  return rows.map((x) => x.join('').trimEnd());
}

describe.skipIf(!sshd.ok || !hasScript)('the host-key question on a terminal is never drawn over by the progress spinner', () => {
  for (const columns of [80, 120]) {
    it(`at ${columns} columns the question and both fingerprints stay intact while it waits`, async () => {
      const fresh = path.join(home, `kh-spinner-${columns}`);
      const r = await run(['diagnose', '--known-hosts', fresh, '--password-env', 'SD_TERM_PW', `sd4term@${server.host}:${server.port}`], {
        tty: true,
        columns,
        // The user reads the question for a while (the spinner ticks every 100 ms), then says no.
        answers: [[/\[N\]o: $/, 'n\r', 700]],
      });
      const shown = screen(r.out, columns);
      const ask = shown.findIndex((l) => l.includes('Trust it and save it?'));
      expect(ask).toBeGreaterThan(0);
      expect(shown[ask]).toMatch(/^Trust it and save it\? \[y\]es \/ \[o\]nce \/ \[N\]o: n?$/);
      expect(shown[ask - 1]).toBe('Compare it with what your provider publishes.');
      expect(shown[ask - 2]).toMatch(/^ {2}MD5:([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
      expect(shown[ask - 3]).toMatch(/^ {2}SHA256:[A-Za-z0-9+/]{43}$/);
      expect(shown[ask - 4]).toMatch(/^Its ssh-\w+ key fingerprint is:$/);
      expect(shown[ask - 5]).toBe(`The server ${server.host}:${server.port} is new to us.`);
      // Between the question and the answer, nothing was written to the terminal (no redraw).
      const q = r.out.lastIndexOf('[N]o: ');
      expect(r.out.slice(q + 6, r.out.indexOf('\n', q))).not.toMatch(new RegExp(`${String.fromCharCode(27)}\\[K|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]`));
      // The spinner never wraps: every row fits the terminal.
      for (const line of shown) expect([...line].length).toBeLessThanOrEqual(columns);
      expect(r.out).toContain('HOSTKEY_UNKNOWN');
      expect(r.code).toBe(1);
    });
  }
});

describe.skipIf(!sshd.ok)('--trust-host-key takes what ssh-keygen -l prints, and says when it does not match', () => {
  /** The key this server presents to us, from a first run that is not trusted yet. */
  async function presented(): Promise<{ sha256: string; publicKey: string }> {
    const r = await run(['diagnose', '--json', '--known-hosts', path.join(home, 'kh-probe'), `sd4term@${server.host}:${server.port}`]);
    return (JSON.parse(r.out.slice(r.out.indexOf('{'))) as { facts: { hostkey: { key: { sha256: string; publicKey: string } } } }).facts.hostkey.key;
  }
  /** What `ssh-keygen -l` itself prints for that key (the oracle), in SHA256 or MD5. */
  async function keygenLine(publicKey: string, hash: 'sha256' | 'md5'): Promise<string> {
    const pub = path.join(home, `presented-${hash}.pub`);
    await fs.writeFile(pub, `${publicKey} root@server.invalid\n`);
    return execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', pub]).toString().trim();
  }

  it('diagnose: a whole "256 SHA256:... comment (ED25519)" line trusts and saves the key; an MD5 line works too', async () => {
    const key = await presented();
    const line = await keygenLine(key.publicKey, 'sha256');
    expect(line).toMatch(/^\d+ SHA256:\S+ root@server\.invalid \(\w+\)$/);
    const own = path.join(home, 'kh-sha');
    const r = await run(['diagnose', '--known-hosts', own, '--trust-host-key', line, `sd4term@${server.host}:${server.port}`]);
    expect(r.out).not.toContain('is not a fingerprint');
    expect(await fs.readFile(own, 'utf8')).toContain(key.publicKey.split(' ')[1]);
    const md5 = await keygenLine(key.publicKey, 'md5');
    expect(md5).toMatch(/^\d+ MD5:([0-9a-f]{2}:){15}[0-9a-f]{2} /);
    const own2 = path.join(home, 'kh-md5');
    await run(['diagnose', '--known-hosts', own2, '--trust-host-key', md5.split(' ')[1]!, `sd4term@${server.host}:${server.port}`]);
    expect(await fs.readFile(own2, 'utf8')).toContain(key.publicKey.split(' ')[1]);
  });

  it('diagnose: a fingerprint of another key is said not to match, and nothing is trusted or saved', async () => {
    const key = await presented();
    const wrong = server.hostKeys.find((k) => k.sha256 !== key.sha256)?.sha256 ?? 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const own = path.join(home, 'kh-wrong');
    const r = await run(['diagnose', '--known-hosts', own, '--trust-host-key', `256 ${wrong} root@server.invalid (ED25519)`, `sd4term@${server.host}:${server.port}`]);
    expect(r.out).toContain('--trust-host-key: The fingerprint given does not match the key this server presented');
    expect(r.out).toContain(key.sha256);
    expect(r.out).toContain('HOSTKEY_UNKNOWN');
    expect(r.code).toBe(1);
    expect(existsSync(own)).toBe(false);
  });

  it('diagnose and repair refuse text that is no fingerprint as a usage error', async () => {
    for (const cmd of ['diagnose', 'repair']) {
      const r = await run([cmd, '--trust-host-key', 'yes I checked', '--fix', 'trust-host-key', 'h.invalid'].filter((a) => cmd === 'repair' || (a !== '--fix' && a !== 'trust-host-key')));
      expect([cmd, r.code]).toEqual([cmd, 2]);
      expect(r.out).toContain('not a fingerprint');
    }
  });

  it('repair --fix trust-host-key takes the ssh-keygen -l line and says when it does not match', async () => {
    const key = await presented();
    const line = await keygenLine(key.publicKey, 'sha256');
    const own = path.join(home, 'kh-repair');
    const bad = await run(['repair', '--yes', '--fix', 'trust-host-key', '--known-hosts', own, '--trust-host-key', `256 SHA256:${'A'.repeat(43)} x (ED25519)`, `sd4term@${server.host}:${server.port}`]);
    expect(bad.out).toMatch(/does not match/);
    expect(existsSync(own)).toBe(false);
    await run(['repair', '--yes', '--fix', 'trust-host-key', '--known-hosts', own, '--trust-host-key', line, `sd4term@${server.host}:${server.port}`]);
    expect(await fs.readFile(own, 'utf8')).toContain(key.publicKey.split(' ')[1]);
  });
});

describe('usage errors of the built CLI', () => {
  it('guesses a mistyped command and option, prints the short usage line, not the whole help', async () => {
    const cmd = await run(['diagnos', 'h.invalid']);
    expect(cmd.code).toBe(2);
    expect(cmd.out).toContain('unknown command "diagnos". Did you mean "diagnose"?');
    expect(cmd.out).not.toContain('Commands:');
    const opt = await run(['diagnose', '--tiemout', '5', 'h.invalid']);
    expect(opt.code).toBe(2);
    expect(opt.out).toContain('unknown option "--tiemout". Did you mean "--timeout"?');
    expect(opt.out).toContain('Usage: sftp-doctor diagnose [options] [TARGET]');
    expect(opt.out).not.toContain('--anonymise');
  });

  it('with --json the usage error is one JSON object on stdout', async () => {
    const r = await run(['repair', '--json', '--yse', 'h.invalid']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, error: { kind: 'usage', didYouMean: '--yes' } });
  });

  it('an ftp:// target gets "FTP, not SFTP" guidance, not a usage error', async () => {
    const r = await run(['diagnose', 'ftp://bob@files.invalid']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ftp:// is FTP, not SFTP');
    expect(r.out).toContain('sftp://bob@files.invalid');
    expect(r.out).not.toContain('Usage:');
  });
});
