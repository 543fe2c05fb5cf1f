import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { EventBus } from '../../../electron/engine/events';
import { TidemarkError } from '../../../electron/engine/errors';
import { startWebServer, type WebServer } from '../../../electron/web/server';
import { bridgeUrl, createWsBridge, DISCONNECTED_ERROR, type BridgeApi } from '../../../renderer/ws-bridge';
import { fakeHandlers } from './fake-handlers';

const waitFor = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('renderer ws-bridge against the browser-mode server', () => {
  const bus = new EventBus();
  let web: WebServer;
  let dir: string;
  const bridges: BridgeApi[] = [];
  const open = (server: WebServer, token = server.token): BridgeApi => {
    const origin = `http://127.0.0.1:${server.port}`;
    const url = bridgeUrl({ host: `127.0.0.1:${server.port}`, search: `?token=${token}`, protocol: 'http:' });
    const b = createWsBridge(url, {
      socket: (u) => new WebSocket(u, { origin }) as never,
      minDelayMs: 20,
      maxDelayMs: 50,
    });
    bridges.push(b);
    return b;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-bridge-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const handlers = fakeHandlers({
      'servers:list': async () => [],
      'servers:delete': async ({ id }) => {
        throw new TidemarkError('NOT_FOUND', `No server ${id}`, { hint: 'Reload the list.' });
      },
    });
    web = await startWebServer({ handlers, bus, host: '127.0.0.1', staticDir: dir });
  });
  after(async () => {
    bridges.forEach((b) => b.dispose());
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the socket URL from the page address', () => {
    assert.equal(bridgeUrl({ host: '127.0.0.1:4000', search: '?token=a+b', protocol: 'http:' }), 'ws://127.0.0.1:4000/ws?token=a%20b');
  });

  it('queues calls made while connecting, then returns results and error values', async () => {
    const b = open(web);
    const [list, missing] = await Promise.all([b.invoke('servers:list', undefined), b.invoke('servers:delete', { id: 'x' })]);
    assert.deepEqual(list, { ok: true, data: [] });
    assert.deepEqual(missing, { ok: false, error: { code: 'NOT_FOUND', message: 'No server x', hint: 'Reload the list.' } });
    assert.equal(b.connection().status, 'open');
  });

  it('refuses unknown channels with an error value', async () => {
    const b = open(web);
    const r = await b.invoke('nope:never' as 'servers:list', undefined);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'NOT_FOUND');
  });

  it('delivers engine events to every page', async () => {
    const a = open(web);
    const c = open(web);
    await Promise.all([a.invoke('servers:list', undefined), c.invoke('servers:list', undefined)]);
    const seen: string[] = [];
    a.on('sandbox:progress', (p) => seen.push(`a:${p.step}`));
    c.on('sandbox:progress', (p) => seen.push(`c:${p.step}`));
    bus.emit('sandbox:progress', { step: 'initdb', done: 1, total: 3, message: 'x' });
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen.sort(), ['a:initdb', 'c:initdb']);
  });

  it('fails calls at once while disconnected, and keeps retrying', async () => {
    const other = await startWebServer({ handlers: fakeHandlers({ 'servers:list': async () => [] }), bus: new EventBus(), staticDir: dir });
    const b = open(other);
    assert.equal((await b.invoke('servers:list', undefined)).ok, true);
    const states: string[] = [];
    b.onConnection((s) => states.push(s.status));
    await other.close();
    await waitFor(() => b.connection().status === 'closed');
    assert.deepEqual(await b.invoke('servers:list', undefined), { ok: false, error: DISCONNECTED_ERROR });
    await waitFor(() => states.filter((s) => s === 'connecting').length >= 2);
    assert.ok(b.connection().attempt >= 1);
  });

  it('a wrong token never connects, and calls fail with the disconnected error', async () => {
    const b = open(web, 'wrong');
    assert.deepEqual(await b.invoke('servers:list', undefined), { ok: false, error: DISCONNECTED_ERROR });
  });
});
