/**
 * The window a help desk lives in all day (issue 17), against real servers: saved sites connect on
 * double-click and Enter and ask for a missing password; "Check all" and "Check folder" fill one
 * table live and export it; the answer comes to the user at 1280x800 and 800x600; dialogs keep
 * their buttons; one "Export support bundle". axe (with target-size) in light and dark on every
 * screen visited.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { E2E_USER, expect, expectAxeClean, saveScreenshot, startUiHostProcess, stopUiHostProcess, test as base, type UiHostProcess } from './fixtures';
import { closedEndpoint, createNetworkTrap, ensureUser, freeLoopbackAddress, generateKey, networkTrapAvailable, setupAccount, sshdAvailable, startSshd, type SshdServer } from './harness';

const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

interface Servers {
  sshd: SshdServer;
  keyPath: string;
  refused: { host: string; port: number };
  dir: string;
}

function site(id: string, name: string, folder: string, settings: Record<string, unknown>) {
  const now = new Date().toISOString();
  return { id, name, folder, settings: { protocol: 'sftp', timeoutMs: 5000, ...settings }, createdAt: now, updatedAt: now };
}

const test = base.extend<object, { servers: Servers; uiHost: UiHostProcess }>({
  servers: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-window-'));
      const [sshd, key, refused] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), generateKey('ed25519', dir, 'id_window'), closedEndpoint(), ensureUser(E2E_USER)]);
      await setupAccount({ name: 'sd4window', password: 'unused-Window-1', authorizedKeys: [key.publicKey] });
      await use({ sshd, keyPath: key.path, refused, dir });
      await sshd.stop();
      await rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  uiHost: [
    async ({ servers }, use) => {
      const host = await startUiHostProcess();
      const { sshd, keyPath, refused } = servers;
      await writeFile(path.join(host.dataDir, 'known_hosts'), `[${sshd.host}]:${sshd.port} ${sshd.hostKeys[0]!.publicKey}\n`);
      await writeFile(
        path.join(host.dataDir, 'sites.json'),
        JSON.stringify({
          schemaVersion: 1,
          sites: [
            site('s-good', 'Web server', 'Clients', { host: sshd.host, port: sshd.port, user: 'sd4window', privateKey: { path: keyPath }, useAgent: false }),
            site('s-refused', 'Old backup', 'Clients', { host: refused.host, port: refused.port, user: 'sd4window', privateKey: { path: keyPath } }),
            site('s-password', 'Staff files', '', { host: sshd.host, port: sshd.port, user: E2E_USER.name, useAgent: false }),
          ],
        }),
      );
      await use(host);
      await stopUiHostProcess(host);
    },
    { scope: 'worker' },
  ],
});

/** The element is entirely inside the window (not cut off, not below the fold). */
async function expectInViewport(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize()!;
  expect(box, selector).not.toBeNull();
  expect(box!.y, `${selector} top`).toBeGreaterThanOrEqual(-1);
  expect(box!.y + Math.min(box!.height, 40), `${selector} top part visible`).toBeLessThanOrEqual(vp.height);
}

test.describe.configure({ mode: 'serial' });
test.skip(!sshdAvailable().ok, sshdAvailable().reason);

for (const size of SIZES) {
  test(`${size.width}x${size.height}: first start focuses Host name; Enter on a site connects and the result card takes the focus`, async ({ appPage }) => {
    await appPage.setViewportSize(size);
    await appPage.reload();
    await expect(appPage.getByLabel('Host name', { exact: true })).toBeFocused();
    // One "Export support bundle", and only once there is something to export.
    await expect(appPage.getByRole('button', { name: 'Export support bundle' })).toHaveCount(0);
    await expectAxeClean(appPage, `first start ${size.width}x${size.height}`);

    const good = appPage.getByRole('treeitem', { name: 'Web server' });
    await good.click();
    await good.press('Enter');
    const card = appPage.getByTestId('result-card');
    await expect(card).toHaveAttribute('data-code', 'OK');
    await expect(card).toBeFocused();
    await expectInViewport(appPage, '[data-testid="result-card"]');
    await expect(appPage.getByRole('button', { name: 'Export support bundle' })).toHaveCount(1);
    await expect(appPage.getByRole('button', { name: 'Export support bundle' })).toBeEnabled();
    await expectAxeClean(appPage, `OK card ${size.width}x${size.height}`);

    // Double-click connects too (F2 renames): the refused site.
    await appPage.getByRole('treeitem', { name: 'Old backup' }).dblclick();
    await expect(card).toHaveAttribute('data-code', 'TCP_REFUSED');
    await expect(card).toBeFocused();
    await expectInViewport(appPage, '[data-testid="result-card"]');
  });
}

