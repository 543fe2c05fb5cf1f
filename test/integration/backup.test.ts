import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupDataDir, backupDir, LOG_FILE } from '../../electron/engine/backup/catalog';
import { after, before, describe, test } from 'node:test';
import type { JobProgress } from '../../shared/models/job';
import type { BackupMode } from '../../shared/models/server';
import type { LabCluster } from '../lab/cluster';
import { getLab, type Lab } from '../lab/lab';
import { initPgbench, pgbenchInvariant, runPgbench } from '../lab/pgbench';
import { labTablespace } from '../lab/tablespace';
import { backupAndWait, labServer, logProblems, makeHarness, removeRestored, restoreAndStart, verifyBackup, type Harness } from './backup-harness';

const DB = 'tidemark_backup_test';
let lab: Lab;
let h: Harness;

before(async () => {
  lab = await getLab();
  h = makeHarness({ parallel: 2 });
  for (const primary of [lab.clusters.pg14!.primary, lab.clusters.pg17!.primary]) {
    await primary.sql(`drop database if exists ${DB}`);
    await primary.sql(`create database ${DB}`);
    // Scale 8: pgbench_accounts (~100 MB) is more than a quarter of a stream's share, so the
    // copy cuts it into byte ranges over both streams while pgbench writes to it.
    await initPgbench(primary, { scale: 8, database: DB });
  }
});
after(async () => {
  await h?.dispose();
  for (const primary of [lab?.clusters.pg14?.primary, lab?.clusters.pg17?.primary]) await primary?.sql(`drop database if exists ${DB}`).catch(() => {});
  await lab?.stop();
});

interface Case {
  readonly name: string;
  readonly cluster: () => LabCluster;
  readonly primary: () => LabCluster;
  readonly mode: BackupMode;
  /** Debian's pg_waldump 15 reads neither PG 14's nor PG 17's WAL pages. */
  readonly parseWal: boolean;
}

const cases: Case[] = [
  { name: 'PG 14 primary, exclusive', cluster: () => lab.clusters.pg14!.primary, primary: () => lab.clusters.pg14!.primary, mode: 'exclusive', parseWal: false },
  { name: 'PG 14 primary, concurrent', cluster: () => lab.clusters.pg14!.primary, primary: () => lab.clusters.pg14!.primary, mode: 'concurrent', parseWal: false },
  { name: 'PG 17 primary, concurrent', cluster: () => lab.clusters.pg17!.primary, primary: () => lab.clusters.pg17!.primary, mode: 'concurrent', parseWal: false },
  { name: 'PG 17 standby, concurrent', cluster: () => lab.clusters.pg17!.standby!, primary: () => lab.clusters.pg17!.primary, mode: 'concurrent', parseWal: false },
];

describe('a backup under write load restores, starts and keeps its data', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const cluster = c.cluster();
      const primary = c.primary();
      const marker = `m${Date.now()}`;
      // Committed before the backup starts: must be in the restored cluster, also in the tablespace.
      await primary.sql(
        `create table if not exists backup_marker (tag text primary key) tablespace ${labTablespace};
         insert into backup_marker values ('${marker}');`,
        { database: DB },
      );
      if (cluster !== primary) await cluster.waitCaughtUp(primary);

      const server = labServer(lab, cluster);
      await h.add(server, cluster.password);
      const progress: JobProgress[] = [];
      const off = h.bus.on('job:progress', (p) => progress.push(p));
      const load = runPgbench(primary, { clients: 4, database: DB });
      let done;
      try {
        done = await backupAndWait(h, server.id, c.mode);
      } finally {
        await load.stop();
        off();
      }
      assert.equal(done.status, 'DONE', JSON.stringify(done.error));
      const rec = done.backup;
      assert.equal(rec.mode, c.mode);
      assert.equal(rec.sourceRole, cluster.role);
      assert.ok(rec.tablespaces.length >= 1, 'the tablespace is recorded');
      assert.ok(rec.stopLsn && rec.startLsn && rec.startWal && rec.stopWal);
      assert.ok(progress.some((p) => p.phase === 'copy' && p.bytesTotal > 0));
      const [listed] = await h.service.list(server.id);
      assert.equal(listed.id, done.backupId);
      assert.equal(listed.status, 'DONE');

      const log = readFileSync(join(backupDir(h.root, server.id, done.backupId), LOG_FILE), 'utf8');
      assert.match(log, /big file\(s\) were copied in byte ranges/);
      // Over SSH the database host compresses the streams (the default), tar's and dd's alike.
      assert.match(log, /Network compression: zstd -1 on the database host/);
      assert.equal(rec.copy?.compression, 'zstd');
      assert.ok(rec.copy.wireBytes! > 0 && rec.copy.wireBytes! < rec.copy.bytes / 2, `${rec.copy.wireBytes} bytes sent for ${rec.copy.bytes}`);
      const verify = await verifyBackup(h, server.id, done.backupId, c.parseWal);
      assert.match(verify, /backup successfully verified/);

      const restored = await restoreAndStart(h, server.id, done.backupId, cluster);
      try {
        assert.match(restored.logText(), /consistent recovery state reached/);
        assert.deepEqual(logProblems(restored.logFile), []);
        assert.equal(await restored.sql(`select count(*) from backup_marker where tag = '${marker}'`, { database: DB }), '1');
        assert.equal(await restored.sql('select count(*) from lab_ts_rows'), '1000');
        assert.equal(await pgbenchInvariant(restored, DB), true, 'sum(abalance) = sum(delta) in the restored cluster');
        assert.equal(await restored.sql('select pg_is_in_recovery()'), 'f');
      } finally {
        await restored.stop('immediate');
        removeRestored(restored);
      }
    });
  }
});

