import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { choosePort, newState, portFree, readState, withCluster, writeState } from '../../../../electron/engine/sandbox/sandbox-state';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('sandbox state', () => {
  it('round-trips through sandbox.json, private to its owner', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    try {
      const file = join(dir, 'sandbox.json');
      const state = withCluster(newState(3), 'pg17-primary', { port: 5433, ready: true });
      writeState(file, state);
      assert.deepEqual(readState(file), state);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(withCluster(state, 'pg17-primary', undefined).clusters['pg17-primary'], undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats a missing or foreign file as no state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    try {
      assert.equal(readState(join(dir, 'none.json')), undefined);
      writeFileSync(join(dir, 'junk.json'), '{"version":2}');
      assert.equal(readState(join(dir, 'junk.json')), undefined);
      writeFileSync(join(dir, 'bad.json'), 'not json');
      assert.equal(readState(join(dir, 'bad.json')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives each new sandbox its own password', () => {
    assert.notEqual(newState(1).password, newState(1).password);
    assert.ok(newState(1).password.length >= 20);
  });
});

describe('choosePort', () => {
  it('reuses the remembered port while it is free', async () => {
    const { server, port } = await listen();
    await new Promise((r) => server.close(r));
    assert.equal(await portFree(port), true);
    assert.equal(await choosePort(port), port);
  });

  it('moves to another port when the remembered one is taken, or already given to another server', async () => {
    const { server, port } = await listen();
    try {
      assert.equal(await portFree(port), false);
      const other = await choosePort(port);
      assert.notEqual(other, port);
      assert.ok(other > 0);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const first = await choosePort(undefined);
    assert.notEqual(await choosePort(first, [first]), first);
  });
});
