/** The browser-mode server's guard, tested directly: token, Origin and Host, and what it serves. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { WireMessage } from '../../shared/contract';
import { createEngine, type Engine } from '../../electron/engine/engine';
import { startWebServer, type WebServer } from '../../electron/web/server';
import { buildRenderer } from '../../scripts/build-renderer.mjs';

/** Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened. */
function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser-mode server guard', () => {
  let dir: string;
  let engine: Engine;
  let web: WebServer;
  let origin: string;
  let wsUrl: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tidemark-web-'));
    await buildRenderer(join(dir, 'renderer'));
    engine = createEngine({ settingsPath: join(dir, 'settings.json'), shell: 'web' });
    web = await startWebServer({ engine, host: '127.0.0.1', staticDir: join(dir, 'renderer') });
    origin = `http://127.0.0.1:${web.port}`;
    wsUrl = `ws://127.0.0.1:${web.port}/ws`;
  });
  after(async () => {
    await web?.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying a long random token', () => {
    assert.match(web.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
    assert.ok(web.url.endsWith(web.token));
  });

  it('accepts the right token from the right Origin, and answers invokes', async () => {
    const ws = new WebSocket(`${wsUrl}?token=${web.token}`, { headers: { Origin: origin } });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const reply = new Promise<WireMessage>((r) => ws.once('message', (d) => r(JSON.parse(String(d)) as WireMessage)));
    ws.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'app:info', req: null }));
    const m = await reply;
    ws.close();
    assert.equal(m.type, 'result');
    assert.equal(m.type === 'result' && m.id, 7);
    assert.equal(m.type === 'result' && m.result.ok && (m.result.data as { shell: string }).shell, 'web');
  });

  it('refuses a socket without the token, with a wrong token, or from another Origin (403)', async () => {
    assert.equal(await upgrade(wsUrl, { Origin: origin }), 403);
    assert.equal(await upgrade(`${wsUrl}?token=${web.token.slice(0, -1)}x`, { Origin: origin }), 403);
    assert.equal(await upgrade(`${wsUrl}?token=${web.token}`, { Origin: 'http://evil.example' }), 403);
    assert.equal(await upgrade(`${wsUrl}?token=${web.token}`, { Origin: `http://localhost:${web.port}` }), 403);
    assert.equal(await upgrade(`${wsUrl}?token=${web.token}`, {}), 403);
  });

  it('refuses a rebound Host name (DNS rebinding)', async () => {
    assert.equal(await upgrade(`${wsUrl}?token=${web.token}`, { Origin: origin, Host: `evil.example:${web.port}` }), 403);
    assert.equal((await get(web.port, `/?token=${web.token}`, { Host: `evil.example:${web.port}` })).status, 403);
  });

  it('serves the page only with the token, with a strict CSP', async () => {
    assert.equal((await get(web.port, '/')).status, 403);
    const page = await get(web.port, `/?token=${web.token}`);
    assert.equal(page.status, 200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, new RegExp(`connect-src ws://127\\.0\\.0\\.1:${web.port}(;|$)`));
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    assert.match(page.body, /renderer\.js/);
    assert.equal((await get(web.port, '/renderer.js')).status, 200);
  });

  it('serves nothing outside the renderer folder', async () => {
    assert.equal((await get(web.port, '/../settings.json')).status, 404);
    assert.equal((await get(web.port, '/%2e%2e/settings.json')).status, 404);
    assert.equal((await get(web.port, '/nope.js')).status, 404);
  });
});
