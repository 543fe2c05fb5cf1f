import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatLsn, parseLsn, walFileName, walSegmentBytes, walSegmentsBetween } from '../../../../electron/engine/backup/wal-names';
import { parseBackupLabel } from '../../../../electron/engine/backup/backup-label';

test('segment names match PostgreSQL for 16 MB segments', () => {
  assert.deepEqual(walSegmentsBetween(1, '0/2000028', '0/2000120', 16 << 20), ['000000010000000000000002']);
  assert.deepEqual(walSegmentsBetween(1, '0/2FFFFF0', '0/3000100', 16 << 20), ['000000010000000000000002', '000000010000000000000003']);
  assert.deepEqual(walSegmentsBetween(2, '1/FF000028', '2/00000100', 16 << 20), ['0000000200000001000000FF', '000000020000000200000000']);
  // A stop exactly on a boundary ends in the previous segment.
  assert.deepEqual(walSegmentsBetween(1, '0/2000028', '0/3000000', 16 << 20), ['000000010000000000000002']);
});

test('other segment sizes (64 MB, 1 GB)', () => {
  assert.equal(walFileName(1, parseLsn('0/8000000') / BigInt(64 << 20), 64 << 20), '000000010000000000000002');
  assert.deepEqual(walSegmentsBetween(3, '5/40000028', '5/C0000000', 1 << 30), ['000000030000000500000001', '000000030000000500000002']);
});

test('LSN round trip and wal_segment_size units', () => {
  assert.equal(formatLsn(parseLsn('16/B374D848')), '16/B374D848');
  assert.equal(walSegmentBytes('16777216', 'B'), 16 << 20);
  assert.equal(walSegmentBytes('2048', '8kB'), 16 << 20);
  assert.throws(() => walSegmentBytes('3', 'B'));
});

test('backup_label facts', () => {
  const label = 'START WAL LOCATION: 0/5000028 (file 000000020000000000000005)\nCHECKPOINT LOCATION: 0/5000060\nBACKUP METHOD: streamed\nBACKUP FROM: standby\nSTART TIME: 2026-11-23 19:20:40 UTC\nLABEL: tidemark 20261123T192040\nSTART TIMELINE: 2\n';
  assert.deepEqual(parseBackupLabel(label), { startLsn: '0/5000028', startWal: '000000020000000000000005', timeline: 2, label: 'tidemark 20261123T192040' });
});
