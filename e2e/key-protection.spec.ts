/**
 * Keys keep their protection (issue 17, point 6), at 1280x800 and 800x600, axe clean (with
 * target-size) in light and dark: converting a passphrase-protected key keeps the passphrase
 * unless the user chooses a new one or none, the result and its Save button come into view with
 * the focus, a key unlocked in the inspector is not asked for again when the form connects, and
 * public key lines and admin messages copy with a visible "Copied". Oracles: ssh-keygen -y and
 * puttygen (both need the passphrase), and a real sshd.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, expectAxeClean, isElectron, startUiHostProcess, stopUiHostProcess, test as base, type UiHostProcess } from './fixtures';
import { SSH_KEYGEN_PATH, describeKey, generateKey, setupAccount, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from './harness';

const run = promisify(execFile);
const PUTTYGEN = '/usr/bin/puttygen';
const PASSPHRASE = 'keep Me protected 9';
const NEW_PASSPHRASE = 'a fresh one 31';
const USER = 'sd4keyprot';
const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

interface Keys {
  dir: string;
  /** Authorized on the server; protected by PASSPHRASE (OpenSSH format). */
  locked: GeneratedKey;
  /** The same key as a PuTTY v3 file, protected by PASSPHRASE. */
  ppk: string;
  /** Not on the server's list: the login is refused. */
  stranger: GeneratedKey;
  sshd: SshdServer;
}

const test = base.extend<object, { keys: Keys; uiHost: UiHostProcess }>({
  keys: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-keyprot-'));
      const [sshd, plain, stranger] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), generateKey('ed25519', dir, 'id_locked'), generateKey('ed25519', dir, 'id_stranger')]);
      await run(SSH_KEYGEN_PATH, ['-q', '-p', '-a', '4', '-N', PASSPHRASE, '-f', plain.path]);
      const locked = await describeKey(plain.path);
      await setupAccount({ name: USER, password: 'unused-Keyprot-1', authorizedKeys: [locked.publicKey] });
      const ppk = path.join(dir, 'id_locked.ppk');
      if (existsSync(PUTTYGEN)) {
        const passFile = path.join(dir, 'pass');
        await fs.writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
        await run(PUTTYGEN, [locked.path, '--old-passphrase', passFile, '-O', 'private', '-o', ppk, '--new-passphrase', passFile, '--ppk-param', 'version=3,kdf=argon2id', '-C', 'locked key']);
      }
      await use({ dir, locked, ppk, stranger, sshd });
      await sshd.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  uiHost: [
    async ({ keys }, use) => {
      const host = await startUiHostProcess();
      await fs.writeFile(path.join(host.dataDir, 'known_hosts'), `[${keys.sshd.host}]:${keys.sshd.port} ${keys.sshd.hostKeys[0]!.publicKey}\n`);
      await use(host);
      await stopUiHostProcess(host);
    },
    { scope: 'worker' },
  ],
});

test.describe.configure({ mode: 'serial' });
test.skip(!sshdAvailable().ok, sshdAvailable().reason);

async function keygen(args: string[]): Promise<string> {
  return (await run(SSH_KEYGEN_PATH, args)).stdout.trim();
}

/** Saves the converted key through the browser download and returns the file's path. */
async function saveConverted(page: Page, dir: string, name: string): Promise<string> {
  const converted = page.getByTestId('converted');
  const [download] = await Promise.all([page.waitForEvent('download'), converted.getByRole('button', { name: /^Save as/ }).click()]);
  const out = path.join(dir, name);
  await fs.writeFile(out, await fs.readFile((await download.path())!), { mode: 0o600 });
  return out;
}

/** The button is entirely inside the window. */
async function expectFullyInView(page: Page, selector: string): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const vp = page.viewportSize()!;
  expect(box.y, `${selector} top`).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height, `${selector} bottom`).toBeLessThanOrEqual(vp.height);
}

async function openPpkUnlocked(page: Page, keys: Keys): Promise<void> {
  await page.getByRole('button', { name: 'Tools…' }).click();
  const inspector = page.getByTestId('key-inspector');
  await inspector.locator('input[type="file"]').setInputFiles(keys.ppk);
  await expect(inspector.getByTestId('key-format')).toHaveAttribute('data-format', 'ppk-v3');
  await inspector.locator('#ki-passphrase').fill(PASSPHRASE);
  await inspector.locator('#ki-passphrase').press('Enter');
  await expect(inspector.getByTestId('key-unlocked')).toBeVisible();
}

