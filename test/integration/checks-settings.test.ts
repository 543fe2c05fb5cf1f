import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TidemarkError } from '../../electron/engine/errors';
import { LabCluster, sleep } from '../lab/cluster';
import { getLab, type Lab } from '../lab/lab';
import { makeStandby } from '../lab/standby';
import { byId, checksEnv, dump, labServer, type ChecksEnv } from './checks-fixture';

// Disposable clusters only: these tests break settings and replication on purpose.
let lab: Lab;
let env: ChecksEnv;
let dir: string;

before(async () => {
  lab = await getLab();
  env = checksEnv();
  dir = mkdtempSync('/tmp/tidemark-checks-settings-');
});
after(() => {
  env?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('server settings a backup cannot live with', () => {
  let cluster: LabCluster;
  before(async () => {
    cluster = await LabCluster.init(17, {
      name: 'minimal',
      dir,
      settings: { wal_level: 'minimal', max_wal_senders: 0, full_page_writes: false, max_replication_slots: 0, wal_keep_size: 0 },
    });
    await cluster.start();
  });
  after(async () => {
    await cluster?.stop('immediate').catch(() => {});
  });

  test('wal_level minimal, full_page_writes off and no replication slot: each failed with its remedy; the gate names all three', async () => {
    const server = await env.add(labServer(lab, cluster), cluster.password);
    const results = await env.service.run(server.id);
    const wal = byId(results, 'wal-level');
    assert.equal(wal.status, 'failed', dump(results));
    assert.match(wal.detail, /^wal_level = minimal/);
    assert.match(wal.hint ?? '', /ALTER SYSTEM SET wal_level = 'replica'; then restart PostgreSQL/);
    const fpw = byId(results, 'full-page-writes');
    assert.equal(fpw.status, 'failed');
    assert.match(fpw.hint ?? '', /full_page_writes = on/);
    const slot = byId(results, 'replication-slot');
    assert.equal(slot.status, 'failed');
    assert.match(slot.detail, /max_replication_slots = 0 and 0 are in use/);
    await assert.rejects(env.service.gate(server, 'concurrent'), (e: TidemarkError) => {
      assert.equal(e.code, 'CHECKS_FAILED');
      assert.equal(e.details?.failed, 'wal-level,full-page-writes,replication-slot');
      assert.match(e.message, /3 checks failed — wal_level: .* — full_page_writes: .* — Free replication slot: /);
      return true;
    });
  });
});

describe('a standby whose primary is gone', () => {
  let primary: LabCluster;
  let standby: LabCluster;
  before(async () => {
    primary = await LabCluster.init(14, { name: 'lonely-primary', dir });
    await primary.start();
    standby = await makeStandby(primary, 'lonely-standby', { dir });
  });
  after(async () => {
    await standby?.stop('immediate').catch(() => {});
    await primary?.stop('immediate').catch(() => {});
  });

  test('streaming is reported, then a warning once the WAL receiver is gone', async () => {
    const server = await env.add(labServer(lab, standby), standby.password);
    let role = byId(await env.service.run(server.id), 'role');
    assert.equal(role.status, 'ok');
    assert.match(role.detail, /WAL receiver streaming from 127\.0\.0\.1:\d+\. Replay lag/);

    await primary.stop('fast');
    const deadline = Date.now() + 30_000;
    while ((await standby.sql('select count(*) from pg_stat_wal_receiver')) !== '0') {
      if (Date.now() > deadline) throw new Error('the WAL receiver did not stop');
      await sleep(200);
    }
    const results = await env.service.run(server.id);
    role = byId(results, 'role');
    assert.equal(role.status, 'warning', dump(results));
    assert.match(role.detail, /^Standby on timeline 1: no WAL receiver is running\./);
    assert.match(role.hint ?? '', /primary_conninfo/);
  });
});

describe('free space', () => {
  test('a backup root on a 1 MB file system: warning with the sizes', async (t) => {
    const mnt = join(dir, 'tiny');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
    } catch {
      t.skip('cannot mount a tmpfs here (needs root and mount privileges)');
      return;
    }
    const tiny = checksEnv({ backupRoot: join(mnt, 'backups') });
    try {
      const cluster = lab.clusters.pg17!.primary;
      const server = await tiny.add(labServer(lab, cluster), cluster.password);
      const results = await tiny.service.run(server.id);
      const space = byId(results, 'free-space');
      assert.equal(space.status, 'warning', dump(results));
      assert.match(space.detail, /^Not enough room for a full backup: [\d.]+ (kB|MB|bytes) free in .*tiny; the cluster is about \d+ MB/);
      assert.equal(byId(results, 'backup-root').status, 'ok');
      // A warning does not block.
      await tiny.service.gate(server, 'concurrent');
    } finally {
      tiny.dispose();
      execFileSync('umount', [mnt]);
    }
  });
});
