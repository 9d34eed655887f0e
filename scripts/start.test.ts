import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

describe('npm start without an Electron runtime', () => {
  it('stops with one clear sentence pointing to the browser host, and a non-zero exit code', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, SFTP_DOCTOR_SKIP_BUILD: '1', SFTP_DOCTOR_NO_ELECTRON_DOWNLOAD: '1', ELECTRON_OVERRIDE_DIST_PATH: path.join(root, 'no-such-electron') },
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/Electron runtime could not be downloaded/);
    expect(run.stderr).toContain('npx sftp-doctor ui');
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });
});
