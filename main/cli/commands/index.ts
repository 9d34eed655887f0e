import type { CliCommand } from '../command';
import { uiCommand } from './ui';
import { keysCommand } from './keys';
import { sitesCommand } from './sites';
import { diagnoseCommand } from './diagnose';
import { repairCommand } from './repair';

/** Every `sftp-doctor` subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [diagnoseCommand, repairCommand, keysCommand, sitesCommand, uiCommand];
