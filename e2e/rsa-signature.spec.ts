/**
 * An RSA key refused as ssh2 signs it by default (rsa-sha2-256) by a server whose
 * PubkeyAcceptedAlgorithms takes only rsa-sha2-512: the card names the cause, "Sign with
 * rsa-sha2-512" changes the site's setting in the form (Advanced > RSA key signature), and the
 * stepper runs again to a working login. Real server: OpenSSH sshd on a loopback address of its own.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, resultCode, test, typeSession } from './fixtures';
import { generateKey, setupAccount, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from './harness';

const USER = 'sde2ersasig';

test.describe('a key that works with one signature algorithm and not another', () => {
  let sshd: SshdServer | undefined;
  let key: GeneratedKey;
  let dir = '';
  test.beforeAll(async () => {
    if (!sshdAvailable().ok) return;
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-rsasig-'));
    key = await generateKey('rsa', dir, 'id_rsa_sig');
    await setupAccount({ name: USER, password: 'unused-Rsasig-1', authorizedKeys: [key.publicKey] });
    sshd = await startSshd({ hostKeyTypes: ['ed25519'], config: { PubkeyAcceptedAlgorithms: 'rsa-sha2-512' } });
  });
  test.afterAll(async () => {
    await sshd?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('the card offers "Sign with rsa-sha2-512"; the fix sets it in Advanced and the re-check logs in', async ({ appPage }) => {
    test.skip(!sshd, sshdAvailable().reason);
    const server = sshd!;
    await typeSession(appPage, { host: server.host, port: server.port, user: USER });
    await appPage.getByLabel('Choose a private key file').setInputFiles(key.path);
    await expect(appPage.getByLabel('Private key file', { exact: true })).toHaveValue(/^id_rsa_sig \(loaded/);
    await appPage.getByRole('button', { name: 'Connect', exact: true }).click();
    const dialog = appPage.getByTestId('hostkey-new');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Connect once' }).click();

    expect(await resultCode(appPage)).toBe('AUTH_KEY_SIGNATURE_ALGORITHM');
    const card = appPage.getByTestId('result-card');
    await expect(card.getByRole('heading', { level: 3 })).toContainText('only when it signs with rsa-sha2-512');
    await expect(card).toContainText('signed once more with rsa-sha2-512: accepted');
    const fix = card.locator('.fix-button[data-fix-id="use-rsa-signature"]');
    await expect(fix).toContainText('Sign with rsa-sha2-512');

    await fix.click();
    // A one-time trust does not last: the re-check asks about the server key again.
    const again = appPage.getByTestId('hostkey-new');
    await expect(again).toBeVisible();
    await again.getByRole('button', { name: 'Connect once' }).click();
    expect(await resultCode(appPage)).toMatch(/^OK/);
    await expect(card.locator('.fix-outcome')).toContainText('“Sign with rsa-sha2-512” worked');
    await appPage.getByRole('button', { name: 'Advanced' }).click();
    await expect(appPage.getByLabel('RSA key signature')).toHaveValue('rsa-sha2-512');
  });
});
