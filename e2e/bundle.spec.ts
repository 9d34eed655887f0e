/**
 * The support bundle's report.html, from a real run (a changed host key on a real sshd), opened
 * in Debian's Chromium: it renders, shows the diagnosis, loads nothing and runs nothing.
 * Screenshot: e2e/screenshots/bundle-report.png.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { generateKey, harnessTempDir, sshdAvailable, startSshd } from './harness';
import type { RunEvent } from '../shared/types';
import { diagnose } from '../main/diagnose/index';
import { assembleBundleInput, buildBundle, secretsOfRequest } from '../main/bundle/index';

const screenshotDir = path.join(__dirname, 'screenshots');

test('support bundle report.html renders in Chromium without scripts or network', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'chromium', 'report.html is a static page: one browser is enough');
  const avail = sshdAvailable();
  test.skip(!avail.ok, avail.reason);

  const sshd = await startSshd({ hostKeyTypes: ['ed25519'] });
  try {
    const dir = await fs.mkdtemp(path.join(harnessTempDir(), 'bundle-e2e-'));
    const other = await generateKey('ed25519', dir, 'old_host_key');
    const knownHosts = path.join(dir, 'known_hosts');
    await fs.writeFile(knownHosts, `[${sshd.host}]:${sshd.port} ${other.publicKey}\n`);
    const request = { protocol: 'sftp' as const, host: sshd.host, port: sshd.port, user: 'bundle-e2e', password: 'e2e-Secret-Pass!', useAgent: false, knownHostsPath: knownHosts, timeoutMs: 5000 };
    const events: RunEvent[] = [];
    const result = await diagnose(request, { onEvent: (e) => events.push(e), defaultKnownHostsPath: knownHosts });
    expect(result.diagnosis.code).toBe('HOSTKEY_CHANGED');

    const input = await assembleBundleInput({ rounds: [result], events, secrets: await secretsOfRequest(request), environment: { agentSocket: null } });
    const { files } = await buildBundle(input, { anonymise: false });
    const htmlPath = path.join(dir, 'report.html');
    await fs.writeFile(htmlPath, files.find((f) => f.name === 'report.html')!.text);

    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`file://${htmlPath}`);

    await expect(page.locator('#diagnosis')).toHaveText(result.diagnosis.title);
    await expect(page.getByText('Message for the server\'s administrator')).toBeVisible();
    await expect(page.getByText(result.facts.hostkey!.key.sha256).first()).toBeVisible();
    expect(await page.locator('script').count()).toBe(0);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(errors).toEqual([]);

    await fs.mkdir(screenshotDir, { recursive: true });
    await page.screenshot({ path: path.join(screenshotDir, 'bundle-report.png'), fullPage: true });
  } finally {
    await sshd.stop();
  }
});
