/**
 * Export support bundle from the result card of a real failed login: the preview lists every
 * file, the browser download is a zip whose report.html names the diagnosis, and the password
 * typed is in none of its files (nor in the preview).
 */
import { promises as fs } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { E2E_USER, ENGINE_HAS_AUTH, expect, expectAccessible, isElectron, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, sshdAvailable, startSshd } from './harness';

const WRONG_PASSWORD = 'Bundle-e2e-Wr0ng-Pass!';

test('support bundle from a failed login: previewed, downloaded, report.html names the diagnosis, the password is nowhere', async ({ appPage }, testInfo) => {
  test.skip(isElectron(testInfo), 'The desktop app saves the bundle through a native save dialog, which Playwright cannot drive; the browser host downloads it (this spec, in Chromium).');
  test.skip(!sshdAvailable().ok, sshdAvailable().reason);
  test.skip(!ENGINE_HAS_AUTH, 'needs the engine login phase (main/diagnose/phases/auth.ts) for AUTH_PASSWORD_REJECTED');
  await ensureUser(E2E_USER);
  const sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
  try {
    await typeSession(appPage, { host: sshd.host, port: sshd.port, user: E2E_USER.name, password: WRONG_PASSWORD });
    await appPage.keyboard.press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await dialog.locator('#hk-paste').fill(sshd.hostKeys[0]!.sha256);
    await dialog.getByRole('button', { name: 'Connect once' }).click();

    expect(await resultCode(appPage)).toBe('AUTH_PASSWORD_REJECTED');
    const card = appPage.getByTestId('result-card');
    await expect(appPage.locator('li[data-phase="auth"]')).toHaveAttribute('data-status', 'fail');
    await expect(appPage.locator('li[data-phase="hostkey"]')).toHaveAttribute('data-status', 'ok');
    const title = (await card.locator('#result-title').innerText()).replace(/^[✗✓]\s*/, '').trim();
    expect(title.length).toBeGreaterThan(10);
    await expectAccessible(appPage, 'AUTH_PASSWORD_REJECTED card');
    await saveScreenshot(appPage, testInfo, 'card-auth-password-rejected');

    await card.getByRole('button', { name: 'Export support bundle' }).click();
    const bundle = appPage.getByTestId('bundle-dialog');
    await expect(bundle).toBeVisible();
    const files = bundle.locator('.bundle-files > li summary .mono');
    await expect(files.first()).toBeVisible();
    const listed = await files.allInnerTexts();
    expect(listed).toEqual(expect.arrayContaining(['report.html', 'report.json', 'timeline.log', 'README.txt']));
    // The preview shows each file's full text: no password in it either.
    expect(await bundle.locator('.bundle-files').textContent()).not.toContain(WRONG_PASSWORD);
    await expectAccessible(appPage, 'bundle dialog');
    await saveScreenshot(appPage, testInfo, 'bundle-dialog');

    const [download] = await Promise.all([appPage.waitForEvent('download'), bundle.getByRole('button', { name: 'Save bundle' }).click()]);
    await expect(bundle.getByTestId('bundle-saved')).toContainText(download.suggestedFilename());
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const zip = unzipSync(new Uint8Array(await fs.readFile(await download.path())));
    expect(Object.keys(zip).sort()).toEqual([...listed].sort());
    const texts = Object.fromEntries(Object.entries(zip).map(([name, bytes]) => [name, strFromU8(bytes)]));
    expect(texts['report.html']).toContain(title);
    expect(JSON.parse(texts['report.json']!)).toMatchObject({ summary: { code: 'AUTH_PASSWORD_REJECTED', title } });
    for (const [name, text] of Object.entries(texts)) {
      expect(text, `${name} must not contain the password`).not.toContain(WRONG_PASSWORD);
      expect(text, `${name} must not contain the password (base64)`).not.toContain(Buffer.from(WRONG_PASSWORD).toString('base64'));
    }
  } finally {
    await sshd.stop();
  }
});
