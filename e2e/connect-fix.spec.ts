/**
 * A user fills the form with the keyboard, connects with Enter, reads the diagnosis and presses
 * its fix; the stepper runs again and the card says whether the repair worked.
 * Real servers: OpenSSH sshd on port 2222 of a loopback address of its own, nothing on the port typed.
 */
import { E2E_USER, ENGINE_HAS_AUTH, SUCCESS_CODE, expect, expectAccessible, pasteText, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, freeLoopbackAddress, freePort, sshdAvailable, startSshd, type SshdServer } from './harness';

test.describe('connect, diagnose, fix', () => {
  let sshd: SshdServer | undefined;
  let home = '/home/sde2e';
  test.beforeAll(async () => {
    if (sshdAvailable().ok) home = (await ensureUser(E2E_USER)).home;
  });
  test.beforeEach(async () => {
    test.skip(!sshdAvailable().ok, sshdAvailable().reason);
    // 2222 is one of the ports the engine probes after a refusal; the address is this test's alone
    // (so a key trusted by one test is unknown to the next).
    sshd = await startSshd({ host: freeLoopbackAddress(), port: 2222, hostKeyTypes: ['ed25519'] });
  });
  test.afterEach(async () => {
    await sshd?.stop();
    sshd = undefined;
  });

  test('refused port: the card offers "Use port 2222", the fix reconnects, the new key is trusted by its fingerprint', async ({ appPage }, testInfo) => {
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

  test('an sftp:// address pasted into the host field is split into its fields on the spot', async ({ appPage }) => {
    const server = sshd!;
    const url = `sftp://${E2E_USER.name}@${server.host}:2222${home}`;
    const host = appPage.getByLabel('Host name', { exact: true });
    await host.click();
    await pasteText(appPage, url);

    await expect(host).toHaveValue(server.host);
    await expect(appPage.getByLabel('Port number')).toHaveValue('2222');
    await expect(appPage.getByLabel('User name')).toHaveValue(E2E_USER.name);
    await expect(appPage.getByLabel('File protocol')).toHaveValue('sftp');
    await expect(appPage.locator('.form-notice')).toContainText('split into its fields');
    await appPage.getByRole('button', { name: /^Advanced/ }).click();
    await expect(appPage.getByLabel('Remote directory')).toHaveValue(home);

    // The split fields connect: only the password is missing from a URL.
    await appPage.getByLabel('Password', { exact: true }).fill(E2E_USER.password);
    await appPage.getByLabel('Password', { exact: true }).press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Connect once' }).click();
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
  });

  test('a typed address in the host field: INPUT_HOST_FIELD, and its fix splits it and connects', async ({ appPage }, testInfo) => {
    const server = sshd!;
    await typeSession(appPage, { host: `sftp://${E2E_USER.name}@${server.host}:2222/` });
    // Leaving the field already suggests splitting it (the suggestion joins the Tab order before
    // the user name); connecting anyway gets the diagnosis.
    await expect(appPage.getByRole('button', { name: 'Split it into the fields' })).toBeVisible();
    const password = appPage.getByLabel('Password', { exact: true });
    await password.fill(E2E_USER.password);
    await password.press('Enter');

    expect(await resultCode(appPage)).toBe('INPUT_HOST_FIELD');
    const stepper = appPage.getByTestId('stepper');
    await expect(stepper.locator('li[data-phase="input"]')).toHaveAttribute('data-status', 'fail');
    await expect(stepper.locator('li[data-phase="tcp"]')).not.toHaveAttribute('data-status', 'ok');
    await expectAccessible(appPage, 'INPUT_HOST_FIELD card');
    await saveScreenshot(appPage, testInfo, 'card-input-host-field');

    await appPage.getByTestId('result-card').locator('.fix-button[data-fix-id="split-host-field"]').click();
    await expect(appPage.getByLabel('Host name', { exact: true })).toHaveValue(server.host);
    await expect(appPage.getByLabel('Port number')).toHaveValue('2222');
    await expect(appPage.getByLabel('User name')).toHaveValue(E2E_USER.name);
    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Connect once' }).click();
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    await expect(appPage.getByTestId('result-card').locator('.fix-outcome')).toContainText('worked');
  });
});
