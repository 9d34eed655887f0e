import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type GeneratedKey } from '../../e2e/harness/index';
import {
  addHostKey,
  checkHostKey,
  fingerprintMd5,
  fingerprintSha256,
  knownKeyTypes,
  parseKnownHosts,
  readKnownHosts,
  removeHostKey,
  replaceHostKey,
} from './known-hosts';

const run = promisify(execFile);
let dir: string;
let ed: GeneratedKey;
let ed2: GeneratedKey;
let ecdsa: GeneratedKey;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kh-test-'));
  [ed, ed2, ecdsa] = await Promise.all([generateKey('ed25519', dir, 'a'), generateKey('ed25519', dir, 'b'), generateKey('ecdsa', dir, 'c')]);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const b64 = (k: GeneratedKey) => k.publicKey.split(' ')[1]!;

describe('fingerprints', () => {
  it('match ssh-keygen -l for SHA256 and MD5', () => {
    for (const k of [ed, ecdsa]) {
      const blob = Buffer.from(b64(k), 'base64');
      expect(fingerprintSha256(blob)).toBe(k.sha256);
      expect(fingerprintMd5(blob)).toBe(k.md5);
    }
  });
});

describe('known_hosts matching', () => {
  it('finds plain, [host]:port, multi-host, wildcard and negated entries', () => {
    const text = [
      '# my hosts',
      '',
      `alpha.example,10.0.0.1 ${ed.publicKey} laptop`,
      `[beta.example]:2222 ${ed.publicKey}`,
      `*.wild.example,!no.wild.example ${ecdsa.publicKey}`,
      `@cert-authority *.example ${ecdsa.publicKey}`,
      'this line is not valid',
    ].join('\n');
    const file = parseKnownHosts(`${text}\n`);
    expect(file.entries).toHaveLength(4);
    expect(file.invalidLines).toEqual([7]);
    expect(checkHostKey(file, 'alpha.example', 22, ed.type, b64(ed)).status).toBe('trusted');
    expect(checkHostKey(file, 'ALPHA.example', 22, ed.type, b64(ed)).status).toBe('trusted');
    // Port 2222 is looked up as [alpha.example]:2222, which is not recorded.
    expect(checkHostKey(file, 'alpha.example', 2222, ed.type, b64(ed)).status).toBe('unknown');
    expect(checkHostKey(file, 'beta.example', 2222, ed.type, b64(ed)).matches[0]?.line).toBe(4);
    const changed = checkHostKey(file, 'beta.example', 2222, ed2.type, b64(ed2));
    expect(changed.status).toBe('changed');
    expect(changed.matches.map((m) => m.line)).toEqual([4]);
    expect(checkHostKey(file, 'x.wild.example', 22, ecdsa.type, b64(ecdsa)).status).toBe('trusted');
    expect(checkHostKey(file, 'no.wild.example', 22, ecdsa.type, b64(ecdsa)).status).toBe('unknown');
    // A key of another type for a known host is a new key type, not a changed key.
    const other = checkHostKey(file, 'alpha.example', 22, ecdsa.type, b64(ecdsa));
    expect(other.status).toBe('unknown');
    expect(other.otherTypes.map((e) => e.line)).toEqual([3]);
    // The CA line never trusts a plain key.
    expect(checkHostKey(file, 'ca.example', 22, ecdsa.type, b64(ecdsa)).status).toBe('unknown');
    expect(knownKeyTypes(file, 'alpha.example', 22)).toEqual([ed.type]);
  });

  it('matches names hashed by ssh-keygen -H and honours @revoked', async () => {
    const file = path.join(dir, 'hashed');
    await fs.writeFile(file, `[h.example]:2200 ${ed.publicKey}\nplain.example ${ecdsa.publicKey}\n`);
    await run('ssh-keygen', ['-H', '-f', file]);
    const kh = await readKnownHosts(file);
    expect(kh.entries.every((e) => e.hashed)).toBe(true);
    expect(checkHostKey(kh, 'h.example', 2200, ed.type, b64(ed)).status).toBe('trusted');
    expect(checkHostKey(kh, 'plain.example', 22, ecdsa.type, b64(ecdsa)).status).toBe('trusted');
    expect(checkHostKey(kh, 'h.example', 22, ed.type, b64(ed)).status).toBe('unknown');
    const revoked = parseKnownHosts(`@revoked * ${ed.publicKey}\n[h.example]:2200 ${ed.publicKey}\n`);
    expect(checkHostKey(revoked, 'h.example', 2200, ed.type, b64(ed)).status).toBe('revoked');
  });
});

describe('known_hosts writing', () => {
  it('adds a line ssh-keygen -F finds, keeps CRLF lines byte for byte and makes a backup', async () => {
    const file = path.join(dir, 'crlf');
    const original = `# comment\r\n@cert-authority *.corp ${ecdsa.publicKey}\r\nzeta.example ${ed2.publicKey} c\u00e9\r\n`;
    await fs.writeFile(file, original, 'latin1');
    const res = await addHostKey(file, '127.1.2.3', 2022, ed.publicKey);
    expect(res.line).toBe(4);
    const after = await fs.readFile(file, 'latin1');
    expect(after.startsWith(original)).toBe(true);
    expect(after.slice(original.length)).toBe(`[127.1.2.3]:2022 ${ed.publicKey}\r\n`);
    expect(await fs.readFile(`${file}.bak`, 'latin1')).toBe(original);
    const found = await run('ssh-keygen', ['-F', '[127.1.2.3]:2022', '-f', file]);
    expect(found.stdout).toContain(b64(ed));
  });

  it('creates a missing file with mode 0600, hashed if asked', async () => {
    const file = path.join(dir, 'sub', 'new_known_hosts');
    await addHostKey(file, 'new.example', 22, ed.publicKey, { hash: true });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const kh = await readKnownHosts(file);
    expect(kh.entries[0]?.hashed).toBe(true);
    expect((await run('ssh-keygen', ['-F', 'new.example', '-f', file])).stdout).toContain(b64(ed));
  });

  it('replaces a changed key, keeping other hosts of a shared line and every other line', async () => {
    const file = path.join(dir, 'replace');
    const lines = [`one.example,two.example ${ed.publicKey}`, `# keep me`, `*.example ${ed.publicKey}`, `three.example ${ecdsa.publicKey}`];
    await fs.writeFile(file, `${lines.join('\n')}`); // no final newline
    const res = await replaceHostKey(file, 'one.example', 22, ed2.publicKey);
    expect(res.replacedLines).toEqual([1]);
    expect(res.unresolvedLines).toEqual([3]);
    const after = (await fs.readFile(file, 'latin1')).split('\n');
    expect(after.slice(0, 4)).toEqual([`two.example ${ed.publicKey}`, '# keep me', `*.example ${ed.publicKey}`, `three.example ${ecdsa.publicKey}`]);
    expect(after[4]).toBe(`one.example ${ed2.publicKey}`);
    const kh = await readKnownHosts(file);
    expect(checkHostKey(kh, 'two.example', 22, ed.type, b64(ed)).status).toBe('trusted');
  });

  it('removes a host like ssh-keygen -R and leaves a file without it', async () => {
    const file = path.join(dir, 'remove');
    await fs.writeFile(file, `gone.example ${ed.publicKey}\nstay.example ${ed.publicKey}\n`);
    const res = await removeHostKey(file, 'gone.example', 22);
    expect(res.replacedLines).toEqual([1]);
    expect(await fs.readFile(file, 'utf8')).toBe(`stay.example ${ed.publicKey}\n`);
  });
});
