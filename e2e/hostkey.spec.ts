/**
 * The server's identity: a new host key is compared live with the fingerprint the admin sent
 * (ssh-keygen -l of the real host key) and trusted; a changed key is a red warning with both
 * fingerprints, and replacing it needs the admin's fingerprint. Real OpenSSH sshd, own address.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { E2E_USER, SUCCESS_CODE, expect, expectAccessible, isElectron, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, generateKey, harnessTempDir, sshdAvailable, startSshd, type SshdServer } from './harness';

test.describe('host key', () => {
  let sshd: SshdServer | undefined;
  test.beforeAll(async () => {
    if (sshdAvailable().ok) await ensureUser(E2E_USER);
  });
  test.beforeEach(async () => {
    test.skip(!sshdAvailable().ok, sshdAvailable().reason);
    sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
  });
  test.afterEach(async () => {
    await sshd?.stop();
    sshd = undefined;
  });

  test('new key: fingerprints shown, a wrong paste blocks Trust, the right one is trusted and remembered', async ({ appPage, uiHost }, testInfo) => {
    const server = sshd!;
    const hk = server.hostKeys[0]!;
    const stranger = await generateKey('ed25519');

    await typeSession(appPage, { host: server.host, port: server.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.keyboard.press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    // The stepper is live behind the dialog: the identity check waits for the user.
    await expect(appPage.locator('li[data-phase="hostkey"]')).toHaveAttribute('data-status', 'running');
    await expect(appPage.locator('li[data-phase="kex"]')).toHaveAttribute('data-status', 'ok');
    // The fingerprints the dialog shows are ssh-keygen's own.
    await expect(dialog.getByLabel(`SHA256 fingerprint ${hk.sha256}`)).toBeVisible();
    await expect(dialog.getByLabel(`MD5 fingerprint ${hk.md5}`)).toBeVisible();
    await expect(dialog.locator('#hk-paste')).toBeFocused();
    await expectAccessible(appPage, 'host key dialog (new)');

    const paste = dialog.locator('#hk-paste');
    const compare = dialog.getByTestId('hk-compare');
    const trust = dialog.getByRole('button', { name: 'Trust and connect' });
    await paste.fill(stranger.sha256);
    await expect(compare).toHaveAttribute('data-status', 'mismatch');
    await expect(trust).toBeDisabled();
    await expect(dialog.getByRole('button', { name: 'Connect once' })).toBeDisabled();
    await paste.fill(hk.sha256.slice(0, 20));
    await expect(compare).toHaveAttribute('data-status', 'partial');
    // The MD5 form an admin may send (as `ssh-keygen -E md5 -l` prints it) is compared too.
    await paste.fill(hk.md5);
    await expect(compare).toHaveAttribute('data-status', 'match');
    await expect(compare).toContainText('MD5');

    // Cancel: the run ends at the identity check with the new-key diagnosis.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await resultCode(appPage)).toBe('HOSTKEY_UNKNOWN');
    await expect(appPage.getByTestId('result-card')).toContainText(hk.sha256);
    await expectAccessible(appPage, 'HOSTKEY_UNKNOWN card');
    await saveScreenshot(appPage, testInfo, 'card-hostkey-unknown');

    // Connect again: asked again (nothing was saved); the SHA256 pasted matches; trusted.
    await appPage.getByRole('button', { name: 'Connect again' }).click();
    await expect(dialog).toBeVisible();
    await paste.fill(hk.sha256);
    await expect(compare).toHaveAttribute('data-status', 'match');
    await expectAccessible(appPage, 'host key dialog (new, fingerprint matches)');
    await saveScreenshot(appPage, testInfo, 'hostkey-new');
    await trust.click();
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    await expect(appPage.locator('li[data-phase="hostkey"]')).toHaveAttribute('data-status', 'ok');

    // Remembered in the app's own known_hosts (OpenSSH format), so the next attempt does not ask.
    const knownHosts = await fs.readFile(path.join(uiHost.dataDir, 'known_hosts'), 'utf8');
    expect(knownHosts).toContain(`[${server.host}]:${server.port} ${hk.publicKey}`);
    // (A question would hold the run, and the card only returns when a run has ended.)
    await appPage.getByRole('button', { name: 'Connect again' }).click();
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    await expect(dialog).toBeHidden();
  });

  test('new key from the card: "Trust this key" asks for the fingerprint, saves it and the re-check connects', async ({ appPage, uiHost }) => {
    const server = sshd!;
    const hk = server.hostKeys[0]!;
    await typeSession(appPage, { host: server.host, port: server.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.keyboard.press('Enter');
    await appPage.getByTestId('hostkey-new').getByRole('button', { name: 'Cancel' }).click();
    expect(await resultCode(appPage)).toBe('HOSTKEY_UNKNOWN');

    await appPage.getByTestId('result-card').locator('.fix-button[data-fix-id="trust-host-key"]').click();
    const confirm = appPage.getByTestId('fix-confirm');
    await expect(confirm).toBeVisible();
    await expect(confirm.getByTestId('fix-plan')).toContainText(`[${server.host}]:${server.port} ${hk.publicKey}`);
    const fp = confirm.getByLabel(/Fingerprint from your provider/);
    const apply = confirm.getByRole('button', { name: /apply and connect again/ });
    // Nothing is trusted on a click alone: the provider's fingerprint is required and compared.
    await expect(apply).toBeDisabled();
    await fp.fill(hk.md5);
    await expect(confirm).toContainText('It matches the key the server presented');
    await expectAccessible(appPage, 'trust host key confirmation');
    await apply.click();
    await expect(confirm).toBeHidden();
    // The re-check run finds the key known: no question, straight to the end.
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    await expect(appPage.getByTestId('hostkey-new')).toBeHidden();
    await expect(appPage.getByTestId('result-card').locator('.fix-outcome')).toContainText('worked');
    expect(await fs.readFile(path.join(uiHost.dataDir, 'known_hosts'), 'utf8')).toContain(`[${server.host}]:${server.port} ${hk.publicKey}`);
  });

  test('changed key: red card with both fingerprints; replacing it needs the admin’s fingerprint, then connects', async ({ appPage, uiHost }, testInfo) => {
    const server = sshd!;
    const hk = server.hostKeys[0]!;
    // The key recorded before (another key for the same [host]:port): in a known_hosts file of the
    // user's, named in the desktop window; the browser window names no file, so there it is
    // SFTP Doctor's own list.
    const dir = await fs.mkdtemp(path.join(harnessTempDir(), 'e2e-hostkey-'));
    const old = await generateKey('ed25519', dir, 'old_host_key');
    const knownHosts = isElectron(testInfo) ? path.join(dir, 'known_hosts') : path.join(uiHost.dataDir, 'known_hosts');
    const otherLine = `other.example.invalid ${old.publicKey}`;
    await fs.writeFile(knownHosts, `${otherLine}\n[${server.host}]:${server.port} ${old.publicKey}\n`);

    await typeSession(appPage, { host: server.host, port: server.port, user: E2E_USER.name, password: E2E_USER.password });
    await appPage.getByRole('button', { name: /^Advanced/ }).click();
    if (isElectron(testInfo)) await appPage.getByLabel('Known hosts file').fill(knownHosts);
    else await expect(appPage.getByLabel('Known hosts file')).not.toBeEditable();
    await appPage.getByRole('button', { name: /^Advanced/ }).click(); // folded again; the setting stays
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();

    // No question is asked: the run stops with the red warning card.
    expect(await resultCode(appPage)).toBe('HOSTKEY_CHANGED');
    const card = appPage.getByTestId('result-card');
    await expect(card).toHaveClass(/result-fail/);
    await expect(appPage.locator('li[data-phase="hostkey"]')).toHaveAttribute('data-status', 'fail');
    await card.locator('details.evidence > summary').click();
    await expect(card).toContainText(hk.sha256); // what the server shows now
    await expect(card).toContainText(old.sha256); // what was recorded
    await expect(card).toContainText(`${knownHosts}:2`);
    await expectAccessible(appPage, 'HOSTKEY_CHANGED card');
    await saveScreenshot(appPage, testInfo, 'card-hostkey-changed');

    // Replacing is the risky fix: a red dialog that applies nothing without the admin's fingerprint.
    await card.locator('.fix-button[data-fix-id="replace-host-key"]').click();
    const confirm = appPage.getByTestId('fix-confirm');
    await expect(confirm).toBeVisible();
    await expect(confirm).toHaveClass(/dialog-danger/);
    await expect(confirm.getByTestId('fix-plan')).toContainText(knownHosts);
    const apply = confirm.getByRole('button', { name: /apply and connect again/ });
    await expect(apply).toBeDisabled();
    const fp = confirm.getByLabel(/Fingerprint from your provider/);
    await fp.fill(old.sha256);
    await expect(confirm).toContainText('does NOT match');
    await expect(apply).toBeDisabled();
    await fp.fill(hk.sha256);
    await expect(confirm).toContainText('It matches the key the server presented');
    await expectAccessible(appPage, 'replace host key confirmation');
    await saveScreenshot(appPage, testInfo, 'hostkey-changed-replace');
    await apply.click();
    await expect(confirm).toBeHidden();

    // The re-check connects, and the card says the repair worked.
    expect(await resultCode(appPage)).toBe(SUCCESS_CODE);
    await expect(card.locator('.fix-outcome')).toContainText('worked');
    const after = await fs.readFile(knownHosts, 'utf8');
    expect(after).toContain(`[${server.host}]:${server.port} ${hk.publicKey}`);
    expect(after).not.toContain(`[${server.host}]:${server.port} ${old.publicKey}`);
    expect(after).toContain(otherLine); // lines we do not own are kept
  });
});
