/**
 * The write test and the hold in the window, against a real sshd: a root-owned chroot refuses the
 * upload (SFTP_WRITE_DENIED), the window applies "Use the folder /upload" and the re-check writes
 * there; "Measure speed" then adds the speed step. Behind a proxy that resets idle connections,
 * "Stay connected" shows live in the stepper, SESSION_DROPPED_IDLE offers the keepalive, and the
 * window's re-check with it holds as long and passes.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect, expectAccessible, resultCode, saveScreenshot, test, typeSession } from './fixtures';
import { ensureUser, sshdAvailable, startIdleProxy, startSshd, type IdleProxy, type SshdServer } from './harness';

const USER = { name: 'sd14e2e', password: 'e2e-Write-14-q9' } as const;

test.describe('write test and hold in the window', () => {
  let server: SshdServer | undefined;
  let proxy: IdleProxy | undefined;
  let jail = '';
  test.beforeAll(async () => {
    if (!sshdAvailable().ok) return;
    const { home } = await ensureUser(USER);
    jail = await fs.mkdtemp('/srv/sftp-doctor-e2e-jail-');
    await fs.chmod(jail, 0o755);
    await fs.mkdir(path.join(jail, 'upload'));
    const st = await fs.stat(home);
    await fs.chown(path.join(jail, 'upload'), st.uid, st.gid);
  });
  test.afterAll(async () => {
    if (jail) await fs.rm(jail, { recursive: true, force: true });
  });
  test.afterEach(async () => {
    await Promise.all([server?.stop(), proxy?.stop()]);
    server = undefined;
    proxy = undefined;
  });

  test('SFTP_WRITE_DENIED in a chroot: "Use the folder /upload" re-checks to OK; Measure speed adds its step', async ({ appPage }, testInfo) => {
    test.setTimeout(150_000);
    test.skip(!sshdAvailable().ok, sshdAvailable().reason);
    server = await startSshd({ hostKeyTypes: ['ed25519'], extraConfig: `Match User ${USER.name}\n  ChrootDirectory ${jail}\n  ForceCommand internal-sftp\n` });
    await typeSession(appPage, { host: server.host, port: server.port, user: USER.name, password: USER.password });
    await appPage.keyboard.press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await dialog.locator('#hk-paste').fill(server.hostKeys[0]!.sha256);
    await dialog.getByRole('button', { name: 'Trust and connect' }).click();

    expect(await resultCode(appPage)).toBe('SFTP_WRITE_DENIED');
    await expect(appPage.locator('li[data-phase="write"]')).toHaveAttribute('data-status', 'fail');
    await expect(appPage.locator('li[data-phase="write"]')).toContainText('Write a test file');
    const card = appPage.getByTestId('result-card');
    await card.locator('details.evidence summary').click();
    await expect(card).toContainText('Read-only by design');
    await expectAccessible(appPage, 'SFTP_WRITE_DENIED card');
    await saveScreenshot(appPage, testInfo, 'card-write-denied');

    // A safe change to the form: the window applies it itself and checks again (no confirmation).
    const useFolder = card.locator('.fix-button[data-fix-id="use-remote-folder"]');
    await expect(useFolder).toContainText('/upload');
    await useFolder.click();
    expect(await resultCode(appPage)).toBe('OK');
    await expect(appPage.locator('li[data-phase="write"]')).toHaveAttribute('data-status', 'ok');
    await expect(card).toContainText('Everything works');

    await card.getByRole('button', { name: 'Measure speed' }).click();
    // 8 MiB each way (outside the time budget): slow on a loaded machine, so wait for the step itself.
    await expect(appPage.locator('li[data-phase="speed"]')).toHaveAttribute('data-status', /ok|warn/, { timeout: 90_000 });
    expect(await resultCode(appPage)).toBe('OK');
    await expect(appPage.locator('li[data-phase="speed"]')).toContainText(/Up [\d.]+ MB\/s, down [\d.]+ MB\/s/);
    expect((await fs.readdir(path.join(jail, 'upload'))).filter((n) => n.startsWith('sftp-doctor-'))).toEqual([]);
  });

  test('Stay connected behind a router that resets idle connections: SESSION_DROPPED_IDLE, the keepalive fix holds and passes', async ({ appPage }, testInfo) => {
    test.skip(!sshdAvailable().ok, sshdAvailable().reason);
    server = await startSshd({ hostKeyTypes: ['ed25519'] });
    proxy = await startIdleProxy({ target: server, idleMs: 1500, style: 'reset', maxLifetimeMs: 30_000 });
    await typeSession(appPage, { host: proxy.host, port: proxy.port, user: USER.name, password: USER.password });
    await appPage.getByRole('button', { name: /^Advanced/ }).click();
    await appPage.getByLabel('Stay connected for (seconds)').fill('3');
    await appPage.keyboard.press('Enter');
    const dialog = appPage.getByTestId('hostkey-new');
    await dialog.locator('#hk-paste').fill(server.hostKeys[0]!.sha256);
    await dialog.getByRole('button', { name: 'Connect once' }).click();

    const hold = appPage.locator('li[data-phase="hold"]');
    await expect(hold).toHaveAttribute('data-status', 'running');
    await expect(hold).toContainText('Stay connected');
    await expect(hold).toContainText(/Idle for \d of 3 s/);
    expect(await resultCode(appPage)).toBe('SESSION_DROPPED_IDLE');
    await expect(hold).toHaveAttribute('data-status', 'fail');
    const card = appPage.getByTestId('result-card');
    await expectAccessible(appPage, 'SESSION_DROPPED_IDLE card');
    await saveScreenshot(appPage, testInfo, 'card-dropped-idle');

    // A safe change to the form: the window applies it itself and checks again (no confirmation).
    const keepalive = card.locator('.fix-button[data-fix-id="keepalive"]');
    await expect(keepalive.locator('xpath=ancestor::li[1]')).toContainText('every 1 s');
    await keepalive.click();
    const again = appPage.getByTestId('hostkey-new');
    await again.locator('#hk-paste').fill(server.hostKeys[0]!.sha256);
    await again.getByRole('button', { name: 'Connect once' }).click();
    expect(await resultCode(appPage)).toBe('OK');
    await expect(hold).toHaveAttribute('data-status', 'ok');
    await expect(card).toContainText('with a keepalive every 1 s');
    await expect(appPage.getByLabel('Seconds between keepalives')).toHaveValue('1');
  });
});
