/**
 * A key file that logs in here but that OpenSSH would refuse (Windows line ends, readable by
 * others): the OK card says so as a warning, and its fix, applied in the window, rewrites the file
 * in place (the original kept as a .bak), connects again, and the card is OK without the warning.
 * Oracle: ssh-keygen -y refuses the file before and reads it after. A real sshd.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, expectAxeClean, startUiHostProcess, stopUiHostProcess, test as base, type UiHostProcess } from './fixtures';
import { SSH_KEYGEN_PATH, generateKey, setupAccount, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from './harness';

const run = promisify(execFile);
const USER = 'sd4keyport';

interface Setup {
  dir: string;
  sshd: SshdServer;
  key: GeneratedKey;
  /** The key with CRLF line ends, mode 644. */
  file: string;
  original: Buffer;
}

const test = base.extend<object, { setup: Setup; uiHost: UiHostProcess }>({
  setup: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-keyport-'));
      const [sshd, key] = await Promise.all([startSshd({ hostKeyTypes: ['ed25519'] }), generateKey('ed25519', dir, 'id_base')]);
      await setupAccount({ name: USER, password: 'unused-Keyport-1', authorizedKeys: [key.publicKey] });
      const file = path.join(dir, 'id_from_windows');
      const original = Buffer.from((await fs.readFile(key.path, 'latin1')).replace(/\n/g, '\r\n'), 'latin1');
      await fs.writeFile(file, original, { mode: 0o644 });
      await fs.chmod(file, 0o644);
      await use({ dir, sshd, key, file, original });
      await sshd.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  uiHost: [
    async ({ setup }, use) => {
      const host = await startUiHostProcess();
      const { sshd, file } = setup;
      await fs.writeFile(path.join(host.dataDir, 'known_hosts'), `[${sshd.host}]:${sshd.port} ${sshd.hostKeys[0]!.publicKey}\n`);
      // A saved site names the key by its path (the browser window reads a key by path only from a saved site).
      const now = new Date().toISOString();
      const site = { id: 's-keyport', name: 'Windows key', folder: '', settings: { protocol: 'sftp', timeoutMs: 6000, host: sshd.host, port: sshd.port, user: USER, privateKey: { path: file }, useAgent: false }, createdAt: now, updatedAt: now };
      await fs.writeFile(path.join(host.dataDir, 'sites.json'), JSON.stringify({ schemaVersion: 1, sites: [site] }));
      await use(host);
      await stopUiHostProcess(host);
    },
    { scope: 'worker' },
  ],
});

test.skip(!sshdAvailable().ok, sshdAvailable().reason);

const opensshReads = (file: string) =>
  run(SSH_KEYGEN_PATH, ['-y', '-P', '', '-f', file]).then(
    (r) => r.stdout.trim().split(' ').slice(0, 2).join(' '),
    () => null,
  );

test('a key OpenSSH would refuse: the OK card warns, the fix rewrites it in the window, the re-check is OK without the warning', async ({ appPage, setup }) => {
  expect(await opensshReads(setup.file)).toBeNull();
  await appPage.getByRole('treeitem', { name: 'Windows key' }).dblclick();
  const card = appPage.getByTestId('result-card');
  await expect(card).toHaveAttribute('data-code', 'OK');
  const warnings = card.getByTestId('result-warnings');
  await expect(warnings.locator('[data-warning-code]')).toHaveCount(2);
  await expect(warnings.locator('[data-warning-code="KEY_TEXT_DAMAGED"]')).toContainText('OpenSSH will refuse this key file as it is');
  await expect(warnings.locator('[data-warning-code="KEY_FILE_TOO_OPEN"]')).toContainText('mode 644');
  await expectAxeClean(appPage, 'OK card with a key warning');

  await card.locator('.fix-button[data-fix-id="rewrite-key-file"]').click();
  const dialog = appPage.getByTestId('fix-confirm');
  await expect(dialog.getByTestId('fix-plan')).toContainText('mode 644 becomes 600');
  await expect(dialog.getByTestId('fix-plan')).toContainText('.bak');
  await dialog.getByRole('button', { name: 'I agree: apply and connect again' }).click();

  await expect(card.locator('.fix-outcome')).toContainText('worked');
  await expect(card).toHaveAttribute('data-code', 'OK');
  await expect(card.getByTestId('result-warnings')).toHaveCount(0);
  expect(await opensshReads(setup.file)).toBe(setup.key.publicKey);
  expect(await fs.readFile(`${setup.file}.bak`)).toEqual(setup.original);
  expect(((await fs.stat(setup.file)).mode & 0o777).toString(8)).toBe('600');
});
