/**
 * The services a command calls: the window's own (main/services/local.ts), loaded when a command
 * runs, not when the CLI starts (they bring the engine), so `--version` and `--help` stay light.
 */
import type { LocalRepairs, LocalServices, LocalServicesOptions } from '../services/local';
import type { CliIO } from './command';

export type { LocalRepairs, LocalServices };

export async function servicesFor(io: CliIO, more: Omit<LocalServicesOptions, 'env'> = {}): Promise<LocalServices> {
  const { localServices } = await import('../services/local');
  return localServices({ env: io.env, ...more });
}
