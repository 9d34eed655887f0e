// `npm start`: builds, then launches the Electron app. Where the Electron binary cannot be had
// (it is downloaded from GitHub on first use; offline and locked-down machines cannot), say so in
// one sentence and point to the browser host instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

if (!process.env.SFTP_DOCTOR_SKIP_BUILD) {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

/** The Electron executable if it is installed, without triggering a download. */
function installedElectron() {
  let dir;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  try {
    const rel = readFileSync(path.join(dir, 'path.txt'), 'utf8');
    const base = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist');
    const full = path.join(base, rel);
    return existsSync(full) ? full : undefined;
  } catch {
    return undefined;
  }
}

let electronPath = installedElectron();
if (!electronPath && !process.env.SFTP_DOCTOR_NO_ELECTRON_DOWNLOAD) {
  // First use: fetch the runtime quietly (its installer prints a stack trace when offline).
  try {
    const installer = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
    console.log('Downloading the Electron runtime (first start only)...');
    spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 300_000, cwd: root });
  } catch {
    // no electron package at all: handled below
  }
  electronPath = installedElectron();
}
if (typeof electronPath !== 'string') {
  console.error(
    'SFTP Doctor cannot start its desktop window here because the Electron runtime could not be downloaded (it comes from GitHub on first use); run "npx sftp-doctor ui" to use the same app in your browser instead.',
  );
  process.exit(1);
}
const child = spawn(electronPath, [root], { stdio: 'inherit', cwd: root });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
