import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIncluded } from '../../../../electron/engine/backup/exclusions';
import { balance } from '../../../../electron/engine/backup/copy-controller';

test('what a base backup leaves out', () => {
  const out = ['postmaster.pid', 'postmaster.opts', 'backup_manifest', 'standby.signal', 'recovery.signal', 'pg_wal/000000010000000000000001',
    'pg_replslot/s/state', 'pg_stat_tmp/global.stat', 'base/1/pg_internal.init', 'global/pg_internal.init.123', 'base/pgsql_tmp/pgsql_tmp1.0',
    'pg_tblspc/16384/PG_17_1/pgsql_tmp/x', 'current_logfiles.tmp', 'postgresql.auto.conf.tmp', 'pg_subtrans/0000'];
  for (const p of out) assert.equal(isIncluded(p, 'file', 'concurrent'), false, p);
  for (const p of ['base/1/1259', 'global/pg_control', 'PG_VERSION', 'postgresql.auto.conf', 'pg_tblspc/16384/PG_17_1/5/16390', 'pg_xact/0000', 'log/postgresql.log'])
    assert.equal(isIncluded(p, 'file', 'concurrent'), true, p);
  for (const d of ['pg_wal', 'pg_wal/archive_status', 'pg_replslot', 'pg_tblspc/16384']) assert.equal(isIncluded(d, 'dir', 'concurrent'), true, d);
  assert.equal(isIncluded('pg_replslot/myslot', 'dir', 'concurrent'), false);
  assert.equal(isIncluded('base/pgsql_tmp', 'dir', 'concurrent'), false);
});

test('backup_label and tablespace_map come from PGDATA only in exclusive mode', () => {
  for (const f of ['backup_label', 'tablespace_map']) {
    assert.equal(isIncluded(f, 'file', 'concurrent'), false);
    assert.equal(isIncluded(f, 'file', 'exclusive'), true);
  }
});

test('streams are balanced by size', () => {
  const files = [1000, 900, 500, 400, 300, 100].map((size, i) => ({ path: `f${i}`, size: size * 4096 }));
  const b = balance(files, 2);
  assert.equal(b.length, 2);
  const sum = (names: string[]): number => names.reduce((n, p) => n + files.find((f) => f.path === p)!.size, 0);
  assert.ok(Math.abs(sum(b[0]) - sum(b[1])) <= 300 * 4096);
  assert.deepEqual(balance(files.slice(0, 1), 4).length, 1);
});
