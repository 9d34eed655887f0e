import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, KeySource, RunResult } from '../../shared/types';
import { login } from './remote';
import type { RepairContext } from './types';
import { KeyError } from '../keys/problems';
import { keyBytesFromBase64, readKeySource } from '../keys/source';

const run = promisify(execFile);
const hasPuttygen = await run('puttygen', ['--version']).then(
  () => true,
  () => false,
);

let dir = '';
let ssh1File = '';
let closedPort = 0;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'key-source-'));
  if (hasPuttygen) {
    ssh1File = path.join(dir, 'identity');
    const empty = path.join(dir, 'empty');
    await fs.writeFile(empty, '');
    await run('puttygen', ['-t', 'rsa1', '-b', '1024', '-o', ssh1File, '--new-passphrase', empty]);
  }
  // A loopback port nobody listens on: the login gets as far as the connection, no further.
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  closedPort = (srv.address() as net.AddressInfo).port;
  await new Promise((resolve) => srv.close(resolve));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('reading a key from its source', () => {
  it('refuses bytes that were not sent whole, with a message and a next step', () => {
    expect(() => keyBytesFromBase64('AAAA*not base64*')).toThrow(KeyError);
    expect(() => keyBytesFromBase64('AAAAA')).toThrow(/not sent whole/);
    expect(keyBytesFromBase64('aGVs\nbG8=').toString()).toBe('hello');
  });

  it('says so when nothing names a key, and reads pasted text as it was typed', async () => {
    expect(await readKeySource(undefined)).toBeNull();
    expect(await readKeySource({})).toBeNull();
    expect(await readKeySource({ text: 'abc' })).toMatchObject({ kind: 'text' });
  });

  describe.skipIf(!hasPuttygen)('an SSH-1 key dropped in the window (base64) is the same key as by path', () => {
    it('reads the same bytes both ways', async () => {
      const bytes = await fs.readFile(ssh1File);
      const byPath = await readKeySource({ path: ssh1File });
      const byDrop = await readKeySource({ base64: bytes.toString('base64') });
      expect(byPath).toMatchObject({ kind: 'file', path: ssh1File });
      expect(byDrop).toMatchObject({ kind: 'base64' });
      expect(byDrop!.bytes.equals(byPath!.bytes)).toBe(true);
    });

    it('reaches the server-side fixes\' login the same way (not silently missing)', async () => {
      const bytes = await fs.readFile(ssh1File);
      const attempt = async (privateKey: KeySource): Promise<string> => {
        const request: ConnectionRequest = { protocol: 'sftp', host: '127.0.0.1', port: closedPort, user: 'nobody', privateKey, knownHostsPath: path.join(dir, 'known_hosts'), timeoutMs: 3000 };
        const ctx: RepairContext = { request, result: { facts: {} } as unknown as RunResult, defaultKnownHostsPath: path.join(dir, 'known_hosts') };
        const err = await login(ctx, { useKey: true }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, 'the login must fail at the closed port, not at the key').not.toBeInstanceOf(KeyError);
        return (err as Error).message;
      };
      const byPath = await attempt({ path: ssh1File });
      const byDrop = await attempt({ base64: bytes.toString('base64') });
      expect(byDrop).toBe(byPath);
      // A damaged drop is said plainly, as a damaged file would be.
      const damaged = await login({ request: { protocol: 'sftp', host: '127.0.0.1', port: closedPort, user: 'nobody', privateKey: { base64: 'AAAAA' } }, result: { facts: {} } as unknown as RunResult, defaultKnownHostsPath: path.join(dir, 'known_hosts') }, { useKey: true }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(damaged).toBeInstanceOf(KeyError);
      expect((damaged as Error).message).toMatch(/not sent whole/);
    });
  });
});
