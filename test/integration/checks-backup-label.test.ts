import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TidemarkError } from '../../electron/engine/errors';
import { LabCluster, sleep } from '../lab/cluster';
import { getLab, type Lab } from '../lab/lab';
import { writePostgresFile } from '../lab/os-user';
import { byId, checksEnv, dump, labServer, type ChecksEnv } from './checks-fixture';
import { leaveExclusiveBackup } from '../lab/leftover-backup';

let lab: Lab;
let env: ChecksEnv;

before(async () => {
  lab = await getLab();
  env = checksEnv();
});
after(() => env?.dispose());

describe('PG 14, a disposable cluster: exclusive backups left behind', () => {
  let dir: string;
  let cluster: LabCluster;

  before(async () => {
    dir = mkdtempSync('/tmp/tidemark-checks-pg14-');
    cluster = await LabCluster.init(14, { name: 'leftover', dir });
    await cluster.start();
  });
  after(async () => {
    await cluster?.stop('immediate').catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  test('a leftover exclusive backup is a warning with since-when, and the action stops it', async () => {
    // No pgdata in the server entry: the first run learns it (and it is needed in the next test).
    const server = await env.add(labServer(lab, cluster, { id: 'pg14-leftover' }), cluster.password);
    try {
      await leaveExclusiveBackup(cluster, 'crashed tool');
      let results = await env.service.run(server.id);
      const leftover = byId(results, 'backup-in-progress');
      assert.equal(leftover.status, 'warning', dump(results));
      assert.match(leftover.detail, /^An exclusive backup has been in progress since \d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ s ago\)/);
      assert.equal(leftover.action?.id, 'stop-leftover-backup');
      assert.equal(leftover.action?.label, 'Stop the leftover backup');
      assert.match(leftover.action?.confirm ?? '', /pg_stop_backup\(\)/);
      // Its backup_label belongs to that backup: not reported twice.
      assert.equal(byId(results, 'backup-label').status, 'ok');
      // A warning lets a concurrent backup through; an exclusive one could not start.
      await env.service.gate(env.servers.get(server.id)!, 'concurrent');
      await assert.rejects(env.service.gate(env.servers.get(server.id)!, 'exclusive'), (e: TidemarkError) => {
        assert.equal(e.code, 'CHECKS_FAILED');
        assert.match(e.message, /Leftover exclusive backup: An exclusive backup has been in progress/);
        return true;
      });
      // Tidemark's own exclusive backup is not a leftover.
      env.running.set(server.id, { mode: 'exclusive' });
      results = await env.service.run(server.id);
      assert.equal(byId(results, 'backup-in-progress').status, 'ok');
      await assert.rejects(env.service.fix(server.id, 'backup-in-progress', 'stop-leftover-backup'), { code: 'BACKUP_BUSY' });
      // …but the gate is asked by a job that has started nothing yet: it must not count itself.
      await assert.rejects(env.service.gate(env.servers.get(server.id)!, 'exclusive'), { code: 'CHECKS_FAILED' });
      env.running.delete(server.id);

      // PostgreSQL runs but Tidemark cannot log in: over SSH, backup_label and a live postmaster.
      const wrongPassword = await env.add({ ...env.servers.get(server.id)!, id: 'pg14-wrong-pw' }, 'not-the-password');
      results = await env.service.run(wrongPassword.id);
      assert.equal(byId(results, 'postgresql').status, 'failed');
      const label = byId(results, 'backup-label');
      assert.equal(label.status, 'warning', dump(results));
      assert.match(label.detail, /label "crashed tool".*a postmaster runs \(PID \d+\) but Tidemark cannot connect/);

      // The CLI names the action alone (`tidemark check db --fix stop-leftover-backup`).
      results = await env.service.fix(server.id, 'stop-leftover-backup', 'stop-leftover-backup');
      assert.equal(byId(results, 'backup-in-progress').status, 'ok', dump(results));
      assert.equal(await cluster.sql('select pg_is_in_backup()'), 'f');
      assert.equal(existsSync(join(cluster.pgdata, 'backup_label')), false);
    } finally {
      env.running.delete(server.id);
      if ((await cluster.sql('select pg_is_in_backup()')) === 't') await cluster.sql('select pg_stop_backup(true, false)');
    }
  });

  test('stopped with -m immediate during an exclusive backup: PostgreSQL 14 cancels the backup itself', async () => {
    const server = env.servers.get('pg14-leftover')!;
    await cluster.sql("select pg_start_backup('before the stop', true, true)");
    await cluster.stop('immediate');
    try {
      // The postmaster renames backup_label to backup_label.old even on an immediate shutdown
      // ("online backup mode canceled"): nothing stale is left, and the checks say so over SSH.
      const results = await env.service.run(server.id);
      assert.equal(byId(results, 'postgresql').status, 'failed');
      const label = byId(results, 'backup-label');
      assert.equal(label.status, 'ok', dump(results));
      assert.match(label.detail, /^PostgreSQL is not reachable; no backup_label in .*\/data on ssh /);
      assert.ok(existsSync(join(cluster.pgdata, 'backup_label.old')));
    } finally {
      await cluster.start();
    }
  });

  test('crashed (postmaster killed) during an exclusive backup: caught over SSH while down, and the hint works', async () => {
    const server = env.servers.get('pg14-leftover')!;
    assert.equal(server.pgdata, undefined);
    assert.equal(server.facts?.dataDirectory, cluster.pgdata, 'learned by an earlier run');
    await cluster.sql("select pg_start_backup('before the crash', true, true)");
    await crash(cluster);
    try {
      const started = Date.now();
      const results = await env.service.run(server.id);
      assert.ok(Date.now() - started < 12_000);
      assert.equal(byId(results, 'postgresql').status, 'failed');
      const label = byId(results, 'backup-label');
      assert.equal(label.status, 'failed', dump(results));
      assert.match(
        label.detail,
        /^PostgreSQL is down and .*\/data on ssh postgres@127\.0\.0\.1:\d+ holds a backup_label \(label "before the crash", started [^)]+\): an exclusive backup was interrupted\. postmaster\.pid names PID \d+, which is not a running postgres/,
      );
      assert.match(label.hint ?? '', /mv .*\/backup_label .*\/backup_label\.old/);
      // The files are still checked over SSH while PostgreSQL is down.
      assert.equal(byId(results, 'pgdata').status, 'ok');
      assert.equal(byId(results, 'system-identifier').status, 'skipped');
      await assert.rejects(env.service.gate(server, 'concurrent'), (e: TidemarkError) => {
        assert.equal(e.code, 'CHECKS_FAILED');
        assert.match(e.details?.failed ?? '', /^postgresql,.*backup-label/);
        assert.match(e.message, /Stale backup_label: PostgreSQL is down/);
        return true;
      });

      // Do what the hint says, start, and everything is fine again.
      renameSync(join(cluster.pgdata, 'backup_label'), join(cluster.pgdata, 'backup_label.old'));
    } finally {
      // Whatever happened above, leave a startable cluster behind.
      if (existsSync(join(cluster.pgdata, 'backup_label'))) renameSync(join(cluster.pgdata, 'backup_label'), join(cluster.pgdata, 'backup_label.crashed'));
      await cluster.start();
    }
    const after = await env.service.run(server.id);
    assert.equal(byId(after, 'backup-label').status, 'ok', dump(after));
    assert.equal(byId(after, 'backup-in-progress').status, 'ok');
  });
});

