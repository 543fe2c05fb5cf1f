/**
 * The one place that reaches the main process. In Electron the preload exposes `window.api`; in
 * browser mode there is none, and a WebSocket bridge with the same interface takes its place.
 * Everything else in the renderer receives an `Api` from here.
 */
import type { Api } from '../shared/contract';
import { bridgeUrl, createWsBridge, type ConnectionState } from './ws-bridge';

export interface ApiConnection {
  readonly api: Api;
  /** False in Electron: IPC has no connection to lose. */
  readonly remote: boolean;
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

const ALWAYS_OPEN: ConnectionState = { status: 'open', attempt: 0 };

export function connectApi(): ApiConnection {
  const preload = (window as unknown as { api?: Api }).api;
  if (preload) {
    return { api: preload, remote: false, connection: () => ALWAYS_OPEN, onConnection: () => () => {} };
  }
  const bridge = createWsBridge(bridgeUrl(window.location));
  return { api: bridge, remote: true, connection: bridge.connection, onConnection: bridge.onConnection };
}
