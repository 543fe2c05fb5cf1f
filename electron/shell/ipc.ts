import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { REQUEST_CHANNELS, type Handlers } from '../../shared/contract';
import { dispatch } from '../engine/dispatch';
import type { EventBus } from '../engine/events';
import { APP_ORIGIN } from './app-protocol';

/** Only our own page may call the main process. */
const trusted = (event: IpcMainInvokeEvent): boolean => {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(`${APP_ORIGIN}/`);
};

/** One ipcMain handler per contract channel, and every engine event forwarded to the windows. */
export function registerIpc(handlers: Handlers, bus: EventBus): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, (event, req) => {
      if (!trusted(event)) {
        return { ok: false, error: { code: 'UNSUPPORTED', message: 'Calls are accepted from the Tidemark window only.' } };
      }
      return dispatch(handlers, channel, req);
    });
  }
  const off = bus.onAny((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(event, payload);
    }
  });
  return () => {
    off();
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}
