// Runs sandboxed, with context isolation: exposes window.api, an allow-list derived from the
// contract. Raw ipcRenderer never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventChannel, isRequestChannel, type Api } from '../../shared/contract';

const api: Api = {
  invoke(channel, req) {
    if (!isRequestChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel ${String(channel)}` } });
    }
    return ipcRenderer.invoke(channel, req);
  },
  on(event, listener) {
    if (!isEventChannel(event)) throw new Error(`Unknown event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(event, handler);
    return () => {
      ipcRenderer.removeListener(event, handler);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
