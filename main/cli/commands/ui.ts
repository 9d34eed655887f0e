import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';

const usage = `Usage: sftp-doctor ui [--open] [--port N]

Serves the SFTP Doctor window on this computer only (127.0.0.1) and prints its address, which
carries an access token after the # (browsers never send that part to a server). Open it in a
browser. Use it where the desktop app cannot run,
or on a remote machine through an SSH port forward (ssh -L PORT:127.0.0.1:PORT host).

Options:
  --open      Open the window in your default browser (through a one-time link, so the
              token never shows in the browser's command line)
  --port N    Listen on port N instead of a free one
  -h, --help  Show this help

Stop it with Ctrl+C.`;

/** Where the built renderer is, next to the bundled CLI (dist/cli.cjs -> dist/renderer). */
export function rendererDir(): string {
  return process.env.SFTP_DOCTOR_RENDERER_DIR ?? path.join(__dirname, 'renderer');
}

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: 'Open the SFTP Doctor window in your browser (no Electron needed)',
  usage,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { open: { type: 'boolean' }, port: { type: 'string' } }, allowPositionals: false });
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port needs a number from 1 to 65535, not "${values.port}".`);
    const staticDir = rendererDir();
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      io.stderr.write(`The user interface is not built (no ${path.join(staticDir, 'index.html')}). Run "npm run build" in the project folder, then try again.\n`);
      return 1;
    }
    // The services (and the engine) and the web server are loaded only now, not for --help.
    const [{ browserServices }, { startUiHost }] = await Promise.all([import('../../services/local'), import('../../uihost/server')]);
    const services = await browserServices(process.env);
    const host = await startUiHost({ services, staticDir, port });
    io.stdout.write(`SFTP Doctor is running at:\n\n    ${host.url}\n\nOpen that address in your browser (it contains the access token). Press Ctrl+C to stop.\n`);
    // The browser's arguments are visible to every user in `ps`: hand it a link that works once.
    if (values.open) openInBrowser(host.oneTimeUrl(), io.stderr);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void host.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};

function openInBrowser(url: string, stderr: NodeJS.WritableStream): void {
  const [cmd, args] =
    process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => stderr.write('Could not open a browser here; copy the address above into one.\n'));
  child.unref();
}
