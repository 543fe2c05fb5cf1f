import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIncluded } from '../../../../electron/engine/backup/exclusions';
import { planStreams } from '../../../../electron/engine/backup/copy-controller';

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
  const files = [1000, 900, 500, 400, 300, 100].map((size, i) => ({ path: `f${i}`, size: size * 4096, mtime: 0 }));
  const b = planStreams(files, { streams: 2, split: false, readWhole: false });
  assert.equal(b.length, 2);
  assert.deepEqual(b.flatMap((s) => s.ranges), []);
  const sum = (names: string[]): number => names.reduce((n, p) => n + files.find((f) => f.path === p)!.size, 0);
  assert.ok(Math.abs(sum(b[0].names) - sum(b[1].names)) <= 300 * 4096);
  assert.deepEqual(planStreams(files.slice(0, 1), { streams: 4, split: true, readWhole: false }).length, 1);
});

test('a file that would hold the other streams back is cut into whole-MB ranges that cover it exactly', () => {
  const MB = 1 << 20;
  const files = [
    { path: 'base/5/16396', size: 940 * MB + 8192, mtime: 1 },
    { path: 'base/5/16404', size: 150 * MB, mtime: 2 },
    ...Array.from({ length: 50 }, (_, i) => ({ path: `base/5/${i}`, size: 8192 * (i + 1), mtime: 3 })),
  ];
  const plan = planStreams(files, { streams: 2, split: true, readWhole: false });
  assert.equal(plan.length, 2);
  const load = plan.map((p) => p.ranges.reduce((n, r) => n + r.length, 0) + p.names.reduce((n, name) => n + files.find((f) => f.path === name)!.size, 0));
  assert.ok(Math.abs(load[0] - load[1]) <= 140 * MB, `balanced: ${load.map((l) => (l / MB).toFixed(0)).join(' / ')} MB`);
  const big = plan.flatMap((p) => p.ranges).filter((r) => r.path === 'base/5/16396').sort((a, b) => a.offset - b.offset);
  assert.ok(big.length >= 2);
  let end = 0;
  for (const r of big) {
    assert.equal(r.offset, end, 'ranges are contiguous');
    assert.equal(r.offset % MB, 0, 'offsets are whole MBs, as dd skip= reads them');
    assert.equal(r.fileSize, 940 * MB + 8192);
    assert.equal(r.mtime, 1);
    end += r.length;
  }
  assert.equal(end, 940 * MB + 8192);
  assert.ok(plan.every((p) => !p.names.includes('base/5/16396')), 'a split file is not also in a tar');
  // Not cut when the checksum cannot be combined (SHA-256), nor with one stream: files of 64 MB
  // and more are then in the tar, or, compressed, each read whole on its own (by zstd itself).
  assert.deepEqual(planStreams(files, { streams: 2, split: false, readWhole: false }).flatMap((p) => p.ranges), []);
  assert.deepEqual(planStreams(files, { streams: 1, split: true, readWhole: false }).flatMap((p) => p.ranges), []);
  const whole = (p: ReturnType<typeof planStreams>) => p.flatMap((s) => s.ranges).map((r) => [r.path, r.offset, r.length]);
  const bigOnes = [['base/5/16396', 0, 940 * MB + 8192], ['base/5/16404', 0, 150 * MB]];
  assert.deepEqual(whole(planStreams(files, { streams: 2, split: false, readWhole: true })).sort(), bigOnes);
  assert.deepEqual(whole(planStreams(files, { streams: 1, split: true, readWhole: true })), bigOnes);
  assert.ok(planStreams(files, { streams: 1, split: true, readWhole: true })[0].names.every((n) => n !== 'base/5/16396' && n !== 'base/5/16404'), 'a file read whole is not also in a tar');
  // A big database of 1 GB segments is balanced by whole files.
  const segments = Array.from({ length: 40 }, (_, i) => ({ path: `base/5/1.${i}`, size: 1024 * MB, mtime: 0 }));
  const plan4 = planStreams(segments, { streams: 4, split: true, readWhole: true });
  assert.ok(plan4.flatMap((p) => p.ranges).every((r) => r.offset === 0 && r.length === 1024 * MB));
  assert.deepEqual(plan4.map((p) => p.ranges.length), [10, 10, 10, 10]);
});

test('each stream sends its big files first, then its small ones, each group in name order', () => {
  const MB = 1 << 20;
  const files = [
    { path: 'base/5/100', size: 8192, mtime: 0 },
    { path: 'base/5/16396', size: 40 * MB, mtime: 0 },
    { path: 'PG_VERSION', size: 3, mtime: 0 },
    { path: 'base/5/16396_fsm', size: 24576, mtime: 0 },
    { path: 'base/5/16404', size: 3 * MB, mtime: 0 },
    { path: 'base/5/1259', size: MB - 1, mtime: 0 },
  ];
  const [one] = planStreams(files, { streams: 1, split: true, readWhole: false });
  assert.deepEqual(one.names, ['base/5/16396', 'base/5/16404', 'PG_VERSION', 'base/5/100', 'base/5/1259', 'base/5/16396_fsm']);
  assert.equal(one.bigFiles, 2);
  for (const s of planStreams(files, { streams: 2, split: false, readWhole: false })) {
    assert.ok(s.names.slice(0, s.bigFiles).every((n) => files.find((f) => f.path === n)!.size >= MB), 'big files first');
    assert.ok(s.names.slice(s.bigFiles).every((n) => files.find((f) => f.path === n)!.size < MB), 'small files after');
  }
});
