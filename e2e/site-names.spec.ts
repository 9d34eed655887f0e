/**
 * A saved site whose name holds control characters (an ESC, a BEL: typed by another tool, or
 * imported) is shown with them made visible everywhere in the window, and keeps its stored bytes
 * through list -> edit -> save and a rename: the made-visible text never replaces the name.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, startUiHostProcess, stopUiHostProcess, test as base, type UiHostProcess } from './fixtures';

const NAME = 'Bell\x07 \x1b[31mred';
const FOLDER = 'Ops\x07';
const SHOWN_NAME = 'Bell\\x07 \\x1b[31mred';
const SHOWN_FOLDER = 'Ops\\x07';

const test = base.extend<object, { uiHost: UiHostProcess }>({
  uiHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const host = await startUiHostProcess();
      const now = new Date().toISOString();
      const site = { id: 's-ctl', name: NAME, folder: FOLDER, settings: { protocol: 'sftp', host: 'ctl.example.invalid', user: 'anna' }, createdAt: now, updatedAt: now };
      await writeFile(path.join(host.dataDir, 'sites.json'), JSON.stringify({ schemaVersion: 1, sites: [site] }));
      await use(host);
      await stopUiHostProcess(host);
    },
    { scope: 'worker' },
  ],
});

async function stored(dataDir: string): Promise<{ name: string; folder: string }> {
  const doc = JSON.parse(await readFile(path.join(dataDir, 'sites.json'), 'utf8')) as { sites: { name: string; folder: string }[] };
  return { name: doc.sites[0]!.name, folder: doc.sites[0]!.folder };
}

test('a site name with ESC and BEL shows them made visible and keeps its bytes through edit, save and rename', async ({ appPage, uiHost }) => {
  const tree = appPage.getByRole('tree');
  const folder = tree.getByRole('treeitem', { name: SHOWN_FOLDER });
  await expect(folder).toBeVisible();
  const item = tree.getByRole('treeitem', { name: SHOWN_NAME });
  await expect(item).toHaveText(SHOWN_NAME);
  await item.click();

  // Edit -> Save, leaving the name and folder as shown.
  await appPage.getByRole('button', { name: 'Save…' }).click();
  const dialog = appPage.getByTestId('save-site-dialog');
  await expect(dialog.getByLabel('Site name')).toHaveValue(SHOWN_NAME);
  await expect(dialog.getByLabel('Folder')).toHaveValue(SHOWN_FOLDER);
  await dialog.getByLabel('Site name').press('Enter');
  await expect(dialog).toBeHidden();
  await expect(appPage.getByText(`Saved "${SHOWN_NAME}".`)).toBeVisible();
  expect(await stored(uiHost.dataDir)).toEqual({ name: NAME, folder: FOLDER });

  // A rename that only moves the site to another folder keeps the name's bytes.
  await tree.getByRole('treeitem', { name: SHOWN_NAME }).click();
  await appPage.getByRole('button', { name: 'Rename' }).click();
  const rename = appPage.getByLabel(`New name for ${SHOWN_NAME} (use Folder/Name to move it)`);
  await expect(rename).toHaveValue(`${SHOWN_FOLDER}/${SHOWN_NAME}`);
  await rename.fill(`Moved/${SHOWN_NAME}`);
  await rename.press('Enter');
  await expect(appPage.getByText(`Renamed to "${SHOWN_NAME}".`)).toBeVisible();
  expect(await stored(uiHost.dataDir)).toEqual({ name: NAME, folder: 'Moved' });
  await expect(tree.getByRole('treeitem', { name: SHOWN_NAME })).toBeVisible();
});
