import { app, BrowserWindow, dialog, Notification, shell as electronShell } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { createEngine, type Engine } from '../engine/engine';
import { EncryptedSecretStore } from '../engine/secrets/encrypted-secret-store';
import { MemorySecretStore } from '../engine/secrets/secret-store';
import type { ConfFactory } from '../engine/settings/settings-store';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './app-protocol';
import { registerIpc } from './ipc';
import { safeStorageCipher, safeStorageUsable } from './safe-storage-cipher';
import { windowState } from './window-state';

const electronStoreFactory: ConfFactory = ({ configName, ...rest }) =>
  new ElectronStore({ ...rest, name: configName }) as unknown as { store: Record<string, unknown> };

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let engine: Engine | undefined;
let win: BrowserWindow | undefined;

function createWindow(): BrowserWindow {
  const state = windowState();
  const w = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    ...state.initial.bounds,
    show: false,
    title: 'Tidemark',
    icon: join(__dirname, '..', '..', 'assets', 'icon.png'),
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  state.track(w);
  if (state.initial.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  // Navigation and new windows are denied; links to the docs open in the user's browser.
  w.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void electronShell.openExternal(url);
    return { action: 'deny' };
  });
  w.on('close', (e) => {
    const running = engine?.backups.jobs() ?? [];
    if (running.length === 0) return;
    const choice = dialog.showMessageBoxSync(w, {
      type: 'warning',
      buttons: ['Keep running', 'Cancel backups and quit'],
      defaultId: 0,
      cancelId: 0,
      message: `${running.length} backup${running.length > 1 ? 's are' : ' is'} still running.`,
      detail: 'Quitting cancels them; their folders are kept and marked CANCELLED.',
    });
    if (choice === 0) e.preventDefault();
  });
  void w.loadURL(`${APP_ORIGIN}/index.html`);
  return w;
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.whenReady().then(() => {
  serveRenderer(join(__dirname, '..', 'renderer'));
  engine = createEngine({
    shell: 'electron',
    version: app.getVersion(),
    settingsPath: join(app.getPath('userData'), 'settings.json'),
    confFactory: electronStoreFactory,
    secrets: (settings) => (safeStorageUsable() ? new EncryptedSecretStore(settings, safeStorageCipher) : new MemorySecretStore()),
    services: {
      async openFile(title) {
        const r = await dialog.showOpenDialog(win!, { title, properties: ['openFile', 'showHiddenFiles'], defaultPath: join(app.getPath('home'), '.ssh') });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      async openFolder(title) {
        const r = await dialog.showOpenDialog(win!, { title, properties: ['openDirectory', 'createDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      notify(title, body) {
        if (Notification.isSupported()) new Notification({ title, body }).show();
      },
    },
  });
  registerIpc(engine.handlers, engine.bus);
  win = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', (e) => {
  if (!engine) return;
  const closing = engine;
  engine = undefined;
  e.preventDefault();
  void closing.close().finally(() => app.quit());
});
