/**
 * A site behind a jump host, set up in the Advanced panel with the keyboard: the stepper shows the
 * jump host's own steps first (its new host key asked about like the server's), then the server's;
 * a jump host that refuses to forward gets its own card. Real servers: two OpenSSH sshd.
 */
import { E2E_USER, expect, expectAccessible, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, sshdAvailable, startSshd, type SshdServer } from './harness';

test.describe('jump hosts in the window', () => {
  let target: SshdServer | undefined;
  let jump: SshdServer | undefined;
  test.beforeAll(async () => {
    if (sshdAvailable().ok) await ensureUser(E2E_USER);
  });
  test.afterEach(async () => {
    await Promise.all([target?.stop(), jump?.stop()]);
    target = jump = undefined;
  });

  test('OK through a jump host typed in "Tunnel: jump host": its steps come first, under its own heading', async ({ appPage }, testInfo) => {
    test.skip(!sshdAvailable().ok, sshdAvailable().reason);
    [target, jump] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), startSshd({ hostKeyTypes: ['ed25519'] })]);
    await typeSession(appPage, { host: target.host, port: target.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.getByRole('button', { name: /^Advanced/ }).click();
    const jumpField = appPage.getByLabel('Jump host', { exact: true });
    await jumpField.focus();
    await appPage.keyboard.type(`${jump.host}:${jump.port}`);
    await appPage.keyboard.press('Tab');
    await expect(appPage.getByLabel('Jump host password')).toBeFocused();
    await appPage.keyboard.type(E2E_USER.password);
    await expect(appPage.locator('#f-jump-problem')).toHaveCount(0);
    await expectAccessible(appPage, 'Advanced panel with proxy and jump host sections');
    await appPage.keyboard.press('Enter');

    // First the jump host's key, verified exactly like a server's: its fingerprint is compared.
    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`${jump.host}`);
    await dialog.locator('#hk-paste').fill(jump.hostKeys[0]!.sha256);
    await expect(dialog.getByTestId('hk-compare')).toHaveAttribute('data-status', 'match');
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    // Then the server's own key, reached through the jump host.
    await expect(dialog).toContainText(`${target.host}`);
    await dialog.getByRole('button', { name: 'Connect once' }).click();

    expect(await resultCode(appPage)).toBe('OK');
    const stepper = appPage.getByTestId('stepper');
    await expect(stepper.locator('li.step-group').first()).toHaveText(`Jump host ${jump.host}:${jump.port}`);
    await expect(stepper.locator('li[data-hop="0"][data-phase="auth"]')).toHaveAttribute('data-status', 'ok');
    await expect(stepper.locator('li[data-phase="tcp"]:not([data-hop])')).toContainText('connected to');
    const order = await stepper.locator('li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-hop') ?? 't'}:${e.getAttribute('data-phase') ?? 'group'}`));
    expect(order.indexOf('0:auth')).toBeLessThan(order.indexOf('t:tcp'));
    await expect(appPage.getByTestId('result-card')).toContainText(/Path\s*jump .* → /);
    await saveScreenshot(appPage, testInfo, 'card-jump-host-ok');
  });

  test('JUMP_FORWARDING_DENIED: the card names AllowTcpForwarding and offers the message for the admin', async ({ appPage }, testInfo) => {
    test.skip(!sshdAvailable().ok, sshdAvailable().reason);
    [target, jump] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), startSshd({ hostKeyTypes: ['ed25519'], config: { AllowTcpForwarding: 'no' } })]);
    await typeSession(appPage, { host: target.host, port: target.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.getByRole('button', { name: /^Advanced/ }).click();
    await appPage.getByLabel('Jump host', { exact: true }).fill(`${E2E_USER.name}@${jump.host}:${jump.port}`);
    await appPage.getByLabel('Jump host password').fill(E2E_USER.password);
    await appPage.getByLabel('Jump host password').press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await dialog.getByRole('button', { name: 'Connect once' }).click();

    expect(await resultCode(appPage)).toBe('JUMP_FORWARDING_DENIED');
    const card = appPage.getByTestId('result-card');
    await expect(card).toContainText('AllowTcpForwarding no');
    await expect(card.locator('.action-button[data-action="ask-admin"]')).toBeVisible();
    await expectAccessible(appPage, 'JUMP_FORWARDING_DENIED card');
    await saveScreenshot(appPage, testInfo, 'card-jump-forwarding-denied');
  });
});
