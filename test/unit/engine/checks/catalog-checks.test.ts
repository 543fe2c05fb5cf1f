import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BackupRecord, BackupStatus } from '../../../../shared/models/backup';
import { backupAgeCheck, failedBackupsCheck, minimumBackupsCheck } from '../../../../electron/engine/checks/catalog-checks';
import { offlineContext } from './offline-context';

const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

function record(id: string, status: BackupStatus, startedHoursAgo: number, error?: string): BackupRecord {
  return {
    id,
    label: id,
    serverId: 'srv1',
    serverName: 'db1',
    mode: 'concurrent',
    sourceRole: 'primary',
    pgVersion: '17.2',
    pgVersionNum: 170002,
    systemIdentifier: '7312345678901234567',
    startedAt: hoursAgo(startedHoursAgo),
    endedAt: hoursAgo(startedHoursAgo - 0.5),
    sizeBytes: 1,
    fileCount: 1,
    tablespaces: [],
    status,
    ...(error && { error: { code: 'BACKUP_FAILED', message: error, hint: 'look at the log' } }),
  };
}

test('backup age: no backup is a warning, a recent one ok, an old one a warning against the server maximum', async () => {
  assert.equal((await backupAgeCheck.run(offlineContext())).status, 'warning');
  const recent = offlineContext({ backups: [record('a', 'DONE', 3)] });
  assert.equal((await backupAgeCheck.run(recent)).status, 'ok');
  const old = offlineContext({ backups: [record('a', 'DONE', 30)], server: { maxBackupAgeHours: 12 } });
  const r = await backupAgeCheck.run(old);
  assert.equal(r.status, 'warning');
  assert.match(r.detail, /maximum age is 12 h/);
  // The global default applies when the server sets none.
  const byDefault = offlineContext({ backups: [record('a', 'DONE', 30)], settings: { defaultMaxBackupAgeHours: 48 } });
  assert.equal((await backupAgeCheck.run(byDefault)).status, 'ok');
});

test('failed backups since the last good one are a warning naming the latest error', async () => {
  const clean = offlineContext({ backups: [record('a', 'FAILED', 10, 'old'), record('b', 'DONE', 5)] });
  assert.equal((await failedBackupsCheck.run(clean)).status, 'ok');
  const ctx = offlineContext({
    backups: [record('b', 'DONE', 5), record('c', 'FAILED', 4, 'disk full'), record('d', 'CANCELLED', 3), record('e', 'FAILED', 2, 'SSH dropped')],
  });
  const r = await failedBackupsCheck.run(ctx);
  assert.equal(r.status, 'warning');
  assert.match(r.detail, /^2 failed backups since the last successful one; the latest \(e, .*\): SSH dropped$/);
  assert.equal(r.hint, 'look at the log');
});

test('minimum number of backups counts DONE ones only', async () => {
  const backups = [record('a', 'DONE', 5), record('b', 'FAILED', 4), record('c', 'DONE', 3)];
  assert.equal((await minimumBackupsCheck.run(offlineContext({ backups }))).status, 'ok');
  assert.equal((await minimumBackupsCheck.run(offlineContext({ backups, server: { minBackups: 2 } }))).status, 'ok');
  const r = await minimumBackupsCheck.run(offlineContext({ backups, server: { minBackups: 3 } }));
  assert.equal(r.status, 'warning');
  assert.match(r.detail, /Only 2 successful backups/);
});
