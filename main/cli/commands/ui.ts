import type { CliCommand } from '../command';

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: 'Open the SFTP Doctor window in your browser (no Electron needed)',
  usage: 'sftp-doctor ui [--open] [--port N]',
  async run() {
    return 0;
  },
};
