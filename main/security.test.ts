/**
 * Security suite: attacks against the real `sftp-doctor ui` host, the real CLI (the built
 * dist/cli.cjs, as users run it) and a real OpenSSH sshd. Each attack counts; the suite prints
 * how many it tried. Finer cases of each live beside the code (uihost/server.test.ts,
 * keys/file.test.ts, shared/visible.test.ts, cli/process.test.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freeLoopbackAddress, generateKey, sshdAvailable, startSshd, type SshdServer } from '../e2e/harness/index';
import { BRIDGE_PATH, CLOSE_TOKEN_REFUSED } from '../shared/bridge';
import { SiteStore } from './store/sites';

const cli = path.resolve(__dirname, '..', 'dist', 'cli.cjs');
const avail = sshdAvailable();
let home: string;
let attacks = 0;
const attack = (what: string) => {
  attacks++;
  return what;
};

// Raw C0/C1 controls except the CLI's own "\r ESC [K" line redraw, LF and TAB.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /(?!\r\x1b\[K)(?:[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069])/;
// eslint-disable-next-line no-control-regex
const rawControls = (text: string) => text.replace(/\r\x1b\[K/g, '').match(RAW_CONTROL);
const HOSTILE = 'pwned\x1b]52;c;Y3VybCBldmlsfHNo\x07\x1b[2J\x1b[8mhidden\u202eexe.txt\u009b';

function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; destroyStdout?: boolean } = {}) {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, SFTP_DOCTOR_HOME: home, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  if (opts.destroyStdout) child.stdout.destroy();
  else child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (re: RegExp) => {
    for (let i = 0; i < 600 && !re.test(out + err); i++) await new Promise((r) => setTimeout(r, 50));
    return re.exec(out + err);
  };
  return { child, exited, out: () => out, err: () => err, waitFor };
}

/** A server that greets like FTP with escape sequences in its greeting (a hostile or broken service). */
async function hostileGreeter(): Promise<{ host: string; port: number; close(): void }> {
  const host = freeLoopbackAddress();
  const server = net.createServer((sock) => {
    sock.on('error', () => undefined);
    sock.end(`220 ${HOSTILE} FTP ready\r\n`);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { host, port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.cjs is missing: run "npm run build" first.');
  home = await mkdtemp(path.join(os.tmpdir(), 'security-'));
});
afterAll(async () => {
  console.log(`security suite: ${attacks} attacks tried against the real UI host, CLI and sshd; every one refused or defused.`);
  await rm(home, { recursive: true, force: true });
});

describe.skipIf(!avail.ok)('security: the real UI host', () => {
  let ui: ReturnType<typeof runCli>;
  let port: number;
  let token: string;
  let sshd: SshdServer;
  let fifo: string;
  let keyFile: string;
  let greeter: Awaited<ReturnType<typeof hostileGreeter>>;

  beforeAll(async () => {
    [sshd, greeter] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), hostileGreeter()]);
    fifo = path.join(home, 'id_fifo');
    execFileSync('mkfifo', [fifo]);
    keyFile = (await generateKey('ed25519', home, 'id_victim')).path;
    // A site saved by the desktop app or the CLI may name a key file (here: the FIFO); the browser may use it.
    await new SiteStore({ dataDir: home }).save({ name: 'Saved with a FIFO', folder: '', settings: { protocol: 'sftp', host: sshd.host, port: sshd.port, user: 'nobody', privateKey: { path: fifo } } });
    ui = runCli(['ui']);
    const m = await ui.waitFor(/http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+)/);
    if (!m) throw new Error(`sftp-doctor ui printed no address:\n${ui.out()}${ui.err()}`);
    port = Number(m[1]);
    token = m[2]!;
  });
  afterAll(async () => {
    ui?.child.kill('SIGTERM');
    await ui?.exited;
    greeter?.close();
    await sshd?.stop();
  });

  const get = (p: string, headers: http.OutgoingHttpHeaders = {}, method = 'GET') =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: p, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const open = (origin: string | undefined, query = '') =>
    new Promise<WebSocket | number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${BRIDGE_PATH}${query}`, origin ? { origin } : {});
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
  const own = () => `http://127.0.0.1:${port}`;
  const session = async () => {
    const ws = (await open(own())) as WebSocket;
    ws.send(JSON.stringify({ type: 'hello', token }));
    return ws;
  };
  const ask = (ws: WebSocket, frame: string | Buffer) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const onMessage = (d: WebSocket.RawData) => {
        const msg = JSON.parse(d.toString()) as Record<string, unknown>;
        if (msg.type === 'event') return; // run events of other calls
        ws.off('message', onMessage);
        resolve(msg);
      };
      ws.on('message', onMessage);
      ws.send(frame);
    });

  it('keeps the token out of cookies, server logs and other origins', async () => {
    attack('token in a cookie for every 127.0.0.1 port');
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(ui.out()).not.toContain(`?token=${token}`);
    attack('DNS rebinding: foreign Host header');
    expect((await get('/', { Host: `attacker.invalid:${port}` })).status).toBe(403);
    attack('path traversal out of the web folder');
    expect((await get('/..%2f..%2f..%2fetc%2fpasswd')).status).toBe(404);
    attack('POST to the page');
    expect((await get('/', {}, 'POST')).status).toBe(405);
    attack('WebSocket from a foreign origin');
    expect(await open('http://attacker.invalid')).toBe(403);
    attack('WebSocket from another port of 127.0.0.1');
    expect(await open(`http://127.0.0.1:${port === 65535 ? 1 : port + 1}`)).toBe(403);
    attack('WebSocket without an Origin');
    expect(await open(undefined)).toBe(403);
  });

  it('closes a socket that does not start with the right token', async () => {
    const firsts = [
      attack('token only in the query string') && JSON.stringify({ type: 'invoke', id: 1, channel: 'app:info', args: [] }),
      attack('wrong token') && JSON.stringify({ type: 'hello', token: 'x'.repeat(token.length) }),
      attack('token of the wrong type') && JSON.stringify({ type: 'hello', token: 12345 }),
      attack('huge token') && JSON.stringify({ type: 'hello', token: 'a'.repeat(1_000_000) }),
    ];
    for (const first of firsts) {
      const ws = (await open(own(), `?token=${token}`)) as WebSocket;
      const replies: string[] = [];
      ws.on('message', (d) => replies.push(d.toString()));
      const code = new Promise<number>((r) => ws.once('close', (c) => r(c)));
      ws.send(first);
      expect(await code).toBe(CLOSE_TOKEN_REFUSED);
      expect(replies).toEqual([]);
    }
  });

  it('answers any frame shape with an error and stays up', async () => {
    const ws = await session();
    const frames = ['null', '0', '-1', '"x"', 'false', '[]', '[null]', '{}', '{"', JSON.stringify({ type: 'invoke', id: 1e308, channel: 'app:info', args: [] }), JSON.stringify({ type: 'invoke', id: 2 ** 60, channel: 'app:info', args: [] }), JSON.stringify({ type: 'invoke', id: 3, channel: null, args: [] }), JSON.stringify({ type: 'invoke', id: 4, channel: 'hasOwnProperty', args: [] }), JSON.stringify({ type: 'invoke', id: 5, channel: 'diagnose:start', args: 'x' })];
    for (const f of frames) {
      attack(`frame ${f.slice(0, 30)}`);
      const reply = await ask(ws, f);
      expect(reply.type === 'error' || reply.ok === false).toBe(true);
    }
    attack('binary frame');
    expect((await ask(ws, Buffer.from([0xff, 0x00]))).type).toBe('error');
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 77, channel: 'app:info', args: [] }))).toMatchObject({ ok: true });
    ws.close();
  });

  it('never hands out a key by path', async () => {
    const ws = await session();
    attack('keys:convert of ~/.ssh/id_* by path');
    const convert = await ask(ws, JSON.stringify({ type: 'invoke', id: 1, channel: 'keys:convert', args: [{ path: keyFile }, 'pem', {}] }));
    expect(convert).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(JSON.stringify(convert)).not.toMatch(/PRIVATE KEY/);
    attack('keys:inspect by path');
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 2, channel: 'keys:inspect', args: [{ path: keyFile }] }))).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    ws.close();
  });

  it('reads and writes no file by a path the page names: only chosen bytes, saved sites’ own settings, files the host wrote', async () => {
    const ws = await session();
    let id = 100;
    const call = (channel: string, args: unknown[]) => ask(ws, JSON.stringify({ type: 'invoke', id: id++, channel, args }));
    const refused = { ok: false, error: { code: 'FORBIDDEN' } };
    const target = { protocol: 'sftp', host: sshd.host, port: sshd.port, user: 'nobody', useAgent: false, timeoutMs: 5000 };
    const rc = path.join(home, 'victim-bashrc');
    await writeFile(rc, 'echo hello\n');

    attack('diagnose:start with a known_hosts path as a write target (trust writes a line there)');
    expect(await call('diagnose:start', [{ ...target, knownHostsPath: rc, acceptHostKey: sshd.hostKeys[0]!.sha256 }])).toMatchObject(refused);
    attack('diagnose:start with a private key path nobody saved');
    expect(await call('diagnose:start', [{ ...target, privateKey: { path: keyFile } }])).toMatchObject(refused);
    attack('sites:save naming a key file, to make it a "saved" path');
    expect(await call('sites:save', [{ name: 'mine now', folder: '', settings: { protocol: 'sftp', host: 'x.invalid', user: 'u', privateKey: { path: keyFile } } }])).toMatchObject(refused);
    attack('sites:save naming a known_hosts file');
    expect(await call('sites:save', [{ name: 'mine now', folder: '', settings: { protocol: 'sftp', host: 'x.invalid', user: 'u', knownHostsPath: rc } }])).toMatchObject(refused);
    attack('sites:import-preview of a typed path');
    expect(await call('sites:import-preview', ['openssh', '/etc/passwd'])).toMatchObject(refused);
    attack('sites:import of a typed path');
    expect(await call('sites:import', ['winscp', ['k'], { file: rc, includePasswords: false }])).toMatchObject(refused);
    attack('repair:apply writing a key into a folder the page names');
    expect(await call('repair:apply', ['no-run', 'generate-ed25519-key', { confirmed: true, folder: path.join(home, 'elsewhere') }])).toMatchObject(refused);
    attack('keys:convert of a path a saved site holds');
    expect(await call('keys:convert', [{ path: fifo }, 'pem', {}])).toMatchObject(refused);
    expect(await readFile(rc, 'utf8')).toBe('echo hello\n');

    attack('uploaded ssh config whose Include and IdentityFile name files on the host');
    const config = `Host web\n  HostName web.example.invalid\n  User anna\n  IdentityFile ${keyFile}\n  UserKnownHostsFile ${rc}\nInclude /etc/passwd\n`;
    const preview = (await call('sites:import-preview', ['openssh', { name: 'my config', base64: Buffer.from(config).toString('base64') }])) as { ok: boolean; result: { candidates: { site: { settings: Record<string, unknown>; notes?: string[] } }[]; problems: { file: string; message: string }[] } };
    expect(preview.ok).toBe(true);
    expect(preview.result.candidates).toHaveLength(1);
    expect(preview.result.candidates[0]!.site.settings).not.toHaveProperty('privateKey');
    expect(preview.result.candidates[0]!.site.settings).not.toHaveProperty('knownHostsPath');
    expect(preview.result.problems.map((p) => p.message).join(' ')).toMatch(/chosen in the browser window is read on its own/);
    expect(JSON.stringify(preview)).not.toMatch(/root:x:0/);
    expect(JSON.stringify(preview)).not.toContain(os.tmpdir() + path.sep + 'sftp-doctor-upload-');
    ws.close();
  });

  it('four runs with a FIFO as key file neither hang nor starve the host', async () => {
    const ws = await session();
    const done = new Map<string, Record<string, unknown>>();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; channel?: string; payload?: { type: string; runId: string; result?: Record<string, unknown> } };
      if (m.type === 'event' && m.payload?.type === 'done') done.set(m.payload.runId, m.payload.result ?? {});
    });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      attack('FIFO as private key file');
      const r = (await ask(ws, JSON.stringify({ type: 'invoke', id: 10 + i, channel: 'diagnose:start', args: [{ protocol: 'sftp', host: sshd.host, port: sshd.port, user: 'nobody', privateKey: { path: fifo }, useAgent: false, acceptHostKey: sshd.hostKeys[0]!.sha256, timeoutMs: 20_000 }] }))) as { result: { runId: string } };
      ids.push(r.result.runId);
    }
    // The host still answers at once, and every run ends (they do not wait for a FIFO writer).
    expect(await ask(ws, JSON.stringify({ type: 'invoke', id: 20, channel: 'app:info', args: [] }))).toMatchObject({ ok: true });
    for (let i = 0; i < 600 && done.size < 4; i++) await new Promise((r) => setTimeout(r, 50));
    expect(done.size).toBe(4);
    for (const id of ids) expect(JSON.stringify(done.get(id))).toMatch(/named pipe/);
    ws.close();
  });

  it('shows a hostile greeting with its control characters made visible', async () => {
    attack('escape sequences in a server greeting, over the bridge');
    const ws = await session();
    const frames: string[] = [];
    ws.on('message', (d) => frames.push(d.toString()));
    await ask(ws, JSON.stringify({ type: 'invoke', id: 1, channel: 'diagnose:start', args: [{ protocol: 'sftp', host: greeter.host, port: greeter.port, user: 'u', timeoutMs: 5000 }] }));
    for (let i = 0; i < 400 && !frames.some((f) => f.includes('"done"')); i++) await new Promise((r) => setTimeout(r, 50));
    const all = frames.map((f) => JSON.parse(f) as unknown);
    const text = JSON.stringify(all, (_k, v: unknown) => v); // decoded strings, re-encoded
    expect(text).toContain('pwned');
    for (const f of all) expect(rawControls(JSON.stringify(f).replace(/\\u001b/g, '\x1b').replace(/\\u0007/g, '\x07'))).toBeNull();
    ws.close();
  });

  it('`ui --open` gives the browser a one-time link, never the token', async () => {
    attack('token in the browser process arguments (ps)');
    const bin = path.join(home, 'bin');
    await mkdir(bin, { recursive: true });
    const argsFile = path.join(home, 'xdg-open.args');
    await writeFile(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`);
    await chmod(path.join(bin, 'xdg-open'), 0o755);
    const opened = runCli(['ui', '--open'], { env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
    try {
      const m = await opened.waitFor(/#token=([\w-]+)/);
      for (let i = 0; i < 200 && !existsSync(argsFile); i++) await new Promise((r) => setTimeout(r, 50));
      const args = readFileSync(argsFile, 'utf8').trim();
      expect(args).not.toContain(m![1]!);
      const link = new URL(args);
      const fetchOnce = () =>
        new Promise<{ status: number; location?: string }>((resolve, reject) => {
          http.get({ host: link.hostname, port: link.port, path: link.pathname, headers: { Host: link.host } }, (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) });
          }).on('error', reject);
        });
      const first = await fetchOnce();
      expect(first).toEqual({ status: 303, location: `/#token=${m![1]}` });
      attack('replaying the one-time link');
      expect((await fetchOnce()).status).toBe(410);
    } finally {
      opened.child.kill('SIGTERM');
      await opened.exited;
    }
  });
});

