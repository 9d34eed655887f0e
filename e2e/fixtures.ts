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
import { test as base, _electron, expect as baseExpect, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

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
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
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

// ---- Helpers for the app's specs (work on `appPage` in both projects) ----

/** True in the "electron" project (the desktop window): flows that need a browser download differ there. */
export function isElectron(testInfo: TestInfo): boolean {
  return testInfo.project.name === 'electron';
}

/** The window size the README screenshots are taken at (set before a shot, so every run matches). */
export const SHOT_VIEWPORT = { width: 1184, height: 740 };

/**
 * Saves a screenshot of the window as e2e/screenshots/<name>.png (Chromium project only, so each
 * name has one producer). Light theme, fixed size, caret hidden; `fullPage` for tall screens.
 */
export async function saveScreenshot(page: Page, testInfo: TestInfo, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (testInfo.project.name !== 'chromium') return;
  await page.setViewportSize(SHOT_VIEWPORT);
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), caret: 'hide', animations: 'disabled', fullPage: options.fullPage ?? false });
}

export interface A11yFinding {
  scheme: 'light' | 'dark';
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * axe-core on the window as it is now, in the light and the dark theme: returns the serious and
 * critical violations (empty when there are none). Leaves the light theme on.
 */
export async function seriousA11yViolations(page: Page): Promise<A11yFinding[]> {
  const found: A11yFinding[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    for (const v of results.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      found.push({ scheme, id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

/**
 * The Unix user the e2e specs log in as on their sshd (created once, idempotent; needs root).
 * Its own name, so concurrent test runs of teammates never change its password under us.
 */
export const E2E_USER = { name: 'sde2e', password: 'e2e-Pw-7f3Kq!x' } as const;

/**
 * Whether the engine has its login and SFTP phases (engine part 2). Until then a good run ends at
 * OK_TRANSPORT; from then on the same run must end at OK, and the specs demand it.
 */
export const ENGINE_HAS_AUTH = existsSync(path.join(root, 'main', 'diagnose', 'phases', 'auth.ts'));
/** The code a run with the right user and password ends with on a healthy server. */
export const SUCCESS_CODE = ENGINE_HAS_AUTH ? 'OK' : 'OK_TRANSPORT';

/** Types into the session form with the keyboard, from the host field down (Tab between fields). */
export async function typeSession(page: Page, s: { host: string; port?: number | string; user?: string; password?: string }): Promise<void> {
  const host = page.getByLabel('Host name', { exact: true });
  await host.click();
  await host.press('ControlOrMeta+a');
  await page.keyboard.type(s.host);
  await page.keyboard.press('Tab'); // Port number (Tab selects its text)
  if (s.port !== undefined) await page.keyboard.type(String(s.port));
  await page.keyboard.press('Tab'); // User name
  if (s.user !== undefined) await page.keyboard.type(s.user);
  await page.keyboard.press('Tab'); // Password
  if (s.password !== undefined) await page.keyboard.type(s.password);
}

/**
 * Pastes text into the focused field the way a user does: through the clipboard and Ctrl+V
 * (the page's own paste handler sees a real paste event with clipboardData).
 */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('ControlOrMeta+v');
}

/**
 * Drops a file on the window as the OS does: dragenter, dragover and drop events carrying a
 * DataTransfer with the file (its bytes given here), dispatched at the element under `target`.
 */
export async function dropFile(page: Page, file: { name: string; content: string | Buffer }, target = 'body'): Promise<void> {
  const base64 = Buffer.from(file.content).toString('base64');
  const dataTransfer = await page.evaluateHandle(
    ({ name, base64 }) => {
      const bin = atob(base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
      return dt;
    },
    { name: file.name, base64 },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent(target, type, { dataTransfer });
  await dataTransfer.dispose();
}

/** The result card once the run ended, and its diagnosis code. */
export async function resultCode(page: Page): Promise<string> {
  const card = page.getByTestId('result-card');
  await baseExpect(card).toBeVisible();
  return (await card.getAttribute('data-code')) ?? '';
}

/** axe on the window as it is, light and dark, with WCAG 2.2's target-size rule as well (serious and critical findings). */
export async function expectAxeClean(page: Page, screen: string): Promise<void> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
    for (const v of results.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') found.push(`${scheme}: ${v.id} (${v.help}) at ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  baseExpect(found, `axe on "${screen}"`).toEqual([]);
}

/** Asserts axe finds no serious or critical violation on this screen, light and dark. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  baseExpect(await seriousA11yViolations(page), `axe: serious/critical violations on "${screen}"`).toEqual([]);
}

