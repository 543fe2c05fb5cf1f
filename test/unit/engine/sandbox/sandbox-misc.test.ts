import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatSetting, LocalCluster, SANDBOX_CONF } from '../../../../electron/engine/sandbox/local-cluster';
import { sandboxUnavailableReason } from '../../../../electron/engine/sandbox/pg-install';
import { withSandboxLock } from '../../../../electron/engine/sandbox/sandbox-lock';
import { sampleDataStatements } from '../../../../electron/engine/sandbox/sample-data';
import { unreachableAncestor, type ServerUser } from '../../../../electron/engine/sandbox/server-user';

const me: ServerUser = { name: 'me', uid: process.getuid!(), gid: process.getgid!() };

describe('sandbox pieces', () => {
  it('says why the sandbox is unavailable without the npm-shipped binaries', { skip: process.platform !== 'linux' || process.arch !== 'x64' }, () => {
    const reason = sandboxUnavailableReason((major) => (major === 17 ? { major, binDir: '/b', libDir: '/l' } : undefined));
    assert.match(reason ?? '', /PostgreSQL 14 binaries/);
    assert.match(reason ?? '', /npm install/);
    assert.equal(sandboxUnavailableReason((major) => ({ major, binDir: '/b', libDir: '/l' })), undefined);
  });

  it('quotes settings the way postgresql.conf reads them', () => {
    assert.equal(formatSetting(10), '10');
    assert.equal(formatSetting(true), 'on');
    assert.equal(formatSetting("it's"), "'it''s'");
  });

  it('rewrites its own settings file on every configure', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-conf-'));
    try {
      const cluster = new LocalCluster({
        name: 'x', install: { major: 17, binDir: '/b', libDir: '/l' }, user: me,
        pgdata: dir, logFile: join(dir, 'log'), socketDir: '/run/x', port: 6000,
      });
      cluster.configure({ wal_level: 'replica' });
      cluster.configure({ hot_standby: true });
      const text = readFileSync(join(dir, SANDBOX_CONF), 'utf8');
      assert.match(text, /^port = 6000$/m);
      assert.match(text, /^listen_addresses = '127.0.0.1'$/m);
      assert.match(text, /^unix_socket_directories = '\/run\/x'$/m);
      assert.match(text, /^hot_standby = on$/m);
      assert.doesNotMatch(text, /wal_level/);
      assert.equal(cluster.isRunning(), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads pgbench tables at the asked scale and a table in a tablespace', () => {
    const sql = sampleDataStatements(2, "/tmp/o'brien").join(';\n');
    assert.match(sql, /LOCATION '\/tmp\/o''brien'/);
    assert.match(sql, /generate_series\(1, 200000\) a/);
    assert.match(sql, /TABLESPACE sandbox_ts/);
    assert.match(sampleDataStatements(0, '/t').join('\n'), /generate_series\(1, 100000\) a/);
  });

  it('lets one process at a time work on a sandbox, and takes over a dead holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-lock-'));
    try {
      const lock = join(dir, '.lock');
      const order: string[] = [];
      const first = withSandboxLock(lock, async () => {
        order.push('first');
        await new Promise((r) => setTimeout(r, 700));
        order.push('first done');
      });
      await new Promise((r) => setTimeout(r, 50));
      await withSandboxLock(lock, async () => void order.push('second'));
      await first;
      assert.deepEqual(order, ['first', 'first done', 'second']);
      writeFileSync(lock, '999999999\n'); // no such process
      assert.equal(await withSandboxLock(lock, async () => 'taken over', 2000), 'taken over');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the folder a server user other than us cannot enter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-reach-'));
    try {
      const closed = join(dir, 'closed');
      mkdirSync(join(closed, 'inner'), { recursive: true });
      chmodSync(dir, 0o755);
      chmodSync(closed, 0o700);
      const other: ServerUser = { name: 'other', uid: 424242, gid: 424242, runAs: 'other' };
      assert.equal(unreachableAncestor(other, join(closed, 'inner', 'sandbox')), closed);
      assert.equal(unreachableAncestor(other, join(dir, 'open', 'sandbox')), undefined);
      assert.equal(unreachableAncestor(me, join(closed, 'inner')), undefined, 'running as ourselves, nothing to check');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
