import { expect, isElectron, test } from './fixtures';

test('the browser host takes its token from the #fragment, hides it from the address bar and keeps working after a reload', async ({ appPage }, testInfo) => {
  test.skip(isElectron(testInfo), 'The desktop window has no token.');
  await expect(appPage.getByTestId('app-version')).not.toBeEmpty();
  expect(appPage.url()).not.toContain('token');
  const cookies = await appPage.context().cookies();
  expect(cookies).toEqual([]);
  await appPage.reload();
  await expect(appPage.getByTestId('app-version')).not.toBeEmpty();
  // A page on the same host without the key (a new tab typed by hand) gets the "no access key" banner.
  const other = await appPage.context().newPage();
  await other.goto(new URL('/', appPage.url()).href);
  await expect(other.getByRole('alert')).toContainText('access key');
  await other.close();
});