describe.skipIf(!avail.ok)('security: the real CLI', () => {
  it('reads no FIFO as a key, in `keys inspect` or `diagnose --key`, and says what it is', async () => {
    const fifo = path.join(home, 'cli_fifo');
    execFileSync('mkfifo', [fifo]);
    attack('FIFO given to keys inspect');
    const inspect = runCli(['keys', 'inspect', fifo]);
    expect(await inspect.exited).not.toBe(0);
    expect(inspect.out() + inspect.err()).toMatch(/named pipe/);
    attack('FIFO given to diagnose --key');
    const sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
    try {
      const d = runCli(['diagnose', `sftp://nobody@${sshd.host}:${sshd.port}`, '--key', fifo, '--trust-host-key', sshd.hostKeys[0]!.sha256, '--timeout', '20']);
      expect(await d.exited).toBe(1);
      expect(d.out() + d.err()).toMatch(/named pipe/);
    } finally {
      await sshd.stop();
    }
  });

  it('prints a hostile greeting and imported site names with control characters made visible', async () => {
    attack('escape sequences in a server greeting, in the terminal');
    const greeter = await hostileGreeter();
    try {
      const d = runCli(['diagnose', `sftp://u@${greeter.host}:${greeter.port}`, '--timeout', '5']);
      await d.exited;
      expect(d.out()).toContain('pwned');
      expect(rawControls(d.out() + d.err())).toBeNull();
      expect(d.out()).toMatch(/\\x1b/);
    } finally {
      greeter.close();
    }
    attack('escape sequences in an imported site name and host');
    const config = path.join(home, 'ssh_config');
    await writeFile(config, `Host evil${HOSTILE.replace(/\s/g, '')}\n  HostName 127.0.0.1\n  User u\n`);
    const imp = runCli(['sites', 'import', '--from', 'openssh', config, '--yes']);
    await imp.exited;
    expect(rawControls(imp.out() + imp.err())).toBeNull();
    const list = runCli(['sites', 'list']);
    await list.exited;
    expect(list.out()).toContain('evilpwned');
    expect(rawControls(list.out() + list.err())).toBeNull();
    attack('`sites list | head`: reader gone');
    const piped = runCli(['sites', 'list'], { destroyStdout: true });
    expect(await piped.exited).toBe(0);
    expect(piped.err()).not.toMatch(/EPIPE|at .*:\d+/);
  });
});
