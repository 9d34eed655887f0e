/**
 * The other screens a user meets, each reached through a real server, checked with axe (light
 * and dark) and photographed: a run in progress (and cancelled), an FTP server on the SFTP port,
 * an old server that needs legacy algorithms (whose one fix connects), a missing SFTP server program
 * (SCP instead), a wrong password.
 */
import { E2E_USER, ENGINE_HAS_AUTH, SUCCESS_CODE, expect, expectAccessible, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, sshdAvailable, startFakeServer, startSshd } from './harness';

test('a run in progress: live stepper with elapsed time against the budget, then Cancel', async ({ appPage }, testInfo) => {
  // Accepts and never says a word: the greeting step waits for its budget.
  const silent = await startFakeServer('silent');
  try {
    await typeSession(appPage, { host: silent.host, port: silent.port, user: 'someone' });
    await appPage.keyboard.press('Enter');
    const banner = appPage.locator('li[data-phase="banner"]');
    await expect(banner).toHaveAttribute('data-status', 'running');
    await expect(banner).toHaveAttribute('aria-current', 'step');
    await expect(appPage.locator('li[data-phase="tcp"]')).toHaveAttribute('data-status', 'ok');
    await expect(appPage.getByRole('button', { name: 'Connecting…' })).toBeDisabled();
    // After a second the step shows its time against the budget.
    await expect(banner.locator('.step-progress')).toBeVisible();
    await expect(banner.locator('.step-time')).toContainText(/ of /);
    await expectAccessible(appPage, 'run in progress');
    await saveScreenshot(appPage, testInfo, 'running');

    await appPage.getByTestId('stepper').locator('..').getByRole('button', { name: 'Cancel' }).click();
    expect(await resultCode(appPage)).toBe('CANCELLED');
    await expect(appPage.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
    await expectAccessible(appPage, 'CANCELLED card');
  } finally {
    await silent.stop();
  }
});

test('an FTP server on the port: PROTOCOL_FTP says so and does not send the password', async ({ appPage }, testInfo) => {
  const ftp = await startFakeServer('ftp');
  try {
    await typeSession(appPage, { host: ftp.host, port: ftp.port, user: 'someone', password: 'ftp-e2e-secret' });
    await appPage.keyboard.press('Enter');
    expect(await resultCode(appPage)).toBe('PROTOCOL_FTP');
    await expect(appPage.locator('li[data-phase="banner"]')).toHaveAttribute('data-status', 'fail');
    await expect(appPage.locator('li[data-phase="auth"]')).not.toHaveAttribute('data-status', 'ok');
    const card = appPage.getByTestId('result-card');
    await card.locator('details.evidence > summary').click();
    await expect(card).toContainText('220 ProFTPD');
    await expectAccessible(appPage, 'PROTOCOL_FTP card');
    await saveScreenshot(appPage, testInfo, 'card-protocol-ftp');
  } finally {
    await ftp.stop();
  }
});

test('an old server (diffie-hellman-group1-sha1 and CBC ciphers only): the mismatch side by side, and one legacy fix connects', async ({ appPage }, testInfo) => {
  test.skip(!sshdAvailable().ok, sshdAvailable().reason);
  await ensureUser(E2E_USER);
  // Weak in two categories: one fix, applied once, must allow both (the least weak cipher only).
  const legacy = await startSshd({ hostKeyTypes: ['ed25519'], config: { KexAlgorithms: 'diffie-hellman-group1-sha1', Ciphers: '3des-cbc,aes128-cbc' } });
  try {
    await typeSession(appPage, { host: legacy.host, port: legacy.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.keyboard.press('Enter');
    expect(await resultCode(appPage)).toBe('KEX_NO_COMMON_ALGORITHM');
    await expect(appPage.locator('li[data-phase="kex"]')).toHaveAttribute('data-status', 'fail');
    const card = appPage.getByTestId('result-card');
    // The evidence opens by itself: both lists, the server's only method highlighted.
    await expect(card.locator('details.evidence')).toHaveAttribute('open', '');
    await expect(card.locator('details.evidence')).toContainText('diffie-hellman-group1-sha1');
    await expect(card.locator('details.evidence')).toContainText('curve25519-sha256');
    await expectAccessible(appPage, 'KEX_NO_COMMON_ALGORITHM card');
    await saveScreenshot(appPage, testInfo, 'card-kex-mismatch');

    await card.locator('.fix-button[data-fix-id="allow-legacy-algorithms"]').click();
    const confirm = appPage.getByTestId('fix-confirm');
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText('diffie-hellman-group1-sha1 (key exchange), aes128-cbc (encryption)');
    // Each with its risk, before anything is applied; 3des-cbc is not needed, so not offered.
    await expect(confirm.locator('.plan-notes')).toContainText('aes128-cbc: CBC mode');
    await expect(confirm).not.toContainText('3des-cbc');
    await expectAccessible(appPage, 'legacy algorithm confirmation');
    await confirm.getByRole('button', { name: /apply and connect again|Allow for this attempt/ }).click();

    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    await dialog.locator('#hk-paste').fill(legacy.hostKeys[0]!.sha256);
    await dialog.getByRole('button', { name: 'Connect once' }).click();
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    // Weak but allowed: the encryption step is a warning, not a plain pass.
    await expect(appPage.locator('li[data-phase="kex"]')).toHaveAttribute('data-status', 'warn');
    await expect(card.locator('.fix-outcome')).toContainText('worked');
  } finally {
    await legacy.stop();
  }
});

test('the SFTP server program is missing (exit status 127): the card offers SCP, and applying it connects over SCP', async ({ appPage }) => {
  test.skip(!sshdAvailable().ok, sshdAvailable().reason);
  test.skip(!ENGINE_HAS_AUTH, 'needs the engine login phase (main/diagnose/phases/auth.ts)');
  await ensureUser(E2E_USER);
  const server = await startSshd({ hostKeyTypes: ['ed25519'], config: { Subsystem: 'sftp /nonexistent/sftp-server' } });
  try {
    await typeSession(appPage, { host: server.host, port: server.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.keyboard.press('Enter');
    const hostKey = appPage.getByTestId('hostkey-new');
    await expect(hostKey).toBeVisible();
    await hostKey.locator('#hk-paste').fill(server.hostKeys[0]!.sha256);
    await hostKey.getByRole('button', { name: 'Trust and connect' }).click();
    expect(await resultCode(appPage)).toBe('SESSION_CLOSED_AFTER_AUTH');
    const card = appPage.getByTestId('result-card');
    await expect(card.locator('details.evidence')).toContainText('127');

    await card.locator('.fix-button[data-fix-id="use-scp"]').click();
    const confirm = appPage.getByTestId('fix-confirm');
    await expect(confirm).toContainText('SCP');
    await confirm.getByRole('button', { name: /apply and connect again/ }).click();
    // Connected over SCP: a success whose note says uploads were not checked.
    expect(await resultCode(appPage)).toBe('OK_READ_ONLY');
    await expect(card.locator('.fix-outcome')).toContainText('worked');
  } finally {
    await server.stop();
  }
});

test('a wrong password: AUTH_PASSWORD_REJECTED after the identity check, then the right one works', async ({ appPage }, testInfo) => {
  test.skip(!sshdAvailable().ok, sshdAvailable().reason);
  test.skip(!ENGINE_HAS_AUTH, 'needs the engine login phase (main/diagnose/phases/auth.ts)');
  await ensureUser(E2E_USER);
  const sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
  try {
    await typeSession(appPage, { host: sshd.host, port: sshd.port, user: E2E_USER.name, password: 'not-the-password' });
    await appPage.keyboard.press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await dialog.locator('#hk-paste').fill(sshd.hostKeys[0]!.sha256);
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();
    expect(await resultCode(appPage)).toBe('AUTH_PASSWORD_REJECTED');
    await expect(appPage.locator('li[data-phase="auth"]')).toHaveAttribute('data-status', 'fail');
    await expectAccessible(appPage, 'AUTH_PASSWORD_REJECTED card (dark and light)');

    const password = appPage.getByLabel('Password', { exact: true });
    await password.fill(E2E_USER.password);
    await password.press('Enter');
    expect(await resultCode(appPage)).toBe('OK');
    await expect(appPage.locator('li[data-phase="sftp"]')).toHaveAttribute('data-status', 'ok');
    await saveScreenshot(appPage, testInfo, 'card-ok');
  } finally {
    await sshd.stop();
  }
});