test('F2 renames; a site without a saved password asks for it at Connect', async ({ appPage }) => {
  await appPage.setViewportSize(SIZES[1]);
  await appPage.reload();
  const staff = appPage.getByRole('treeitem', { name: 'Staff files' });
  await staff.click();
  await staff.press('F2');
  const rename = appPage.getByRole('textbox', { name: /New name for Staff files/ });
  await expect(rename).toBeFocused();
  await rename.press('Escape');
  await expect(rename).toBeHidden();

  await staff.dblclick();
  const ask = appPage.getByTestId('connect-password');
  await expect(ask).toBeVisible();
  await expect(ask.getByLabel('Password', { exact: true })).toBeFocused();
  // The browser window has no keychain: "remember" is offered but off, and says why.
  await expect(ask.getByLabel('Remember the password')).toBeDisabled();
  await expect(ask.locator('#ask-remember-help')).toHaveText(/^Passwords are not saved in the browser window: it has no access to your system keychain\./);
  await expectAxeClean(appPage, 'password asked at Connect');
  await ask.getByLabel('Password', { exact: true }).fill(E2E_USER.password);
  await ask.getByLabel('Password', { exact: true }).press('Enter');
  const card = appPage.getByTestId('result-card');
  await expect(card).toHaveAttribute('data-code', 'OK');
  await expect(card).toBeFocused();
});

