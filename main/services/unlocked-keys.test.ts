import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { Secret } from '../common/secret';
import { noVault } from '../store/password-vault';
import { createServices, type Services } from './handlers';
import type { DiagnoseFn, RunClient } from './runs';
import { UnlockedKeys } from './unlocked-keys';

const PASS = 'unlock me 7';
let dir: string;
let keyPath: string;
let keyText: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'unlocked-keys-'));
  keyPath = path.join(dir, 'id_test');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '2', '-N', PASS, '-C', 'unlock test', '-f', keyPath]);
  keyText = await fs.readFile(keyPath, 'utf8');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const base: ConnectionRequest = { protocol: 'sftp', host: 'example.invalid', port: 22, user: 'me', timeoutMs: 1000 };
const client = (): RunClient => ({ sendEvent() {}, sendPrompt() {}, sendCheck() {} });

describe('UnlockedKeys', () => {
  it('fills the passphrase of a key this window unlocked, whether the run names it by path, text or base64', async () => {
    const keys = new UnlockedKeys<RunClient>();
    const win = client();
    keys.remember(win, Buffer.from(keyText), new Secret(PASS));
    for (const privateKey of [{ path: keyPath }, { text: keyText }, { base64: Buffer.from(keyText).toString('base64') }]) {
      expect((await keys.fillPassphrase(win, { ...base, privateKey })).passphrase).toBe(PASS);
    }
    // Another window, another file (even one byte off), or a passphrase the user typed: left as they are.
    expect((await keys.fillPassphrase(client(), { ...base, privateKey: { path: keyPath } })).passphrase).toBeUndefined();
    expect((await keys.fillPassphrase(win, { ...base, privateKey: { text: `${keyText}\n` } })).passphrase).toBeUndefined();
    expect((await keys.fillPassphrase(win, { ...base, privateKey: { path: keyPath }, passphrase: 'typed' })).passphrase).toBe('typed');
    expect((await keys.fillPassphrase(win, { ...base, privateKey: { path: path.join(dir, 'missing') } })).passphrase).toBeUndefined();
    keys.forget(win);
    expect((await keys.fillPassphrase(win, { ...base, privateKey: { path: keyPath } })).passphrase).toBeUndefined();
  });

  it('keeps at most 16 keys a window, forgetting the oldest', () => {
    const keys = new UnlockedKeys<RunClient>();
    const win = client();
    for (let i = 0; i < 20; i++) keys.remember(win, Buffer.from(`key ${i}`), new Secret(`pass ${i}`));
    expect(keys.passphraseFor(win, Buffer.from('key 3'))).toBeUndefined();
    expect(keys.passphraseFor(win, Buffer.from('key 4'))?.reveal()).toBe('pass 4');
    expect(keys.passphraseFor(win, Buffer.from('key 19'))?.reveal()).toBe('pass 19');
  });
});

describe('services: a key unlocked in the inspector is not asked for again', () => {
  let services: Services;
  const seen: ConnectionRequest[] = [];
  beforeAll(() => {
    // The engine's part is the e2e test's; here only what the run is given counts.
    const diagnose: DiagnoseFn = async (request) => {
      seen.push(request);
      return { runId: 'x' } as unknown as RunResult;
    };
    services = createServices({ host: 'browser', dataDir: dir, diagnose, vault: noVault('none') });
  });

  it('a wrong passphrase is not remembered; the right one is, for that window only, and never comes back to the page', async () => {
    const win = client();
    const key = { name: 'id_test', text: keyText };
    const start = async (c: RunClient) => {
      await services.dispatch('diagnose:start', [{ ...base, privateKey: { text: keyText } }], { client: c });
      return seen.at(-1)!;
    };
    const wrong = (await services.dispatch('keys:inspect', [key, 'not it'], { client: win })) as { passphraseChecked: boolean };
    expect(wrong.passphraseChecked).toBe(false);
    expect((await start(win)).passphrase).toBeUndefined();

    const right = await services.dispatch('keys:inspect', [key, PASS], { client: win });
    expect(JSON.stringify(right)).not.toContain(PASS);
    expect((await start(win)).passphrase).toBe(PASS);
    expect((await start(client())).passphrase).toBeUndefined();
    services.dropClient(win);
    expect((await start(win)).passphrase).toBeUndefined();
  });

  it('keys:convert keeps the passphrase unless noPassphrase is asked for', async () => {
    const win = client();
    const key = { name: 'id_test', text: keyText };
    const kept = (await services.dispatch('keys:convert', [key, 'ppk-v2', { passphrase: PASS }], { client: win })) as { protection: string; inspection: { encrypted: boolean } };
    expect(kept).toMatchObject({ protection: 'same-passphrase', inspection: { encrypted: true } });
    const bare = (await services.dispatch('keys:convert', [key, 'openssh', { passphrase: PASS, noPassphrase: true }], { client: win })) as { protection: string; inspection: { encrypted: boolean } };
    expect(bare).toMatchObject({ protection: 'none', inspection: { encrypted: false } });
  });
});
