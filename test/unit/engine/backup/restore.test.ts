import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BackupRecord } from '../../../../shared/models/backup';
import { backupDataDir, listBackups, readBackup, writeBackupRecord } from '../../../../electron/engine/backup/catalog';
import { restoreBackup } from '../../../../electron/engine/backup/restore';

const tmp = mkdtempSync(join(tmpdir(), 'tidemark-restore-unit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(tmp, 'root');

function record(id: string, status: BackupRecord['status']): BackupRecord {
  return {
    id, label: `tidemark ${id}`, serverId: 'srv1', serverName: 'db1', mode: 'concurrent', sourceRole: 'primary', pgVersion: '17.2',
    pgVersionNum: 170002, systemIdentifier: '1', startedAt: new Date().toISOString(), sizeBytes: 0, fileCount: 0, status,
    tablespaces: [{ oid: '16384', location: '/srv/ts', backupPath: 'data/pg_tblspc/16384', sizeBytes: 5 }],
  };
}

async function fakeBackup(id: string, status: BackupRecord['status']): Promise<void> {
  await writeBackupRecord(root, record(id, status));
  const data = backupDataDir(root, 'srv1', id);
  for (const d of ['global', 'pg_wal/archive_status', 'pg_tblspc/16384/PG_17_1/5']) mkdirSync(join(data, d), { recursive: true });
  writeFileSync(join(data, 'PG_VERSION'), '17\n');
  writeFileSync(join(data, 'global/pg_control'), 'ctl');
  writeFileSync(join(data, 'backup_label'), 'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n');
  writeFileSync(join(data, 'tablespace_map'), '16384 /srv/ts\n');
  writeFileSync(join(data, 'backup_manifest'), '{}');
  writeFileSync(join(data, 'pg_wal/000000010000000000000002'), 'wal');
  writeFileSync(join(data, 'pg_tblspc/16384/PG_17_1/5/16390'), 'rows!');
}

test('the catalog lists every attempt, newest first', async () => {
  await fakeBackup('20261123T100000', 'DONE');
  await fakeBackup('20261123T110000', 'FAILED');
  assert.deepEqual((await listBackups(root, 'srv1')).map((b) => [b.id, b.status]), [['20261123T110000', 'FAILED'], ['20261123T100000', 'DONE']]);
  assert.deepEqual(await listBackups(root, 'nobody'), []);
  await assert.rejects(readBackup(root, 'srv1', 'nope'), (e: { code?: string }) => e.code === 'NOT_FOUND');
  await assert.rejects(readBackup(root, 'srv1', '../x'), (e: { code?: string }) => e.code === 'VALIDATION');
});

test('restores data, label, WAL and relocated tablespaces into a ready-to-start directory', async () => {
  const target = join(tmp, 'r1', 'data');
  const r = await restoreBackup(root, 'srv1', '20261123T100000', target);
  const ts = join(target, 'tablespaces', '16384');
  assert.deepEqual(r.tablespaces, [{ oid: '16384', path: ts }]);
  assert.equal(statSync(target).mode & 0o777, 0o700);
  assert.ok(existsSync(join(target, 'backup_label')));
  assert.ok(existsSync(join(target, 'pg_wal/000000010000000000000002')));
  assert.ok(!existsSync(join(target, 'backup_manifest')));
  assert.ok(!existsSync(join(target, 'standby.signal')) && !existsSync(join(target, 'recovery.signal')));
  assert.equal(readFileSync(join(ts, 'PG_17_1/5/16390'), 'utf8'), 'rows!');
  assert.equal(readFileSync(join(target, 'tablespace_map'), 'utf8'), `16384 ${ts}\n`);
  assert.equal(readlinkSync(join(target, 'pg_tblspc/16384')), ts);
  assert.match(r.summary, /standby\.signal/);
});

test('tablespaces go where they are told', async () => {
  const where = join(tmp, 'elsewhere', 'ts');
  const target = join(tmp, 'r2');
  await restoreBackup(join(root, 'srv1', '20261123T100000'), target, { tablespaces: { '16384': where } });
  assert.equal(readFileSync(join(where, 'PG_17_1/5/16390'), 'utf8'), 'rows!');
  assert.equal(readFileSync(join(target, 'tablespace_map'), 'utf8'), `16384 ${where}\n`);
  await assert.rejects(restoreBackup(root, 'srv1', '20261123T100000', join(tmp, 'r3'), { tablespaces: { '16384': 'relative' } }), /absolute/);
  await assert.rejects(restoreBackup(root, 'srv1', '20261123T100000', join(tmp, 'r4'), { tablespaces: { '999': '/x' } }), /no tablespace 999/);
});

test('refuses a backup that is not DONE, and a non-empty target', async () => {
  await assert.rejects(restoreBackup(root, 'srv1', '20261123T110000', join(tmp, 'r5')), (e: { message?: string }) => /is FAILED/.test(e.message ?? ''));
  const busy = join(tmp, 'busy');
  mkdirSync(busy);
  writeFileSync(join(busy, 'x'), '');
  await assert.rejects(restoreBackup(root, 'srv1', '20261123T100000', busy), (e: { message?: string }) => /not empty/.test(e.message ?? ''));
});
