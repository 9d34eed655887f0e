import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from './file';

let dir: string;
let fifo: string;
let sock: string;
let server: net.Server;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'keyfile-'));
  fifo = path.join(dir, 'id_fifo');
  execFileSync('mkfifo', [fifo]);
  sock = path.join(dir, 'id_sock');
  server = net.createServer();
  await new Promise<void>((r) => server.listen(sock, r));
});
afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('readKeyFile reads only regular files', () => {
  it('refuses a FIFO at once, naming what it is, instead of waiting for a writer', async () => {
    await expect(readKeyFile(fifo)).rejects.toMatchObject({ reason: 'not-a-file', message: expect.stringContaining('named pipe (FIFO)') });
  });

  it('refuses a socket and a device the same way', async () => {
    await expect(readKeyFile(sock)).rejects.toMatchObject({ reason: 'not-a-file', message: expect.stringContaining('a socket') });
    await expect(readKeyFile('/dev/zero')).rejects.toMatchObject({ reason: 'not-a-file', message: expect.stringContaining('character device') });
    // A link to a device is judged by what it points at.
    const link = path.join(dir, 'id_link');
    execFileSync('ln', ['-s', '/dev/urandom', link]);
    await expect(readKeyFile(link)).rejects.toMatchObject({ reason: 'not-a-file' });
  });

  it('many FIFO requests at once do not starve other file reads', async () => {
    const ordinary = path.join(dir, 'id_ok');
    await writeFile(ordinary, 'not really a key');
    const fifos = Array.from({ length: 8 }, () => readKeyFile(fifo).catch((e: Error) => e));
    // libuv has four file threads: a blocking open of a FIFO on each would hang this read.
    expect((await readKeyFile(ordinary)).toString()).toBe('not really a key');
    for (const r of await Promise.all(fifos)) expect(r).toMatchObject({ reason: 'not-a-file' });
    expect(await readFile(ordinary, 'utf8')).toBe('not really a key');
  });
});
