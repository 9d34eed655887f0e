import os from 'node:os';
import path from 'node:path';

/**
 * Where the app keeps its own files (saved sites, its known_hosts, settings).
 * SFTP_DOCTOR_HOME overrides it (tests, portable use). The desktop app and the CLI both use it,
 * so they share saved sites and trusted host keys.
 */
/** The environment variable that moves the app's data folder (the one place its name is written). */
export const DATA_DIR_ENV = 'SFTP_DOCTOR_HOME';
/** The app's own known_hosts file, in the data folder. */
export const KNOWN_HOSTS_FILE = 'known_hosts';

export function defaultDataDir(): string {
  return dataDirFrom(process.env);
}

/** The data folder for a given environment (the CLI's own, in tests), else the platform's. */
export function dataDirFrom(env: Record<string, string | undefined>): string {
  const override = env[DATA_DIR_ENV] || process.env[DATA_DIR_ENV];
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
  return path.join(dataDir, KNOWN_HOSTS_FILE);
}
