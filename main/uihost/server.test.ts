import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PATH } from '../../shared/bridge';
import { createServices } from '../services/handlers';
import { noVault } from '../store/password-vault';
import { startUiHost, type UiHost } from './server';

let host: UiHost;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'uihost-'));
  const staticDir = path.join(dataDir, 'www');
  await import('node:fs/promises').then((fs) => fs.mkdir(staticDir));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>SFTP Doctor</title>');
  const services = createServices({
    host: 'browser',
    dataDir,
    vault: noVault('not in tests'),
    diagnose: () => Promise.reject(new Error('not used by these tests')),
  });
  host = await startUiHost({ services, staticDir });
});
afterAll(() => host?.close());

function get(pathAndQuery: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: host.port, path: pathAndQuery, headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Opens the bridge and resolves with the upgrade outcome: 'open' or the HTTP status of the refusal. */
function openBridge(query: string, origin: string | undefined): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

describe('sftp-doctor ui host', () => {
  it('listens on loopback only and prints a URL with a token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('refuses the page without the token, serves it with the token and sets a strict cookie', async () => {
    const without = await get('/');
    expect(without.status).toBe(403);
    expect(without.body).toMatch(/access token/);
    const wrong = await get('/?token=nope');
    expect(wrong.status).toBe(403);
    const ok = await get(`/?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('SFTP Doctor');
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const cookie = String(ok.headers['set-cookie']).split(';')[0]!;
    expect((await get('/', { Cookie: cookie })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await get(`/?token=${host.token}`, { Host: `evil.example:${host.port}` });
    expect(res.status).toBe(403);
  });

  it('does not serve files outside its folder', async () => {
    expect((await get(`/..%2f..%2fetc%2fpasswd?token=${host.token}`)).status).toBe(404);
  });

  it('refuses a WebSocket without the token or from a foreign Origin, and answers a valid one', async () => {
    const own = `http://127.0.0.1:${host.port}`;
    expect(await openBridge('', own)).toBe(403);
    expect(await openBridge('?token=wrong', own)).toBe(403);
    expect(await openBridge(`?token=${host.token}`, 'http://evil.example')).toBe(403);
    expect(await openBridge(`?token=${host.token}`, undefined)).toBe(403);
    const ws = await openBridge(`?token=${host.token}`, own);
    expect(ws).toBeInstanceOf(WebSocket);
    const socket = ws as WebSocket;
    const reply = new Promise<unknown>((resolve) => socket.once('message', (d) => resolve(JSON.parse(d.toString()))));
    socket.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'app:info', args: [] }));
    expect(await reply).toMatchObject({ type: 'result', id: 1, ok: true, result: { name: 'SFTP Doctor', host: 'browser' } });
    socket.close();
  });

  it('validates every argument: a bad request gets a clear error, not a crash', async () => {
    const ws = (await openBridge(`?token=${host.token}`, `http://127.0.0.1:${host.port}`)) as WebSocket;
    const ask = (msg: object) =>
      new Promise<unknown>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())));
        ws.send(JSON.stringify(msg));
      });
    expect(await ask({ type: 'invoke', id: 2, channel: 'diagnose:start', args: [{ host: 42 }] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await ask({ type: 'invoke', id: 3, channel: 'fs:read', args: ['/etc/passwd'] })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const secretLeak = (await ask({ type: 'invoke', id: 4, channel: 'diagnose:start', args: [{ protocol: 'sftp', host: 'h', user: 'u', password: 'hunter2', extra: 1 }] })) as {
      error: { message: string };
    };
    expect(secretLeak.error.message).not.toContain('hunter2');
    ws.close();
  });
});
