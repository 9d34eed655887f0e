import type { CliCommand } from '../command';
import { uiCommand } from './ui';
import { keysCommand } from './keys';
import { sitesCommand } from './sites';
import { diagnoseCommand } from './diagnose';
import { repairCommand } from './repair';
import { checkCommand } from './check';

/** Every `sftp-doctor` subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [diagnoseCommand, checkCommand, repairCommand, keysCommand, sitesCommand, uiCommand];