/** Kills the postmaster with SIGKILL, as a power cut or the OOM killer would, and waits for its children to go. */
async function crash(cluster: LabCluster): Promise<void> {
  const pid = Number(readFileSync(join(cluster.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  while ([pid, ...children].some((p) => existsSync(`/proc/${p}`))) {
    if (Date.now() > deadline) throw new Error('the crashed cluster\'s processes did not exit');
    await sleep(100);
  }
}

describe('PG 17, the shared primary', () => {
  test('a backup_label planted in a running PGDATA fails, saying what to move away', async () => {
    const cluster = lab.clusters.pg17!.primary;
    const server = await env.add(labServer(lab, cluster, { pgdata: cluster.pgdata }), cluster.password);
    const planted = join(cluster.pgdata, 'backup_label');
    writePostgresFile(planted, 'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nLABEL: planted\n');
    try {
      const results = await env.service.run(server.id);
      const label = byId(results, 'backup-label');
      assert.equal(label.status, 'failed', dump(results));
      assert.match(label.detail, /^A backup_label file is in .*\/data, written \d{4}-.* ago\), but no exclusive backup is in progress \(PostgreSQL 15\+ never writes one there\)\.$/);
      assert.ok(label.hint?.includes(`mv ${cluster.pgdata}/backup_label ${cluster.pgdata}/backup_label.stale`), String(label.hint));
      assert.match(label.hint ?? '', /take this server for a restored backup/);
      await assert.rejects(env.service.gate(server, 'concurrent'), { code: 'CHECKS_FAILED' });
    } finally {
      rmSync(planted, { force: true });
    }
    const clean = await env.service.run(server.id);
    assert.equal(byId(clean, 'backup-label').status, 'ok');
  });
});
