/**
 * Browser mode's stand-in for Electron's preload: the same `Api`, carried over a loopback
 * WebSocket (electron/web/server.ts). Requests made while the socket is down fail at once with an
 * error value instead of hanging; the bridge keeps reconnecting with a growing delay.
 */
import type { Api, EventChannel, Events, Req, RequestChannel, Res, WireMessage } from '../shared/contract';
import type { AppError, Result } from '../shared/result';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** Failed attempts since the last successful connection. */
  readonly attempt: number;
}

export interface BridgeApi extends Api {
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Stops reconnecting and closes the socket (tests). */
  dispose(): void;
}

/** The parts of the WHATWG WebSocket the bridge uses; Node tests pass the `ws` package. */
interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}
type SocketFactory = (url: string) => SocketLike;

export const DISCONNECTED_ERROR: AppError = {
  code: 'INTERNAL',
  message: 'Not connected to the Tidemark engine.',
  hint:
    'The browser-mode server did not answer; Tidemark keeps trying to reconnect. If you restarted ' +
    '`npm run web`, open the new address it printed: the token changes with every run.',
};

const OPEN = 1;

export function createWsBridge(
  url: string,
  opts: { readonly socket?: SocketFactory; readonly minDelayMs?: number; readonly maxDelayMs?: number } = {},
): BridgeApi {
  const makeSocket: SocketFactory = opts.socket ?? ((u) => new WebSocket(u) as unknown as SocketLike);
  const minDelay = opts.minDelayMs ?? 500;
  const maxDelay = opts.maxDelayMs ?? 10_000;

  let socket: SocketLike | null = null;
  let state: ConnectionState = { status: 'connecting', attempt: 0 };
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let nextId = 1;
  // Requests sent and awaiting their result, and requests made while (re)connecting.
  const pending = new Map<number, (r: Result<unknown>) => void>();
  let queued: { message: WireMessage; resolve: (r: Result<unknown>) => void }[] = [];
  const eventListeners = new Map<EventChannel, Set<(p: unknown) => void>>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const l of connectionListeners) l(state);
  };

  const failAll = (): void => {
    for (const resolve of pending.values()) resolve({ ok: false, error: DISCONNECTED_ERROR });
    pending.clear();
    for (const q of queued) q.resolve({ ok: false, error: DISCONNECTED_ERROR });
    queued = [];
  };

  const onMessage = (data: unknown): void => {
    let message: WireMessage;
    try {
      message = JSON.parse(String(data)) as WireMessage;
    } catch {
      return;
    }
    if (message.type === 'result') {
      const resolve = pending.get(message.id);
      pending.delete(message.id);
      resolve?.(message.result);
    } else if (message.type === 'event') {
      for (const l of eventListeners.get(message.event) ?? []) {
        try {
          l(message.payload);
        } catch (e) {
          console.error(`listener for ${message.event} failed`, e);
        }
      }
    }
  };

  const connect = (): void => {
    retryTimer = undefined;
    if (disposed) return;
    setState({ status: 'connecting', attempt: state.attempt });
    const ws = makeSocket(url);
    socket = ws;
    ws.onopen = () => {
      setState({ status: 'open', attempt: 0 });
      const toSend = queued;
      queued = [];
      for (const q of toSend) transmit(q.message, q.resolve);
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onerror = () => {
      // 'close' follows and does the work.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failAll();
      if (disposed) return;
      const attempt = state.attempt + 1;
      setState({ status: 'closed', attempt });
      const delay = Math.min(maxDelay, minDelay * 2 ** Math.min(attempt - 1, 10));
      retryTimer = setTimeout(connect, delay * (0.8 + Math.random() * 0.4));
    };
  };

  const transmit = (message: WireMessage, resolve: (r: Result<unknown>) => void): void => {
    if (!socket || socket.readyState !== OPEN) return resolve({ ok: false, error: DISCONNECTED_ERROR });
    if (message.type === 'invoke') pending.set(message.id, resolve);
    socket.send(JSON.stringify(message));
  };

  connect();

  return {
    invoke<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>> {
      const message: WireMessage = { type: 'invoke', id: nextId++, channel, req };
      return new Promise((resolve) => {
        const done = resolve as (r: Result<unknown>) => void;
        if (state.status === 'open') transmit(message, done);
        else if (state.status === 'connecting') queued.push({ message, resolve: done });
        else done({ ok: false, error: DISCONNECTED_ERROR });
      });
    },
    on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    connection: () => state,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      failAll();
      ws?.close();
    },
  };
}

/** `ws://host/ws?token=…` from the page's own address (the server printed it with the token). */
export function bridgeUrl(location: { readonly host: string; readonly search: string; readonly protocol: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}
