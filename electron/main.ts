/**
 * The Electron shell: one window, locked down (context isolation, sandbox, no
 * Node in the renderer, strict CSP, no navigation, no new windows, no
 * permissions), the engine behind ipcMain handlers. The only engine file that
 * imports `electron` besides the preload.
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { EVENT_CHANNEL, invokeChannel } from './api/contract';
import { createEngine } from './engine/lifeboat-engine';
import { securityHeaders } from './security/content-security-policy';
import { loadStaticFile } from './serve/static-files';
import { configureVddkWorkerLauncher } from './vddk/vddk-worker-process';
import { runVddkWorker } from './vddk/vddk-worker';

/**
 * RunAsNode is fused off, so the VDDK worker process is this same executable
 * started with this flag: it then serves VDDK requests and never opens a window.
 */
const VDDK_WORKER_FLAG = '--lifeboat-vddk-worker';

const APP_ORIGIN = 'app://lifeboat';
const RENDERER_DIR = join(__dirname, '..', 'renderer');
/** External pages the UI may open in the user's browser (documentation only). */
const EXTERNAL_ALLOWLIST = ['https://techdocs.broadcom.com/', 'https://knowledge.broadcom.com/', 'https://developer.broadcom.com/'];

/** The desktop app proper: one locked-down window over the engine. */
function startApp(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  lockDownWebContents();
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  void app.whenReady().then(createWindow);
}

let mainWindow: BrowserWindow | null = null;

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frameUrl = event.senderFrame?.url ?? '';
  return mainWindow !== null && event.sender === mainWindow.webContents && frameUrl.startsWith(`${APP_ORIGIN}/`);
}

function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (e, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (EXTERNAL_ALLOWLIST.some((prefix) => url.startsWith(prefix))) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

async function createWindow(): Promise<void> {
  const engine = createEngine({ frontDoor: 'electron' });

  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'lifeboat' ? await loadStaticFile(RENDERER_DIR, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(new Uint8Array(file.body), { headers: { 'Content-Type': file.contentType, ...securityHeaders() } });
  });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  for (const name of engine.dispatcher.invokeNames) {
    ipcMain.handle(invokeChannel(name), (event, params: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { message: 'request from an untrusted frame refused', code: 'untrusted-sender' } };
      }
      return engine.dispatcher.call(name, params);
    });
  }

  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Lifeboat',
    backgroundColor: '#0f172a',
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const unsubscribe = engine.events.subscribe((name, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, name, payload);
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    unsubscribe();
    mainWindow = null;
  });
  await mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}

const workerFlagAt = process.argv.indexOf(VDDK_WORKER_FLAG);
if (workerFlagAt >= 0) {
  app.dock?.hide();
  runVddkWorker(process.argv[workerFlagAt + 1]);
} else {
  configureVddkWorkerLauncher({
    executable: process.execPath,
    // Packaged, the executable loads the app by itself; in development it needs the app folder first.
    args: (_script, addon) => (app.isPackaged ? [VDDK_WORKER_FLAG, addon] : [app.getAppPath(), VDDK_WORKER_FLAG, addon]),
  });
  startApp();
}
