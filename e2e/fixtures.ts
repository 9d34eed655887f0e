/**
 * The `appPage` fixture: the SFTP Doctor window, whichever way it runs.
 * - project "chromium": `sftp-doctor ui` (the real CLI and services) in a child process, its page
 *   opened in Debian's Chromium;
 * - project "electron": the desktop app through Playwright's _electron, where a binary exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test as base, _electron, type Page } from '@playwright/test';

const root = path.resolve(__dirname, '..');
const requireHere = createRequire(__filename);

export const screenshotDir = path.join(root, 'e2e', 'screenshots');

export interface UiHostProcess {
  url: string;
  dataDir: string;
  process: ChildProcess;
}

/** Path of the installed Electron binary, or null (it is downloaded on first use, not at install). */
export function electronBinary(): string | null {
  try {
    const dir = path.dirname(requireHere.resolve('electron/package.json'));
    const full = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), readFileSync(path.join(dir, 'path.txt'), 'utf8'));
    return existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

/** Starts `sftp-doctor ui` exactly as a user would (the built CLI) and waits for its URL. */
export async function startUiHostProcess(env: NodeJS.ProcessEnv = {}): Promise<UiHostProcess> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sftp-doctor-e2e-'));
  const child = spawn(process.execPath, [path.join(root, 'main', 'cli', 'sftp-doctor.cjs'), 'ui'], {
    env: { ...process.env, SFTP_DOCTOR_HOME: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sftp-doctor ui printed no URL within 15 s:\n${out}`)), 15_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sftp-doctor ui exited (${code}) before printing its URL:\n${out}`));
    });
  });
  return { url, dataDir, process: child };
}

export async function stopUiHostProcess(host: UiHostProcess): Promise<void> {
  if (host.process.exitCode === null) {
    const exited = new Promise((resolve) => host.process.once('exit', resolve));
    host.process.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (host.process.exitCode === null) host.process.kill('SIGKILL');
  }
  await rm(host.dataDir, { recursive: true, force: true });
}

export const test = base.extend<{ appPage: Page }, { uiHost: UiHostProcess }>({
  uiHost: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const host = await startUiHostProcess();
      await use(host);
      await stopUiHostProcess(host);
    },
    { scope: 'worker' },
  ],
  appPage: async ({ playwright, uiHost }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const binary = electronBinary();
      testInfo.skip(!binary, 'No Electron binary on this machine (it is downloaded from GitHub on first use, which this network forbids); the same spec runs in Chromium.');
      const app = await _electron.launch({ executablePath: binary!, args: [root], env: { ...process.env, SFTP_DOCTOR_HOME: uiHost.dataDir } });
      const win = await app.firstWindow();
      await use(win);
      await app.close();
      return;
    }
    const project = testInfo.project.use;
    const browser = await playwright.chromium.launch(project.launchOptions);
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(uiHost.url);
    await use(page);
    await context.close();
    await browser.close();
  },
});

export { expect } from '@playwright/test';
