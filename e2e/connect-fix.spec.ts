/**
 * A user fills the form with the keyboard, connects with Enter, reads the diagnosis and presses
 * its fix; the stepper runs again and the card says whether the repair worked.
 * Real servers: OpenSSH sshd on port 2222 of a loopback address of its own, nothing on the port typed.
 */
import { E2E_USER, ENGINE_HAS_AUTH, SUCCESS_CODE, expect, expectAccessible, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, freeLoopbackAddress, freePort, sshdAvailable, startSshd, type SshdServer } from './harness';

test.describe('connect, diagnose, fix', () => {
  let sshd: SshdServer | undefined;
  test.beforeAll(async () => {
    const avail = sshdAvailable();
    if (!avail.ok) return;
    await ensureUser(E2E_USER);
    // 2222 is one of the ports the engine probes after a refusal; the address is ours alone.
    sshd = await startSshd({ host: freeLoopbackAddress(), port: 2222, hostKeyTypes: ['ed25519'] });
  });
  test.afterAll(async () => {
    await sshd?.stop();
  });

  test('refused port: the card offers "Use port 2222", the fix reconnects, the new key is trusted by its fingerprint', async ({ appPage }, testInfo) => {
    test.skip(!sshd, sshdAvailable().reason);
    const server = sshd!;
    const wrongPort = await freePort(server.host);

    await expectAccessible(appPage, 'empty form');
    await saveScreenshot(appPage, testInfo, 'empty-form');

    await typeSession(appPage, { host: server.host, port: wrongPort, user: E2E_USER.name, password: E2E_USER.password });
    await expect(appPage.getByLabel('Port number')).toHaveValue(String(wrongPort));
    await appPage.keyboard.press('Enter');

    // The stepper fills in live and stops at the network connection.
    const stepper = appPage.getByTestId('stepper');
    await expect(stepper.locator('li[data-phase="tcp"]')).toHaveAttribute('data-status', 'fail');
    await expect(stepper.locator('li[data-phase="input"]')).toHaveAttribute('data-status', 'ok');
    expect(await resultCode(appPage)).toBe('TCP_REFUSED');
    const card = appPage.getByTestId('result-card');
    await expect(card.getByRole('heading', { level: 3 })).toContainText(`port ${wrongPort}`);
    const fix = card.locator('.fix-button[data-fix-id="use-port"]');
    await expect(fix).toContainText('Use port 2222');
    await expectAccessible(appPage, 'TCP_REFUSED card');
    await saveScreenshot(appPage, testInfo, 'card-tcp-refused');

    // The fix is safe: it changes the port and connects again at once; the new server key is asked about.
    await fix.click();
    await expect(appPage.getByLabel('Port number')).toHaveValue('2222');
    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    await expect(stepper.locator('li[data-phase="tcp"]')).toHaveAttribute('data-status', 'ok');
    await expect(stepper.locator('li[data-phase="hostkey"]')).toHaveAttribute('data-status', 'running');

    // The admin's fingerprint (ssh-keygen -l of the host key), pasted: compared live.
    const hk = server.hostKeys[0]!;
    await dialog.locator('#hk-paste').fill(hk.sha256);
    await expect(dialog.getByTestId('hk-compare')).toHaveAttribute('data-status', 'match');
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    await expect(dialog).toBeHidden();

    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    await expect(stepper.locator('li[data-phase="hostkey"]')).toHaveAttribute('data-status', 'ok');
    await expect(card.locator('.fix-outcome')).toContainText('“Use port 2222” worked');
    if (ENGINE_HAS_AUTH) await expect(stepper.locator('li[data-phase="sftp"]')).toHaveAttribute('data-status', 'ok');
    await expectAccessible(appPage, 'success card after a fix');
    await saveScreenshot(appPage, testInfo, 'card-fixed');
  });
});
