import os from 'node:os';
import path from 'node:path';

/**
 * Where the app keeps its own files (saved sites, its known_hosts, settings).
 * SFTP_DOCTOR_HOME overrides it (tests, portable use). The desktop app and the CLI both use it,
 * so they share saved sites and trusted host keys.
 */
export function defaultDataDir(): string {
  const override = process.env.SFTP_DOCTOR_HOME;
  if (override) return path.resolve(override);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'SFTP Doctor');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'SFTP Doctor');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'sftp-doctor');
  }
}

export function appKnownHostsPath(dataDir: string): string {
  return path.join(dataDir, 'known_hosts');
}
