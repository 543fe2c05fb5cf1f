import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Handlers, WireMessage } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { dispatch } from '../engine/dispatch';
import type { EventBus } from '../engine/events';
import type { Guard } from './guard';

/** Requests are small JSON documents; anything larger is not ours. */
const MAX_PAYLOAD = 1024 * 1024;

export interface WsBridge {
  /** For the http server's 'upgrade' event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly clientCount: () => number;
  close(): Promise<void>;
}

/**
 * The browser-mode side of the contract: `invoke` messages go through the same dispatcher as
 * Electron's IPC, and every engine event is broadcast to every connected page.
 */
export function createWsBridge(opts: {
  readonly handlers: Handlers;
  readonly bus: EventBus;
  readonly guard: Guard;
  readonly log?: (line: string) => void;
}): WsBridge {
  const { handlers, bus, guard } = opts;
  const log = opts.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });

  const send = (ws: WebSocket, message: WireMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  const offBus = bus.onAny((event, payload) => {
    for (const ws of wss.clients) send(ws, { type: 'event', event, payload });
  });

  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? undefined : parseInvoke(data.toString());
      if (!message) {
        ws.close(1003, 'Expected a JSON invoke message');
        return;
      }
      void dispatch(handlers, message.channel, message.req as never).then((result: Result<unknown>) =>
        send(ws, { type: 'result', id: message.id, result }),
      );
    });
  });

  return {
    handleUpgrade(req, socket, head) {
      const verdict = guard.checkUpgrade(req);
      if (!verdict.ok) {
        log(`WebSocket refused: ${verdict.reason}`);
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    clientCount: () => wss.clients.size,
    async close() {
      offBus();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** The one message a page may send; the channel itself is checked by dispatch(). */
function parseInvoke(text: string): Extract<WireMessage, { type: 'invoke' }> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (m.type !== 'invoke' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id) || typeof m.channel !== 'string') {
    return undefined;
  }
  return m as unknown as Extract<WireMessage, { type: 'invoke' }>;
}
