import { defineConfig } from '@playwright/test';

/**
 * End-to-end: the real renderer, served by `sftp-doctor ui` and wired to the real engine, driven
 * in Debian's Chromium. The "electron" project runs the same specs in the desktop app where an
 * Electron binary exists (skipped with a reason elsewhere).
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  },
};

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright.json' }]],
  use: {
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', use: chromium },
    // The app's own specs use the `appPage` fixture, which opens the Electron window here; the
    // browser settings serve specs that look at plain pages (e.g. the bundle's report.html).
    { name: 'electron', use: chromium },
  ],
});
