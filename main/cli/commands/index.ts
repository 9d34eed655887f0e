import type { CliCommand } from '../command';

/**
 * A subcommand known by its name; its code, and the packages it needs (ssh2, zod, ...), is
 * loaded only when it runs, so `sftp-doctor --version` or `keys inspect` do not pay for the
 * whole program at start-up.
 */
export interface CommandEntry {
  name: string;
  load: () => Promise<CliCommand>;
}

/** Every `sftp-doctor` subcommand, in the order `--help` lists them. */
export const commands: CommandEntry[] = [
  { name: 'diagnose', load: async () => (await import('./diagnose')).diagnoseCommand },
  { name: 'check', load: async () => (await import('./check')).checkCommand },
  { name: 'repair', load: async () => (await import('./repair')).repairCommand },
  { name: 'keys', load: async () => (await import('./keys')).keysCommand },
  { name: 'sites', load: async () => (await import('./sites')).sitesCommand },
  { name: 'ui', load: async () => (await import('./ui')).uiCommand },
];
