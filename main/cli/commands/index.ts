import type { CliCommand } from '../command';
import { uiCommand } from './ui';
import { keysCommand } from './keys';
import { sitesCommand } from './sites';
import { diagnoseCommand } from './diagnose';

/** Every `sftp-doctor` subcommand, in the order `--help` lists them. */
export const commands: CliCommand[] = [diagnoseCommand, keysCommand, sitesCommand, uiCommand];
