/**
 * Importing sites from other tools, in the real window over the real `sftp-doctor ui`: the host
 * runs with HOME pointing at a home folder of its own holding an OpenSSH config and a FileZilla
 * site manager file, written here in each tool's format.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, screenshotDir, startUiHostProcess, stopUiHostProcess, test as base } from './fixtures';

const SSH_CONFIG = `# Hand-made for SFTP Doctor's import test
Host web
    HostName web.example.invalid
    User anna
    Port 2222

Host backup
    HostName backup.example.invalid
    User bob

Host inner
    HostName inner.example.invalid
    User carol
    ProxyJump bastion.example.invalid

Host broken
    HostName broken.example.invalid
    Port twenty-two

Host *
    ServerAliveInterval 30
`;

const server = (name: string, host: string, user: string, pass?: string) => `
      <Server>
        <Host>${host}</Host>
        <Port>22</Port>
        <Protocol>1</Protocol>
        <User>${user}</User>${pass ? `\n        <Pass encoding="base64">${Buffer.from(pass).toString('base64')}</Pass>\n        <Logontype>1</Logontype>` : '\n        <Logontype>2</Logontype>'}
        <Name>${name}</Name>
      </Server>`;

const SITEMANAGER = `<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<FileZilla3 version="3.66.4" platform="*nix">
  <Servers>${server('Shop', 'shop.example.invalid', 'shopadmin', 'not-a-real-password')}
    <Folder expanded="1">Clients${server('Alpha', 'alpha.example.invalid', 'deploy')}${server('Beta', 'beta.example.invalid', 'deploy')}${server('Gamma', 'gamma.example.invalid', 'deploy')}${server('Delta', 'delta.example.invalid', 'deploy')}
    </Folder>
  </Servers>
</FileZilla3>
`;

// The same window fixture, with the host's HOME in a folder of this spec's own.
const test = base.extend<object, { importHome: string }>({
  importHome: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const home = await mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-import-home-'));
      await mkdir(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
      await writeFile(path.join(home, '.ssh', 'config'), SSH_CONFIG, { mode: 0o600 });
      await mkdir(path.join(home, '.config', 'filezilla'), { recursive: true });
      await writeFile(path.join(home, '.config', 'filezilla', 'sitemanager.xml'), SITEMANAGER);
      await mkdir(path.join(home, 'exports'));
      // The export also holds an FTP site: a valid file, so it is "skipped: FTP", not a reading problem.
      const ftp = server('Old FTP', 'ftp.example.invalid', 'ftpuser').replace('<Protocol>1</Protocol>', '<Protocol>0</Protocol>');
      await writeFile(path.join(home, 'exports', 'from work.xml'), SITEMANAGER.replace(/<Folder[\s\S]*<\/Folder>/, ftp));
      await use(home);
      await rm(home, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  uiHost: [
    async ({ importHome }, use) => {
      const host = await startUiHostProcess({ HOME: importHome, XDG_CONFIG_HOME: path.join(importHome, '.config'), APPDATA: '' });
      await use(host);
      await stopUiHostProcess(host);
    },
    { scope: 'worker' },
  ],
});

async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    if (results.passes.length === 0) found.push(`${scheme}: axe checked nothing in ${selector}`);
    for (const v of results.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${scheme}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

test.describe.configure({ mode: 'serial' });

test('first start: the empty site list offers what it found, and "Not now" is remembered', async ({ appPage }) => {
  const offer = appPage.getByTestId('import-offer');
  await expect(offer).toContainText('Found 5 sites in FileZilla and 4 in OpenSSH. Import them?');
  expect(await seriousViolations(appPage, '[data-testid="import-offer"]'), 'axe on the first-start notice').toEqual([]);
  await offer.getByRole('button', { name: 'Not now' }).click();
  await expect(offer).toBeHidden();
  await appPage.reload();
  await expect(appPage.getByText('No saved sites yet.')).toBeVisible();
  await expect(appPage.getByTestId('import-offer')).toBeHidden();
  // Only a flag is kept in the window's storage.
  const stored = await appPage.evaluate(() => Object.entries(localStorage));
  expect(stored).toEqual([['sftp-doctor.import-offer-dismissed', '1']]);

  // Asked again (storage cleared): accepting opens the preview of the tool with the most sites.
  await appPage.evaluate(() => localStorage.clear());
  await appPage.reload();
  await appPage.getByTestId('import-offer').getByRole('button', { name: 'Review and import…' }).click();
  const dialog = appPage.getByTestId('import-dialog');
  await expect(dialog.locator('#import-summary')).toContainText('5 sites found in');
  await expect(dialog.locator('#import-summary')).toBeFocused();
  await appPage.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(appPage.getByTestId('import-offer')).toBeHidden();
  await expect(appPage.getByRole('button', { name: 'Import sites…' })).toBeFocused();
});

test('import two OpenSSH hosts with the keyboard: preview, notes, problems, then they are in the site list', async ({ appPage, importHome }, testInfo) => {
  await expect(appPage.getByTestId('import-offer')).toBeVisible();
  const open = appPage.getByRole('button', { name: 'Import sites…' });
  await open.focus();
  await appPage.keyboard.press('Enter');
  const dialog = appPage.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('heading', { name: 'Import sites' })).toBeVisible();
  // The source is chosen first (OpenSSH), with where each tool keeps its sites.
  await expect(dialog.getByRole('radio', { name: 'OpenSSH' })).toBeFocused();
  await expect(dialog.getByRole('radio', { name: 'FileZilla' })).toHaveAccessibleDescription(/sitemanager\.xml/);
  // The browser window takes a file chosen here (its bytes), or reads the tool's usual place.
  await expect(dialog.getByLabel('OpenSSH file (optional)')).toHaveAttribute('type', 'file');
  await expect(dialog.getByLabel('OpenSSH file (optional)')).toHaveAccessibleDescription(/leave this empty to read OpenSSH’s usual place/);
  expect(await seriousViolations(appPage, '[data-testid="import-dialog"]'), 'axe on the source step').toEqual([]);

  await dialog.getByRole('button', { name: 'Show sites' }).focus();
  await appPage.keyboard.press('Enter');
  const summary = dialog.locator('#import-summary');
  await expect(summary).toHaveText(`4 sites found in ${path.join(importHome, '.ssh', 'config')}. Tick the ones to import.`);
  await expect(summary).toBeFocused();

  const web = dialog.getByRole('checkbox', { name: 'web', exact: true });
  const backup = dialog.getByRole('checkbox', { name: 'backup', exact: true });
  const inner = dialog.getByRole('checkbox', { name: 'inner', exact: true });
  const broken = dialog.getByRole('checkbox', { name: 'broken', exact: true });
  for (const box of [web, backup, inner, broken]) await expect(box).toBeChecked();
  await expect(web).toHaveAccessibleDescription(/anna@web\.example\.invalid:2222/);
  await expect(inner).toHaveAccessibleDescription(/jump host/i);
  // The broken Port is reported with its file and line, and does not stop the others.
  const problems = dialog.getByRole('region', { name: /could not be read/ });
  await expect(problems).toContainText(`${path.join(importHome, '.ssh', 'config')}, line 18`);
  await expect(problems).toContainText('twenty-two');
  // OpenSSH keeps no passwords: no password choice.
  await expect(dialog.getByLabel(/Also import saved passwords/)).toHaveCount(0);

  await inner.focus();
  await appPage.keyboard.press('Space');
  await expect(inner).not.toBeChecked();
  await appPage.keyboard.press('Tab');
  await expect(broken).toBeFocused();
  await appPage.keyboard.press('Space');
  await expect(broken).not.toBeChecked();
  await expect(dialog.getByText('2 of 4 selected')).toBeVisible();
  expect(await seriousViolations(appPage, '[data-testid="import-dialog"]'), 'axe on the preview').toEqual([]);
  if (testInfo.project.name === 'chromium') {
    await appPage.setViewportSize({ width: 1280, height: 800 });
    await appPage.screenshot({ path: path.join(screenshotDir, 'import-dialog.png'), caret: 'hide', animations: 'disabled' });
  }

  await dialog.getByRole('button', { name: 'Import 2 sites' }).click();
  await expect(dialog).toBeHidden();
  const tree = appPage.getByRole('tree', { name: 'Saved sites' });
  await expect(tree.getByRole('treeitem')).toHaveText(['backup', 'web']);
  await expect(appPage.getByText('Imported 2 sites from OpenSSH.')).toBeVisible();
  // Sites are saved now: the first-start offer is gone.
  await expect(appPage.getByTestId('import-offer')).toBeHidden();
  // Focus is back where it was, and the site opens in the form.
  await expect(open).toBeFocused();
  await tree.getByRole('treeitem', { name: 'web' }).click();
  await expect(appPage.getByLabel('Host name', { exact: true })).toHaveValue('web.example.invalid');
  await expect(appPage.getByLabel('Port number')).toHaveValue('2222');

  // Again: what is saved now is unticked and says under which name.
  await open.click();
  await dialog.getByRole('button', { name: 'Show sites' }).click();
  await expect(web).not.toBeChecked();
  await expect(web).toHaveAccessibleDescription(/already saved as “web”/);
  await expect(inner).toBeChecked();
  await expect(dialog.getByRole('button', { name: 'Import 2 sites' })).toBeEnabled();

  // FileZilla: folders, and its scrambled password cannot be kept by the browser window.
  await dialog.getByRole('button', { name: 'Back' }).click();
  await expect(dialog.getByRole('radio', { name: 'OpenSSH' })).toBeFocused();
  await appPage.keyboard.press('ArrowDown'); // PuTTY
  await appPage.keyboard.press('ArrowDown'); // WinSCP
  await appPage.keyboard.press('ArrowDown'); // FileZilla
  await expect(dialog.getByRole('radio', { name: 'FileZilla' })).toBeChecked();
  await dialog.getByRole('button', { name: 'Show sites' }).click();
  await expect(dialog.getByRole('group', { name: 'Folder: Clients' }).getByRole('checkbox')).toHaveCount(4);
  const passwords = dialog.getByLabel(/Also import saved passwords/);
  await expect(passwords).toBeDisabled();
  await expect(passwords).toHaveAccessibleDescription(/browser window cannot store passwords.*FileZilla only scrambles saved passwords/);

  // A file the user chooses in the window instead of the usual place: the browser sends its bytes
  // (the browser host reads no typed path).
  await dialog.getByRole('button', { name: 'Back' }).click();
  const fileField = dialog.getByLabel('FileZilla file (optional)');
  await expect(fileField).toHaveAttribute('type', 'file');
  await fileField.setInputFiles({ name: 'notes.xml', mimeType: 'text/xml', buffer: Buffer.from('<not-filezilla/>') });
  await dialog.getByRole('button', { name: 'Show sites' }).click();
  await expect(dialog.locator('#import-summary')).toHaveText('No sites were found in FileZilla’s settings.');
  await expect(dialog.getByRole('button', { name: /^Import/ })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Back' }).click();
  await fileField.setInputFiles(path.join(importHome, 'exports', 'from work.xml'));
  await expect(dialog.getByText('Chosen: from work.xml.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Show sites' }).click();
  await expect(dialog.locator('#import-summary')).toHaveText('1 site found in from work.xml. Tick the ones to import.');
  await expect(dialog.getByRole('region', { name: 'One site is not SFTP and was skipped' })).toContainText('Old FTP: skipped: FTP');
  await expect(dialog.getByRole('region', { name: /could not be read/ })).toHaveCount(0);

  await appPage.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(tree.getByRole('treeitem')).toHaveCount(2);
});

test('the preview lists each host key that will be trusted, only for its exact server; a key cached for "*" is refused', async ({ appPage, importHome }) => {
  // A WinSCP.ini whose cache holds the same key for one server and for "*" (every server).
  const point = '0x561013d2277df1f5f67c62aa0922be126b312cf5e6b6050f21d04ebadaa7388d,0x3e0e1f2686216c697cab5e7eeafc6fb06c407006dcc489868c618156b7e7ff66';
  const pub = 'AAAAC3NzaC1lZDI1NTE5AAAAIGb/57dWgWGMhonE3AZwQGywb/zqfl6rfGlsIYYmHw6+';
  const sha256 = `SHA256:${createHash('sha256').update(Buffer.from(pub, 'base64')).digest('base64').replace(/=+$/, '')}`;
  const ini = path.join(importHome, 'exports', 'WinSCP.ini');
  await writeFile(
    ini,
    [
      '[Sessions\\Exact]',
      'HostName=keys.example.invalid',
      'PortNumber=2222',
      'UserName=anna',
      '',
      '[Sessions\\Everything]',
      'HostName=*',
      'PortNumber=2222',
      'UserName=anna',
      '',
      '[SshHostKeys]',
      `ssh-ed25519@2222:keys.example.invalid=${point}`,
      `ssh-ed25519@2222:*=${point}`,
      '',
    ].join('\r\n'),
  );
  await appPage.getByRole('button', { name: 'Import sites…' }).click();
  const dialog = appPage.getByTestId('import-dialog');
  await dialog.getByRole('radio', { name: 'WinSCP' }).check();
  await dialog.getByLabel('WinSCP file (optional)').setInputFiles(ini);
  await expect(dialog.getByText('Chosen: WinSCP.ini.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Show sites' }).click();
  await expect(dialog.locator('#import-summary')).toContainText('2 sites found in');

  const keys = dialog.getByTestId('import-hostkeys');
  await expect(keys.getByRole('list', { name: 'Server keys that will be trusted' }).getByRole('listitem')).toHaveText([`[keys.example.invalid]:2222 ssh-ed25519 ${sha256}`]);
  await expect(dialog.getByRole('region', { name: /could not be read/ })).toContainText('"*" is a pattern');
  expect(await seriousViolations(appPage, '[data-testid="import-dialog"]'), 'axe on the host key list').toEqual([]);

  // Without the exact server, nothing is trusted: not even through the "*" site.
  await dialog.getByRole('checkbox', { name: 'Exact', exact: true }).uncheck();
  await expect(keys).toContainText('none of the chosen servers’: none will be added');
  await expect(keys.getByRole('listitem')).toHaveCount(0);
  await appPage.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
