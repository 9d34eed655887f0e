/**
 * The Electron entry: one hardened window, the renderer served from the app's own files through
 * the app:// protocol, IPC wired to the shared services. Everything else lives in the services.
 */
import { app, BrowserWindow, dialog, net, protocol, safeStorage, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerIpc } from './ipc';
import { createAppServices } from './services/app-services';
import { defaultDataDir } from './store/paths';
import { safeStorageVault } from './store/safe-storage-vault';
import { contentSecurityPolicy, resolveStatic } from './uihost/static-files';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://renderer`;
const rendererDir = path.join(__dirname, '..', 'renderer');
const CSP = contentSecurityPolicy();

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

const isTrustedUrl = (url: string): boolean => url === `${ORIGIN}/` || url.startsWith(`${ORIGIN}/`);

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    title: 'SFTP Doctor',
    show: false,
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows; the app has none to open.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${ORIGIN}/index.html`);
  return win;
}

app.on('web-contents-created', (_event, contents) => {
  // No navigation anywhere, no new windows, no webviews: the app is one page.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(() => {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // Nothing remote is ever loaded: refuse any request that is not ours.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) => callback({ cancel: true }));

  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'renderer' ? await resolveStatic(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  const services = createAppServices({
    host: 'electron',
    // The same folder the CLI uses, so sites and trusted host keys are shared with `sftp-doctor`.
    dataDir: defaultDataDir(),
    vault: safeStorageVault(safeStorage),
    chooseSavePath: async (suggestedName) => {
      const target = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const options = { title: 'Save support bundle', defaultPath: path.join(app.getPath('downloads'), suggestedName), filters: [{ name: 'Zip archive', extensions: ['zip'] }] };
      const choice = target ? await dialog.showSaveDialog(target, options) : await dialog.showSaveDialog(options);
      return choice.canceled || !choice.filePath ? null : choice.filePath;
    },
    versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '' },
  });
  registerIpc(services, isTrustedUrl);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}, (err: unknown) => {
  console.error(`SFTP Doctor could not start: ${err instanceof Error ? err.message : String(err)}`);
  app.exit(1);
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
