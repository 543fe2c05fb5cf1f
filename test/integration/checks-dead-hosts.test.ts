import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import type { ServerConfig } from '../../shared/models/server';
import { TidemarkError } from '../../electron/engine/errors';
import { freePort } from '../lab/free-port';
import { byId, checksEnv, dump, type ChecksEnv } from './checks-fixture';

// A behaviour bound (the issue promises 10 s), with slack for a loaded CI machine.
const BOUND_MS = 12_000;

let env: ChecksEnv;
let keyPath: string;
let silent: Server;
let silentPort: number;
const sockets = new Set<Socket>();

before(async () => {
  env = checksEnv();
  // A valid client key, so the SSH side gets as far as the network (a bad key fails before).
  keyPath = join(env.root, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  // Accepts connections and never says a word: neither PostgreSQL nor sshd would ever answer.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});

after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  env?.dispose();
});

const deadServer = (port: number, name: string): ServerConfig => ({
  id: `dead-${name}`,
  name,
  host: '127.0.0.1',
  port,
  user: 'postgres',
  database: 'postgres',
  sslMode: 'prefer',
  transport: { kind: 'ssh', host: '127.0.0.1', port, user: 'postgres', auth: 'key', keyPath },
  pgdata: '/var/lib/postgresql/17/main',
});

async function timedRun(server: ServerConfig): Promise<{ results: Awaited<ReturnType<ChecksEnv['service']['run']>>; ms: number }> {
  await env.add(server, 'secret');
  const started = Date.now();
  const results = await env.service.run(server.id);
  return { results, ms: Date.now() - started };
}

test('a closed port: answers at once, the connection checks fail, the rest is skipped', async () => {
  const port = await freePort();
  const { results, ms } = await timedRun(deadServer(port, 'closed'));
  assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  const pg = byId(results, 'postgresql');
  assert.equal(pg.status, 'failed');
  assert.match(pg.detail, new RegExp(`Connection refused by 127\\.0\\.0\\.1:${port}`));
  assert.match(pg.hint ?? '', /listen_addresses/);
  for (const id of ['version', 'privileges', 'wal-level', 'replication-slot', 'system-identifier', 'catalog-system-id']) {
    assert.equal(byId(results, id).status, 'skipped', dump(results));
    assert.match(byId(results, id).detail, /PostgreSQL is not reachable: Connection refused/);
  }
  // Checks that need neither connection still run.
  assert.equal(byId(results, 'backup-root').status, 'ok');
});

test('an unresponsive host (accepts, never answers): every result within the bound', async () => {
  const { results, ms } = await timedRun(deadServer(silentPort, 'silent'));
  assert.ok(ms < BOUND_MS, `took ${ms} ms`);
  const pg = byId(results, 'postgresql');
  assert.equal(pg.status, 'failed');
  assert.match(pg.detail, /No answer from PostgreSQL at 127\.0\.0\.1:\d+ within 5 s/);
  const reach = byId(results, 'ssh-reachable');
  assert.equal(reach.status, 'failed', dump(results));
  assert.match(reach.detail, /No SSH answer/);
  assert.equal(byId(results, 'ssh-host-key').status, 'skipped');
  assert.equal(byId(results, 'backup-label').status, 'skipped');
  assert.equal(byId(results, 'privileges').status, 'skipped');
});

test('the gate refuses a dead server and names the failed checks', async () => {
  const port = await freePort();
  const server = await env.add(deadServer(port, 'gated'), 'secret');
  const started = Date.now();
  await assert.rejects(env.service.gate(server, 'concurrent'), (e: TidemarkError) => {
    assert.equal(e.code, 'CHECKS_FAILED');
    assert.match(e.message, /^Backup of gated refused: 2 checks failed — PostgreSQL: Connection refused by 127\.0\.0\.1:\d+ — SSH reachable: SSH connection refused/);
    assert.match(e.hint ?? '', /^PostgreSQL: Is PostgreSQL running there/);
    assert.equal(e.details?.failed, 'postgresql,ssh-reachable');
    return true;
  });
  assert.ok(Date.now() - started < BOUND_MS);
});

