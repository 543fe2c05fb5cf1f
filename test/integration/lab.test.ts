import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../lab/exec';
import { getLab, type Lab } from '../lab/lab';
import { LabCluster } from '../lab/cluster';
import type { LabMajor } from '../lab/pg-bin';
import { setAutoConf } from '../lab/pg-conf';
import { writePostgresFile } from '../lab/os-user';
import { onProcessExit } from '../lab/process-exit';
import { initPgbench, pgbenchInvariant, runPgbench } from '../lab/pgbench';
import { startSshd, type LabSshdInfo } from '../lab/sshd';
import { labTablespaceRows, labTablespaceTable } from '../lab/tablespace';

const majors: readonly LabMajor[] = [14, 17];
let lab: Lab;
const scratch = mkdtempSync('/tmp/tidemark-labtest-');

before(async () => {
  lab = await getLab();
});

// Also on a crash or Ctrl-C, after the clusters made here have been stopped.
onProcessExit(() => rmSync(scratch, { recursive: true, force: true }));

function pair(major: LabMajor) {
  const found = lab.clusters[`pg${major}`];
  assert.ok(found, `lab has no pg${major}`);
  return found;
}

describe('lab clusters', () => {
  for (const major of majors) {
    it(`pg${major} primary and standby run PostgreSQL ${major}`, async () => {
      const { primary, standby } = pair(major);
      for (const cluster of [primary, standby!]) {
        const version = await cluster.sql('select version()');
        assert.match(version, new RegExp(`^PostgreSQL ${major}\\.`));
        assert.equal(await cluster.sql('show data_checksums'), 'on');
      }
    });

    it(`pg${major} standby is in recovery and streaming from its primary`, async () => {
      const { primary, standby } = pair(major);
      assert.equal(await primary.sql('select pg_is_in_recovery()'), 'f');
      assert.equal(await standby!.sql('select pg_is_in_recovery()'), 't');
      assert.equal(await standby!.sql('select status from pg_stat_wal_receiver'), 'streaming');
      assert.equal(await primary.sql(`select count(*) from pg_stat_replication where application_name = '${standby!.name}'`), '1');
      assert.equal(
        await primary.sql('select system_identifier from pg_control_system()'),
        await standby!.sql('select system_identifier from pg_control_system()'),
      );
    });

    it(`pg${major} tablespace lab_ts lives outside PGDATA and its rows reach the standby`, async () => {
      const { primary, standby } = pair(major);
      const location = await primary.sql(`select pg_tablespace_location(oid) from pg_tablespace where spcname = 'lab_ts'`);
      assert.equal(location, primary.tablespaceDir);
      assert.ok(!location.startsWith(primary.pgdata + '/'));
      assert.equal(await standby!.sql(`select pg_tablespace_location(oid) from pg_tablespace where spcname = 'lab_ts'`), standby!.tablespaceDir);
      await standby!.waitCaughtUp(primary);
      const count = `select count(*) from ${labTablespaceTable}`;
      assert.equal(await primary.sql(count), String(labTablespaceRows));
      assert.equal(await standby!.sql(count), await primary.sql(count));
    });
  }

  it('pgbench keeps its invariant under load, on the primary and its standby', async () => {
    const { primary, standby } = pair(17);
    await primary.sql('drop database if exists lab_selftest; create database lab_selftest;');
    try {
      await initPgbench(primary, { scale: 1, database: 'lab_selftest' });
      const load = runPgbench(primary, { clients: 2, database: 'lab_selftest' });
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await load.stop();
      assert.ok(Number(await primary.sql('select count(*) from pgbench_history', { database: 'lab_selftest' })) > 0);
      assert.equal(await pgbenchInvariant(primary, 'lab_selftest'), true);
      await standby!.waitCaughtUp(primary);
      assert.equal(await pgbenchInvariant(standby!, 'lab_selftest'), true);
    } finally {
      await primary.sql('drop database if exists lab_selftest');
    }
  });
});

