/**
 * Key inspector: a passphrase-protected PPK v3 key made by puttygen is dropped on the window,
 * unlocked, described (format, fingerprint = ssh-keygen's) and converted to OpenSSH with the same
 * passphrase; ssh-keygen accepts the result as the same key. Oracles: ssh-keygen and puttygen.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dropFile, expect, expectAxeClean, isElectron, saveScreenshot, test } from './fixtures';
import { SSH_KEYGEN_PATH, generateKey, harnessTempDir, type GeneratedKey } from './harness';

const run = promisify(execFile);
const PUTTYGEN = '/usr/bin/puttygen';
const PASSPHRASE = 'e2e ppk Passphrase 42';

async function keygen(args: string[]): Promise<string> {
  return (await run(SSH_KEYGEN_PATH, args)).stdout.trim();
}

test.describe('key inspector', () => {
  let dir: string;
  let key: GeneratedKey;
  let ppkPath: string;
  test.beforeAll(async () => {
    if (!existsSync(PUTTYGEN)) return;
    dir = await fs.mkdtemp(path.join(harnessTempDir(), 'e2e-keys-'));
    key = await generateKey('ed25519', dir, 'id_e2e');
    // The same key as PuTTY writes it: PPK version 3, Argon2id, protected by a passphrase.
    const passFile = path.join(dir, 'pass');
    await fs.writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    ppkPath = path.join(dir, 'id_e2e.ppk');
    await run(PUTTYGEN, [key.path, '-O', 'private', '-o', ppkPath, '--new-passphrase', passFile, '--ppk-param', 'version=3,kdf=argon2id', '-C', 'e2e key']);
  });

  test('a dropped PPK v3 key: unlocked, same fingerprint as ssh-keygen, converted to an OpenSSH key ssh-keygen accepts', async ({ appPage }, testInfo) => {
    test.skip(!existsSync(PUTTYGEN), `${PUTTYGEN} is missing (install putty-tools): it makes the PPK v3 key`);
    const ppk = await fs.readFile(ppkPath, 'utf8');
    expect(ppk).toMatch(/^PuTTY-User-Key-File-3: ssh-ed25519/);
    expect(ppk).toContain('Key-Derivation: Argon2id');

    // Dropped anywhere on the window (not on a field): the inspector opens with it.
    await dropFile(appPage, { name: 'id_e2e.ppk', content: ppk });
    const inspector = appPage.getByTestId('key-inspector');
    await expect(inspector).toBeVisible();
    await expect(inspector.getByTestId('key-format')).toHaveAttribute('data-format', 'ppk-v3');
    await expect(inspector.getByTestId('key-facts')).toContainText('ssh-ed25519');
    await expect(inspector.getByTestId('key-facts')).toContainText(/argon2id/i);
    // Private formats are locked until the passphrase is checked.
    await expect(inspector.locator('[data-target="openssh"]')).toBeDisabled();

    const pass = inspector.locator('#ki-passphrase');
    await pass.fill('not the passphrase');
    await pass.press('Enter');
    await expect(inspector.locator('.problems')).toContainText('The passphrase does not open this PuTTY key');
    await expect(inspector.locator('[data-target="openssh"]')).toBeDisabled();
    await pass.fill(PASSPHRASE);
    await pass.press('Enter');
    await expect(inspector.getByText('Passphrase (checked ✓)')).toBeVisible();

    // The fingerprint is ssh-keygen's for the same key.
    await expect(inspector.getByLabel(`SHA256 fingerprint ${key.sha256}`)).toBeVisible();
    await expect(inspector.getByLabel(`MD5 fingerprint ${key.md5}`)).toBeVisible();
    await expect(inspector.getByLabel(/^Public key line/)).toHaveValue(new RegExp(`^${key.publicKey.replace(/[+/]/g, '\\$&')}`));
    await inspector.getByRole('heading', { name: 'Key inspector' }).scrollIntoViewIfNeeded();
    await saveScreenshot(appPage, testInfo, 'key-inspector');

    await inspector.locator('[data-target="openssh"]').click();
    const converted = inspector.getByTestId('converted');
    await expect(converted).toBeVisible();
    const text = await converted.getByRole('textbox').inputValue();
    expect(text).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    await expectAxeClean(appPage, 'key inspector with a key, converted');
    await saveScreenshot(appPage, testInfo, 'key-inspector-converted');

    // Saved through the browser's download: the same bytes as shown.
    let saved = text;
    if (!isElectron(testInfo)) {
      const [download] = await Promise.all([appPage.waitForEvent('download'), converted.getByRole('button', { name: /^Save as/ }).click()]);
      expect(download.suggestedFilename()).toMatch(/^id_e2e/);
      saved = await fs.readFile(await download.path(), 'utf8');
      expect(saved).toBe(text);
    }
    const out = path.join(dir, 'converted_openssh');
    await fs.writeFile(out, saved, { mode: 0o600 });
    // The key keeps its passphrase (as PuTTYgen): ssh-keygen needs it, and finds the same key.
    expect(await keygen(['-y', '-P', PASSPHRASE, '-f', out])).toBe(`${key.publicKey} e2e key`); // the comment travels too
    expect((await keygen(['-l', '-E', 'sha256', '-f', out])).split(/\s+/)[1]).toBe(key.sha256);
    await expect(keygen(['-y', '-P', '', '-f', out])).rejects.toThrow();
  });

  test('a dropped public key says where its private key probably is', async ({ appPage }) => {
    test.skip(!existsSync(PUTTYGEN), `${PUTTYGEN} is missing (install putty-tools)`);
    await dropFile(appPage, { name: 'id_e2e.pub', content: await fs.readFile(`${key.path}.pub`) });
    const inspector = appPage.getByTestId('key-inspector');
    await expect(inspector.getByTestId('key-format')).toHaveAttribute('data-format', 'openssh-public');
    await expect(inspector).toContainText('public');
    await expect(inspector.locator('.banner-info .mono')).toHaveText('id_e2e');
    await expect(inspector.getByLabel(`SHA256 fingerprint ${key.sha256}`)).toBeVisible();
    await expect(inspector.locator('[data-target="openssh"]')).toBeDisabled();
    await expect(inspector.locator('[data-target="rfc4716-public"]')).toBeEnabled();
  });

  test('Tools opens the empty inspector (keyboard), and Escape closes it', async ({ appPage }, testInfo) => {
    await appPage.getByRole('button', { name: 'Tools…' }).focus();
    await appPage.keyboard.press('Enter');
    const inspector = appPage.getByTestId('key-inspector');
    await expect(inspector).toBeVisible();
    await expect(inspector.getByRole('button', { name: 'Choose a key file…' })).toBeFocused();
    await expectAxeClean(appPage, 'key inspector (empty)');
    await saveScreenshot(appPage, testInfo, 'key-inspector-empty');
    await appPage.keyboard.press('Escape');
    await expect(inspector).toBeHidden();
    await expect(appPage.getByRole('button', { name: 'Tools…' })).toBeFocused();
  });
});