test('SHA-256 manifest checksums and no network compression: no byte ranges, verified, restored', async () => {
  const sha = makeHarness({ parallel: 2, manifestChecksums: 'SHA256', networkCompression: 'off' });
  try {
    const cluster = lab.clusters.pg17!.primary;
    const server = labServer(lab, cluster);
    await sha.add(server, cluster.password);
    const done = await backupAndWait(sha, server.id, 'concurrent');
    assert.equal(done.status, 'DONE', JSON.stringify(done.error));
    const manifest = JSON.parse(readFileSync(join(backupDataDir(sha.root, server.id, done.backupId), 'backup_manifest'), 'utf8'));
    assert.ok(manifest.Files.length > 100 && manifest.Files.every((f: { 'Checksum-Algorithm': string }) => f['Checksum-Algorithm'] === 'SHA256'));
    const log = readFileSync(join(backupDir(sha.root, server.id, done.backupId), LOG_FILE), 'utf8');
    assert.doesNotMatch(log, /byte ranges/);
    assert.match(log, /Network compression is off \(settings\)/);
    assert.equal(done.backup.copy?.compression, 'none');
    // tar's headers and padding come on top of the files' bytes.
    assert.ok(done.backup.copy.wireBytes! >= done.backup.copy.bytes);
    assert.match(await verifyBackup(sha, server.id, done.backupId, false), /backup successfully verified/);
    const restored = await restoreAndStart(sha, server.id, done.backupId, cluster);
    try {
      assert.equal(await pgbenchInvariant(restored, DB), true);
    } finally {
      await restored.stop('immediate');
      removeRestored(restored);
    }
  } finally {
    await sha.dispose();
  }
});

test('one stream, SHA-256, under write load: big tables are read whole by zstd on the database host; verified, restored, invariant kept', async () => {
  const one = makeHarness({ parallel: 1, manifestChecksums: 'SHA256' });
  try {
    const cluster = lab.clusters.pg14!.primary;
    const server = labServer(lab, cluster);
    await one.add(server, cluster.password);
    const load = runPgbench(cluster, { clients: 4, database: DB });
    let done;
    try {
      done = await backupAndWait(one, server.id, 'concurrent');
    } finally {
      await load.stop();
    }
    assert.equal(done.status, 'DONE', JSON.stringify(done.error));
    const log = readFileSync(join(backupDir(one.root, server.id, done.backupId), LOG_FILE), 'utf8');
    // pgbench_accounts at scale 8 (~100 MB) is past the 64 MB threshold.
    assert.match(log, /[1-9]\d* big file\(s\) were read whole by zstd on the database host/);
    assert.doesNotMatch(log, /byte ranges/);
    assert.match(await verifyBackup(one, server.id, done.backupId, false), /backup successfully verified/);
    const restored = await restoreAndStart(one, server.id, done.backupId, cluster);
    try {
      assert.match(restored.logText(), /consistent recovery state reached/);
      assert.deepEqual(logProblems(restored.logFile), []);
      assert.equal(await pgbenchInvariant(restored, DB), true, 'sum(abalance) = sum(delta) in the restored cluster');
    } finally {
      await restored.stop('immediate');
      removeRestored(restored);
    }
  } finally {
    await one.dispose();
  }
});