describe('lab sshd', () => {
  function ssh(info: LabSshdInfo, knownHosts: string, key: string, command: string) {
    return exec('ssh', [
      '-i', key, '-p', String(info.port),
      '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10',
      `${info.user}@${info.host}`, command,
    ]);
  }

  it('accepts the client keys as postgres with a pinned host key', async () => {
    const info = lab.ssh!;
    const knownHosts = join(scratch, 'known_hosts');
    writeFileSync(knownHosts, `${info.knownHostsLine}\n`);
    assert.equal((await ssh(info, knownHosts, info.clientKeyPath, 'id -un')).stdout.trim(), 'postgres');
    assert.equal((await ssh(info, knownHosts, info.rsaKeyPath, 'id -un')).stdout.trim(), 'postgres');
    const { stdout } = await exec('ssh-keygen', ['-l', '-E', 'sha256', '-F', `[127.0.0.1]:${info.port}`, '-f', knownHosts]);
    assert.ok(stdout.includes(info.hostKeyFingerprint), stdout);
    assert.match(info.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    // The encrypted key opens with its passphrase only.
    await exec('ssh-keygen', ['-y', '-P', info.passphrase, '-f', info.encryptedKeyPath]);
    await assert.rejects(exec('ssh-keygen', ['-y', '-P', 'wrong', '-f', info.encryptedKeyPath]));
  });

  it('a second sshd has a new host key, accepts the same client keys, and fails a stale pin', async () => {
    const info = lab.ssh!;
    const second = await startSshd({ clientKeysFrom: info });
    try {
      assert.notEqual(second.hostKeyFingerprint, info.hostKeyFingerprint);
      const fresh = join(scratch, 'known_hosts_second');
      writeFileSync(fresh, `${second.knownHostsLine}\n`);
      assert.equal((await ssh(second, fresh, info.clientKeyPath, 'id -un')).stdout.trim(), 'postgres');
      const stale = join(scratch, 'known_hosts_stale');
      writeFileSync(stale, `[127.0.0.1]:${second.port} ${info.hostPublicKey}\n`);
      await assert.rejects(ssh(second, stale, info.clientKeyPath, 'true'), /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    } finally {
      await second.stop();
    }
  });
});

describe('LabCluster.fromDataDir', () => {
  it('starts a copy of a stopped cluster, as a primary and (with standby.signal) as a standby', async () => {
    const source = await LabCluster.init(17, { name: 'adopt-source', dir: scratch });
    try {
      await source.start();
      await source.sql('create table adopted (id int); insert into adopted select generate_series(1, 42);');
      await source.stop();
      // Copies made as root in a root-only folder: fromDataDir must fix ownership and access.
      const copies = mkdtempSync(join(scratch, 'copies-'));
      await exec('cp', ['-a', source.pgdata, join(copies, 'as-primary')]);
      await exec('cp', ['-a', source.pgdata, join(copies, 'as-standby')]);
      await exec('chown', ['-R', 'root:root', copies]);

      const copy = await LabCluster.fromDataDir(join(copies, 'as-primary'), 17, { name: 'adopted-primary', password: source.password });
      assert.equal(copy.role, 'primary');
      assert.notEqual(copy.port, source.port);
      await copy.start();
      try {
        assert.equal(await copy.sql('select count(*) from adopted'), '42');
        assert.equal(await copy.sql('select pg_is_in_recovery()'), 'f');
      } finally {
        await copy.stop();
      }

      await source.start();
      const standbyDir = join(copies, 'as-standby');
      writePostgresFile(join(standbyDir, 'standby.signal'), '');
      setAutoConf(standbyDir, { primary_conninfo: `host=127.0.0.1 port=${source.port} user=postgres password=${source.password}` });
      const standby = await LabCluster.fromDataDir(standbyDir, 17, { name: 'adopted-standby', password: source.password });
      assert.equal(standby.role, 'standby');
      await standby.start();
      try {
        await standby.waitStreaming();
        await source.sql('insert into adopted values (43)');
        await standby.waitCaughtUp(source);
        assert.equal(await standby.sql('select count(*) from adopted'), '43');
      } finally {
        await standby.stop();
      }
    } finally {
      await source.stop('immediate');
    }
  });
});
