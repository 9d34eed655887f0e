import path from 'node:path';
import { readFileSync } from 'node:fs';
import { expect, screenshotDir, test } from './fixtures';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

test('the window shows the version it got from the main process', async ({ appPage }, testInfo) => {
  const version = appPage.getByTestId('app-version');
  // The version is not in the page's files: it arrives over the API from main (app:info).
  await expect(version).toHaveText(pkg.version);
  await expect(appPage).toHaveTitle(/SFTP Doctor/);
  await appPage.screenshot({ path: path.join(screenshotDir, `first-screen-${testInfo.project.name}.png`) });
});
