import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PasswordFile, PasswordVaultError, noVault } from './password-vault';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pw-vault-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('noVault', () => {
  it('is unavailable and refuses to encrypt or decrypt with its reason', () => {
    const vault = noVault('No OS keychain in the browser window.');
    expect(vault.available).toBe(false);
    expect(vault.reason).toBe('No OS keychain in the browser window.');
    expect(() => vault.encrypt('x')).toThrow(PasswordVaultError);
    expect(() => vault.decrypt(Buffer.from('x'))).toThrow('No OS keychain in the browser window.');
  });
});

describe('PasswordFile', () => {
  it('round-trips ciphertext, writes 0600 and keeps no backup copy of forgotten entries', async () => {
    const file = new PasswordFile(dir);
    expect(await file.read()).toEqual(new Map());
    await file.write(new Map([['a', Buffer.from([1, 2, 3]).toString('base64')]]));
    expect(await file.read()).toEqual(new Map([['a', 'AQID']]));
    await file.write(new Map());
    expect(await file.read()).toEqual(new Map());
    expect((await fs.stat(file.file)).mode & 0o777).toBe(0o600);
    await expect(fs.access(`${file.file}.bak`)).rejects.toThrow();
  });

  it('tightens a file that was made readable by others', async () => {
    const file = new PasswordFile(dir);
    await file.write(new Map());
    await fs.chmod(file.file, 0o644);
    await file.write(new Map([['a', 'AQID']]));
    expect((await fs.stat(file.file)).mode & 0o777).toBe(0o600);
  });

  it('ignores entries that are not base64 text', async () => {
    await fs.writeFile(path.join(dir, 'passwords.json'), JSON.stringify({ schemaVersion: 1, passwords: { a: 'AQID', b: 5, c: 'not base64!' } }));
    expect(await new PasswordFile(dir).read()).toEqual(new Map([['a', 'AQID']]));
  });
});