for (const size of SIZES) {
  test(`${size.width}x${size.height}: an encrypted key converts with the same passphrase by default; the result and Save come to the user`, async ({ appPage, keys }, testInfo) => {
    test.skip(!existsSync(PUTTYGEN), `${PUTTYGEN} is missing (install putty-tools): it makes the PPK v3 key`);
    test.skip(isElectron(testInfo), 'saves through the browser download');
    await appPage.setViewportSize(size);
    await appPage.reload();
    await openPpkUnlocked(appPage, keys);
    const inspector = appPage.getByTestId('key-inspector');
    // PuTTYgen's behaviour: the protection stays unless the user says otherwise.
    await expect(inspector.getByLabel('Keep the same passphrase')).toBeChecked();
    await expectAxeClean(appPage, `key inspector, unlocked, ${size.width}x${size.height}`);

    await inspector.locator('[data-target="openssh"]').click();
    const converted = inspector.getByTestId('converted');
    await expect(converted).toHaveAttribute('data-protection', 'same-passphrase');
    await expect(converted).toContainText('Protected by the same passphrase as id_locked.ppk');
    const save = converted.getByRole('button', { name: 'Save as id_locked' });
    await expect(save).toBeFocused();
    await expectFullyInView(appPage, '[data-testid="converted"] button.primary');
    await expect(converted.getByRole('textbox')).toBeInViewport();
    await expectAxeClean(appPage, `converted key, ${size.width}x${size.height}`);
    const kept = await saveConverted(appPage, keys.dir, `kept-${size.width}`);
    // ssh-keygen opens it with the old passphrase, and not without one.
    expect(await keygen(['-y', '-P', PASSPHRASE, '-f', kept])).toBe(`${keys.locked.publicKey} locked key`);
    await expect(keygen(['-y', '-P', '', '-f', kept])).rejects.toThrow();

    if (size.width === 1280) {
      // A new passphrase, typed twice, for a PuTTY key: puttygen opens it with that one only.
      await inspector.getByLabel('A new passphrase').check();
      await inspector.getByLabel('New passphrase', { exact: true }).fill(NEW_PASSPHRASE);
      await inspector.getByLabel('Type it again').fill(`${NEW_PASSPHRASE}x`);
      await expect(inspector).toContainText('The two passphrases differ.');
      await expect(inspector.locator('[data-target="ppk-v2"]')).toBeDisabled();
      await inspector.getByLabel('Type it again').fill(NEW_PASSPHRASE);
      await inspector.locator('[data-target="ppk-v2"]').click();
      await expect(converted).toHaveAttribute('data-protection', 'new-passphrase');
      await expect(converted.getByRole('button', { name: 'Save as id_locked.ppk' })).toBeFocused();
      await expectAxeClean(appPage, 'converted with a new passphrase');
      const ppk = await saveConverted(appPage, keys.dir, 'new.ppk');
      const passFile = path.join(keys.dir, 'newpass');
      await fs.writeFile(passFile, `${NEW_PASSPHRASE}\n`, { mode: 0o600 });
      const oldFile = path.join(keys.dir, 'pass');
      const back = path.join(keys.dir, 'new.via-puttygen');
      await expect(run(PUTTYGEN, [ppk, '--old-passphrase', oldFile, '--new-passphrase', oldFile, '-O', 'private-openssh', '-o', back])).rejects.toThrow();
      await run(PUTTYGEN, [ppk, '--old-passphrase', passFile, '--new-passphrase', oldFile, '-O', 'private-openssh', '-o', back]);
      expect((await keygen(['-y', '-P', PASSPHRASE, '-f', back])).split(' ').slice(0, 2).join(' ')).toBe(keys.locked.publicKey);
    } else {
      // No passphrase only when chosen, with the warning beside the choice and the result.
      await inspector.getByLabel('No passphrase').check();
      await expect(inspector).toContainText('Anyone who gets a copy of the converted file can log in with it.');
      await inspector.locator('[data-target="openssh"]').click();
      await expect(converted).toHaveAttribute('data-protection', 'none');
      await expect(converted).toContainText('Not protected by a passphrase.');
      await expect(converted.getByRole('button', { name: 'Save as id_locked' })).toBeFocused();
      const bare = await saveConverted(appPage, keys.dir, 'bare');
      expect(await keygen(['-y', '-P', '', '-f', bare])).toBe(`${keys.locked.publicKey} locked key`);
    }
  });

  test(`${size.width}x${size.height}: a key unlocked in the inspector is not asked for again when the form connects`, async ({ appPage, keys }) => {
    await appPage.setViewportSize(size);
    await appPage.reload();
    await appPage.getByLabel('Host name', { exact: true }).fill(keys.sshd.host);
    await appPage.getByLabel('Port number').fill(String(keys.sshd.port));
    await appPage.getByLabel('User name', { exact: true }).fill(USER);
    await appPage.getByLabel('Choose a private key file').setInputFiles(keys.locked.path);
    await expect(appPage.getByLabel('Private key file', { exact: true })).toHaveValue(/^id_locked \(loaded/);

    // Not unlocked yet: the run asks for the passphrase (cancelled here).
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
    const asked = appPage.getByTestId('prompt-passphrase');
    await expect(asked).toBeVisible();
    await asked.getByRole('button', { name: 'Cancel' }).click();
    await expect(appPage.getByTestId('result-card')).toBeVisible();

    // Unlocked in the inspector: the next run logs in without asking.
    await appPage.getByRole('button', { name: 'Inspect this key' }).click();
    const inspector = appPage.getByTestId('key-inspector');
    await inspector.locator('#ki-passphrase').fill(PASSPHRASE);
    await inspector.locator('#ki-passphrase').press('Enter');
    await expect(inspector.getByTestId('key-unlocked')).toBeVisible();
    await expectAxeClean(appPage, `key unlocked, ${size.width}x${size.height}`);
    await inspector.getByRole('button', { name: 'Close', exact: true }).last().click();
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
    const card = appPage.getByTestId('result-card');
    await expect(card).toHaveAttribute('data-code', 'OK');
    await expect(asked).toHaveCount(0);
    await expect(card).toBeFocused();
    // The passphrase stayed in main: nothing of it in the page's storage.
    const stored = await appPage.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(PASSPHRASE);
  });

  test(`${size.width}x${size.height}: the public key line and the admin message copy, with a visible "Copied"`, async ({ appPage, keys }) => {
    await appPage.setViewportSize(size);
    await appPage.reload();
    await appPage.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    await appPage.getByLabel('Host name', { exact: true }).fill(keys.sshd.host);
    await appPage.getByLabel('Port number').fill(String(keys.sshd.port));
    await appPage.getByLabel('User name', { exact: true }).fill(USER);
    await appPage.getByLabel('Choose a private key file').setInputFiles(keys.stranger.path);
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
    const card = appPage.getByTestId('result-card');
    await expect(card).toHaveAttribute('data-code', 'AUTH_KEY_REJECTED');

    const evidence = card.locator('details.evidence');
    if ((await evidence.getAttribute('open')) === null) await evidence.locator('> summary').click();
    const copyLine = card.getByRole('button', { name: 'Copy public key line' });
    await copyLine.click();
    await expect(card.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
    expect(await appPage.evaluate(() => navigator.clipboard.readText())).toBe(keys.stranger.publicKey);
    await expectAxeClean(appPage, `AUTH_KEY_REJECTED with Copy, ${size.width}x${size.height}`);

    await card.locator('.action-button[data-action="ask-admin"]').click();
    const admin = appPage.getByTestId('admin-message-dialog');
    await expect(admin.getByRole('button', { name: 'Copy message' })).toBeFocused();
    await admin.getByRole('button', { name: 'Copy message' }).click();
    await expect(admin.getByRole('status')).toHaveText('✓ Copied');
    const message = await appPage.evaluate(() => navigator.clipboard.readText());
    expect(message).toBe(await admin.getByTestId('admin-message').textContent());
    expect(message).toContain(keys.stranger.publicKey);
    await expectAxeClean(appPage, `admin message copied, ${size.width}x${size.height}`);
    await appPage.keyboard.press('Escape');

    // The inspector's public key line copies the same way.
    await appPage.getByRole('button', { name: 'Inspect this key' }).click();
    const inspector = appPage.getByTestId('key-inspector');
    await inspector.getByRole('button', { name: 'Copy public key line' }).click();
    await expect(inspector.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
    expect((await appPage.evaluate(() => navigator.clipboard.readText())).startsWith(keys.stranger.publicKey)).toBe(true);
  });
}
