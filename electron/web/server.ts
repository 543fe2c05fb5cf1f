/**
 * Browser mode (`npm run web`): the same engine as the desktop app, reached from a browser tab
 * over a loopback WebSocket instead of Electron IPC. Bound to 127.0.0.1 only and guarded by a
 * per-run token and an Origin check (see guard.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Handlers } from '../../shared/contract';
import type { EventBus } from '../engine/events';
import { createGuard } from './guard';
import { resolveStatic, securityHeaders, sendFile, sendText } from './static-files';
import { createWsBridge } from './ws-bridge';

export interface WebServerOptions {
  /** The engine (createEngine's result) or its two parts. */
  readonly engine?: { readonly handlers: Handlers; readonly bus: EventBus };
  readonly handlers?: Handlers;
  readonly bus?: EventBus;
  /** 0 or absent: a free port. */
  readonly port?: number;
  /** Loopback only; the option exists so callers state it. */
  readonly host?: '127.0.0.1';
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  readonly log?: (line: string) => void;
}

export interface WebServer {
  /** What to open in a browser: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Closes sockets and the listener; the engine stays open (its owner closes it). */
  close(): Promise<void>;
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const handlers = opts.engine?.handlers ?? opts.handlers;
  const bus = opts.engine?.bus ?? opts.bus;
  if (!handlers || !bus) throw new Error('startWebServer needs { engine } or { handlers, bus }');
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('Browser mode listens on 127.0.0.1 only');

  let port = 0;
  const guard = createGuard(host, () => port);
  const bridge = createWsBridge({ handlers, bus, guard, log: opts.log });

  const server: Server = createServer((req, res) => {
    const headers = securityHeaders(guard.origin());
    if (!guard.hostAllowed(req)) return sendText(res, 403, 'Forbidden: unexpected Host header', headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed', { ...headers, Allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', guard.origin());
    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    if (isPage && !guard.tokenValid(url.searchParams.get('token'))) {
      return sendText(res, 403, 'Forbidden: open the URL that `npm run web` printed (it carries this run\'s token).', headers);
    }
    const file = resolveStatic(opts.staticDir, url.pathname);
    if (!file) return sendText(res, 404, 'Not found', headers);
    sendFile(req, res, file, headers);
  });
  server.on('upgrade', (req, socket, head) => bridge.handleUpgrade(req, socket, head));
  // Keep-alive sockets would hold close() open for seconds.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `${guard.origin()}/?token=${guard.token}`,
    port,
    token: guard.token,
    async close() {
      await bridge.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(name + '='));
  if (i < 0) return undefined;
  const a = args[i];
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[i + 1];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portText = flag(args, '--port') ?? process.env.PORT;
  const port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid port ${portText}: use --port 1-65535 (or leave it out for a free port)`);
    process.exit(2);
  }
  // Loaded lazily: importing startWebServer (the e2e tests do) must not pull in the CLI's choices.
  const { createEngine } = await import('../engine/engine');
  const { defaultSettingsPath } = await import('../engine/settings/defaults');
  const settingsPath = flag(args, '--config') ?? defaultSettingsPath();
  // No secret store given: the engine keeps passwords in memory for this run.
  const engine = createEngine({ settingsPath, shell: 'web' });
  const web = await startWebServer({
    engine,
    port,
    host: '127.0.0.1',
    staticDir: join(__dirname, '..', 'renderer'),
    log: (line) => console.error(line),
  });
  console.log(`Tidemark (browser mode) — settings: ${settingsPath}`);
  console.log('Passwords you type are kept for this run only.');
  console.log(`Open: ${web.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void web
      .close()
      .then(() => engine.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (typeof require !== 'undefined' && require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