test('Check all fills one table live, a row opens its full result, Check folder and CSV/JSON export', async ({ appPage, servers }, testInfo) => {
  await appPage.setViewportSize(SIZES[0]);
  await appPage.reload();
  await appPage.getByTestId('check-all').click();
  const dialog = appPage.getByTestId('check-dialog');
  await expect(dialog).toBeVisible();
  const table = dialog.getByTestId('check-table');
  await expect(dialog.getByTestId('check-summary')).toHaveText('Checked 3 of 3 sites: 1 work, 2 failed.');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tr[data-site="Clients/Web server"]')).toHaveAttribute('data-code', 'OK');
  await expect(table.locator('tr[data-site="Clients/Old backup"]')).toHaveAttribute('data-code', 'TCP_REFUSED');
  // No password saved and none asked during a check: the row says what was missing.
  await expect(table.locator('tr[data-site="Staff files"]')).toHaveAttribute('data-code', 'AUTH_NO_CREDENTIALS');
  await expectAxeClean(appPage, 'check all table');
  await saveScreenshot(appPage, testInfo, 'check-all');

  // Exports: the same rows as CSV and JSON.
  const [csv] = await Promise.all([appPage.waitForEvent('download'), dialog.getByRole('button', { name: 'Export CSV' }).click()]);
  const csvText = await readFile((await csv.path())!, 'utf8');
  expect(csvText.split('\r\n')[0]).toBe('site,target,result,code,phase,ms,first_fix,first_fix_id');
  expect(csvText).toContain(`Clients/Old backup,sd4window@${servers.refused.host}:${servers.refused.port},failed,TCP_REFUSED,tcp,`);
  const [json] = await Promise.all([appPage.waitForEvent('download'), dialog.getByRole('button', { name: 'Export JSON' }).click()]);
  const doc = JSON.parse(await readFile((await json.path())!, 'utf8')) as { sites: number; failed: number };
  expect(doc).toMatchObject({ sites: 3, failed: 2 });

  // A row opens that site's full result in the window.
  await dialog.getByRole('button', { name: 'Clients/Old backup: open the full result' }).click();
  await expect(dialog).toBeHidden();
  const card = appPage.getByTestId('result-card');
  await expect(card).toHaveAttribute('data-code', 'TCP_REFUSED');
  await expect(appPage.locator('li[data-phase="tcp"]')).toHaveAttribute('data-status', 'fail');
  await expect(appPage.getByLabel('Host name', { exact: true })).toHaveValue(servers.refused.host);
  await expect(appPage.getByRole('button', { name: 'Export support bundle' })).toBeEnabled();

  // Check folder: only the sites in "Clients".
  await appPage.getByTestId('check-folder').click();
  await expect(dialog.getByRole('heading', { name: 'Check the folder “Clients”' })).toBeVisible();
  await expect(dialog.getByTestId('check-summary')).toHaveText('Checked 2 of 2 sites: 1 work, 1 failed.');
  await appPage.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('800x600: a tall dialog keeps its title and buttons in view while its body scrolls', async ({ appPage }) => {
  await appPage.setViewportSize(SIZES[1]);
  await appPage.reload();
  await appPage.getByRole('treeitem', { name: 'Old backup' }).dblclick();
  await expect(appPage.getByTestId('result-card')).toHaveAttribute('data-code', 'TCP_REFUSED');
  await appPage.getByRole('button', { name: 'Export support bundle' }).click();
  const dialog = appPage.getByTestId('bundle-dialog');
  await expect(dialog.locator('.bundle-files')).toBeVisible();
  // Open every file preview: far taller than the window.
  for (const d of await dialog.locator('.bundle-files details').all()) await d.locator('summary').click();
  const body = dialog.locator('.dialog-body');
  expect(await body.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await body.evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
  await expectInViewport(appPage, '[data-testid="bundle-dialog"] .dialog-title');
  await expect(dialog.locator('#bundle-export')).toBeInViewport();
  await expectAxeClean(appPage, 'support bundle dialog at 800x600');
  await appPage.keyboard.press('Escape');
});

test('Advanced, in WinSCP words with 24 px targets: connection timeout and remote directory reach the server', async ({ appPage }) => {
  await appPage.setViewportSize(SIZES[1]);
  await appPage.reload();
  await appPage.getByRole('treeitem', { name: 'Web server' }).click();
  await appPage.getByRole('button', { name: /^Advanced/ }).click();
  const panel = appPage.locator('#advanced-panel');
  for (const legend of ['Connection', 'Directories', 'Authentication', 'Preferred algorithms: weak ones this site may use', 'Host keys']) await expect(panel.getByRole('group', { name: legend, exact: true })).toBeVisible();
  await expect(panel.getByLabel('Attempt authentication using an SSH agent (Pageant, ssh-agent)')).not.toBeChecked();
  for (const box of await panel.locator('input[type="checkbox"]').all()) {
    const b = (await box.boundingBox())!;
    expect(Math.min(b.width, b.height)).toBeGreaterThanOrEqual(24);
  }
  await expectAxeClean(appPage, 'Advanced panel at 800x600');

  const timeout = panel.getByLabel('Connection timeout (seconds)');
  await timeout.fill('500');
  await expect(panel.locator('#f-timeout-help')).toContainText('from 1 to 120');
  await timeout.fill('8');
  await panel.getByLabel('Remote directory').fill('/srv/no-such-folder-e2e');
  await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
  const card = appPage.getByTestId('result-card');
  await expect(card).toBeFocused();
  expect(await card.getAttribute('data-code')).not.toBe('OK');
  await expect(appPage.locator('li[data-phase="sftp"]')).toHaveAttribute('data-status', 'fail');
  await expect(card).toContainText('/srv/no-such-folder-e2e');
});

test('a timeout keeps its progress through the port scan; the red marker sits on what is wrong, not on good news', async ({ appPage }) => {
  test.skip(!networkTrapAvailable().ok, networkTrapAvailable().reason);
  await appPage.setViewportSize(SIZES[1]);
  await appPage.reload();
  const trap = await createNetworkTrap();
  const host = freeLoopbackAddress();
  const s2222 = await startSshd({ host, port: 2222, hostKeyTypes: ['ed25519'] });
  try {
    // Every SYN dropped: the network step times out, then the engine probes other ports.
    await appPage.getByRole('button', { name: 'New Site' }).click();
    await appPage.getByLabel('Host name', { exact: true }).fill(trap.dropHost);
    await appPage.getByLabel('User name', { exact: true }).fill('someone');
    await appPage.getByRole('button', { name: /^Advanced/ }).click();
    await appPage.getByLabel('Connection timeout (seconds)').fill('5');
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
    // The connect attempt has used its share; now the usual SSH ports are tried. The step's time
    // against its budget and the run's own clock stay in view until the run ends.
    const tcp = appPage.locator('li[data-phase="tcp"]');
    await expect(tcp.locator('.step-detail')).toContainText('checking the usual SSH ports', { timeout: 10_000 });
    // Read at once, not polled: the step's clock did not restart when the scan began.
    expect(await tcp.locator('.step-time').textContent()).toMatch(/\d(\.\d)? s of /);
    await expect(tcp).toHaveAttribute('data-status', 'running');
    await expect(tcp.locator('.step-progress')).toBeVisible();
    await expect(tcp.locator('.step-time')).toContainText(/ of /);
    await expect(appPage.getByTestId('run-clock')).toContainText('of 5.0 s');
    await expect(appPage.getByTestId('run-clock').locator('progress')).toBeVisible();
    const card = appPage.getByTestId('result-card');
    await expect(card).toHaveAttribute('data-code', 'TCP_TIMEOUT', { timeout: 15_000 });

    // A refused port with an SSH server on 2222 of the same host: the marker is on the refusal.
    await appPage.getByLabel('Host name', { exact: true }).fill(host);
    await appPage.getByLabel('Port number').fill('40022');
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(card).toHaveAttribute('data-code', 'TCP_REFUSED');
    await card.locator('details.evidence > summary').click();
    const marked = card.locator('.evidence-highlight');
    await expect(marked).toHaveCount(1);
    await expect(marked).toContainText('Connection attempts');
    await expect(marked).toContainText('(the part that is wrong)');
    const goodNews = card.locator('.evidence-item', { hasText: 'SSH server on port 2222' });
    await expect(goodNews).toBeVisible();
    await expect(goodNews).not.toHaveClass(/evidence-highlight/);
    await expect(goodNews).not.toContainText('the part that is wrong');
    await expectAxeClean(appPage, 'TCP_REFUSED evidence at 800x600');
  } finally {
    await Promise.all([trap.stop(), s2222.stop()]);
  }
});

test('the log reads like an admin tool: levels, clock times, a filter, copy and save', async ({ appPage }) => {
  await appPage.setViewportSize(SIZES[0]);
  await appPage.reload();
  await appPage.getByRole('treeitem', { name: 'Web server' }).dblclick();
  await expect(appPage.getByTestId('result-card')).toHaveAttribute('data-code', 'OK');
  await appPage.locator('details.log-view > summary').click();
  const log = appPage.getByTestId('log');
  // Normal: what the engine did, with clock times; no raw ssh2 lines.
  await expect(log.locator('.log-line').first()).toContainText(/^\d\d:\d\d:\d\d\.\d{3} engine /);
  await expect(log.locator('.log-ssh')).toHaveCount(0);
  await appPage.getByLabel('Logging level').selectOption('debug');
  expect(await log.locator('.log-ssh').count()).toBeGreaterThan(0);
  await expectAxeClean(appPage, 'log at the Debug level');
  await appPage.getByLabel('Show only lines with').fill('SHA256');
  const shown = await log.locator('.log-line').allTextContents();
  expect(shown.length).toBeGreaterThan(0);
  for (const line of shown) expect(line.toLowerCase()).toContain('sha256');
  const [file] = await Promise.all([appPage.waitForEvent('download'), appPage.getByRole('button', { name: 'Save log…' }).click()]);
  const saved = await readFile((await file.path())!, 'utf8');
  expect(saved.trimEnd().split('\n').filter((l) => /^\d\d:\d\d/.test(l))).toHaveLength(shown.length);
});
