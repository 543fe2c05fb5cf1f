import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BackupRecord } from '../../../shared/models/backup';
import { chartPoints, DEFAULT_SORT, nextSort, sortBackups, walTail } from '../../../renderer/features/history/history-sort';

const record = (id: string, p: Partial<BackupRecord>): BackupRecord => ({
  id,
  label: `tidemark ${id}`,
  serverId: 's',
  serverName: 's',
  mode: 'concurrent',
  sourceRole: 'primary',
  pgVersion: '17.2',
  pgVersionNum: 170002,
  systemIdentifier: '1',
  startedAt: '2026-11-23T12:00:00Z',
  sizeBytes: 0,
  fileCount: 0,
  tablespaces: [],
  status: 'DONE',
  ...p,
});

const backups = [
  record('a', { startedAt: '2026-11-23T10:00:00Z', endedAt: '2026-11-23T10:01:00Z', sizeBytes: 300, mode: 'exclusive' }),
  record('b', { startedAt: '2026-11-23T11:00:00Z', endedAt: '2026-11-23T11:00:10Z', sizeBytes: 100, status: 'FAILED' }),
  record('c', { startedAt: '2026-11-23T12:00:00Z', sizeBytes: 200, status: 'COPYING' }),
];

it('sorts newest first by default, and by any column both ways', () => {
  assert.deepEqual(sortBackups(backups, DEFAULT_SORT).map((b) => b.id), ['c', 'b', 'a']);
  assert.deepEqual(sortBackups(backups, { key: 'size', dir: 'descending' }).map((b) => b.id), ['a', 'c', 'b']);
  assert.deepEqual(sortBackups(backups, { key: 'size', dir: 'ascending' }).map((b) => b.id), ['b', 'c', 'a']);
  // A backup still running has no duration yet: it sorts after the finished ones.
  assert.deepEqual(sortBackups(backups, { key: 'duration', dir: 'ascending' }).map((b) => b.id), ['b', 'a', 'c']);
  assert.deepEqual(sortBackups(backups, { key: 'mode', dir: 'ascending' }).map((b) => b.id), ['c', 'b', 'a']);
  assert.deepEqual(sortBackups(backups, { key: 'status', dir: 'ascending' }).map((b) => b.id), ['c', 'a', 'b']);
});

it('a click flips the sorted column, another column starts in its natural order', () => {
  assert.deepEqual(nextSort(DEFAULT_SORT, 'started'), { key: 'started', dir: 'ascending' });
  assert.deepEqual(nextSort(DEFAULT_SORT, 'size'), { key: 'size', dir: 'descending' });
  assert.deepEqual(nextSort(DEFAULT_SORT, 'mode'), { key: 'mode', dir: 'ascending' });
});

it('the chart plots the finished backups, oldest first', () => {
  assert.deepEqual(chartPoints(backups), [{ id: 'a', startedAt: '2026-11-23T10:00:00Z', sizeBytes: 300, seconds: 60 }]);
});

it('the table writes WAL names short when both ends share timeline and log file', () => {
  assert.equal(walTail('000000010000000000000010', '000000010000000000000001'), '…00000010');
  assert.equal(walTail('000000010000000000000001', '000000020000000000000010'), '000000010000000000000001');
  assert.equal(walTail('000000010000000000000001', undefined), '000000010000000000000001');
});
