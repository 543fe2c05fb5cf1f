import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BackupRecord } from '../../shared/models/backup';
import { writeBackupRecord } from '../../electron/engine/backup/catalog';
import { formatChecks } from '../../electron/engine/checks/format-checks';
import { TidemarkError } from '../../electron/engine/errors';
import { getLab, type Lab } from '../lab/lab';
import { startSshd } from '../lab/sshd';
import { byId, checksEnv, dump, labServer, type ChecksEnv } from './checks-fixture';

let lab: Lab;
let env: ChecksEnv;

before(async () => {
  lab = await getLab();
  env = checksEnv();
});
after(() => env?.dispose());

describe('a healthy server passes every check', () => {
  for (const major of [14, 17] as const) {
    test(`PG ${major} primary over SSH: everything ok`, async () => {
      const cluster = lab.clusters[`pg${major}`]!.primary;
      const server = await env.add(labServer(lab, cluster), cluster.password);
      const results = await env.service.run(server.id);
      const notOk = results.filter((r) => r.status !== 'ok' && r.id !== 'backup-age');
      assert.deepEqual(notOk, [], dump(results));
      // No backup yet: the age check warns.
      assert.equal(byId(results, 'backup-age').status, 'warning');
      assert.match(byId(results, 'version').detail, new RegExp(`^PostgreSQL ${major}\\.`));
      assert.match(byId(results, 'privileges').detail, /superuser/);
      assert.match(byId(results, 'ssh-host-key').detail, new RegExp(lab.ssh!.hostKeyFingerprint.replace(/[+/]/g, '\\$&')));
      assert.match(byId(results, 'system-identifier').detail, /belongs to the connected cluster/);
      assert.match(byId(results, 'free-space').detail, /free in .* the cluster is about/);
      // The run remembered what it learned, PGDATA included.
      assert.equal(env.servers.get(server.id)!.facts?.dataDirectory, cluster.pgdata);
      // The CLI's rendering.
      assert.match(formatChecks(results), /^PostgreSQL: OK$/m);
      assert.match(formatChecks(results), /^Last backup age: WARNING \(No successful backup/m);
      // The gate lets warnings through.
      await env.service.gate(server, 'concurrent');
    });
  }

  test('PG 14 in exclusive mode is fine, PG 17 in exclusive mode is refused by the gate', async () => {
    const pg14 = lab.clusters.pg14!.primary;
    const s14 = await env.add(labServer(lab, pg14, { mode: 'exclusive' }), pg14.password);
    const r14 = await env.service.run(s14.id);
    assert.equal(byId(r14, 'mode').status, 'ok', dump(r14));

    const pg17 = lab.clusters.pg17!.primary;
    const s17 = await env.add(labServer(lab, pg17), pg17.password);
    const r17 = await env.service.run(s17.id, 'exclusive');
    assert.equal(byId(r17, 'mode').status, 'failed');
    assert.match(byId(r17, 'mode').detail, /removed in PostgreSQL 15/);
    await assert.rejects(env.service.gate(s17, 'exclusive'), (e: TidemarkError) => {
      assert.equal(e.code, 'CHECKS_FAILED');
      assert.match(e.message, /Backup mode: Exclusive backups do not exist on PostgreSQL 17/);
      assert.match(e.hint ?? '', /concurrent/);
      assert.equal(e.details?.failed, 'mode');
      return true;
    });
  });
});

describe('standby', () => {
  for (const major of [14, 17] as const) {
    test(`PG ${major} standby: streaming and lag reported; exclusive refused`, async () => {
      const { standby } = lab.clusters[`pg${major}`]!;
      const server = await env.add(labServer(lab, standby!), standby!.password);
      const results = await env.service.run(server.id);
      const role = byId(results, 'role');
      assert.equal(role.status, 'ok', dump(results));
      assert.match(role.detail, /^Standby on timeline \d+: WAL receiver streaming from 127\.0\.0\.1:\d+\. Replay lag [\d.]+ \w+, .+\.$/);
      assert.equal(byId(results, 'system-identifier').status, 'ok', dump(results));
      const exclusive = await env.service.run(server.id, 'exclusive');
      assert.equal(byId(exclusive, 'mode').status, 'failed');
    });
  }
});

describe('SSH problems', () => {
  test('a changed host key fails the host key check, and skips the checks needing the files', async () => {
    const other = await startSshd({ clientKeysFrom: lab.ssh });
    try {
      const cluster = lab.clusters.pg17!.primary;
      const base = labServer(lab, cluster);
      const server = await env.add({ ...base, transport: { ...base.transport, port: other.port } as typeof base.transport }, cluster.password);
      const results = await env.service.run(server.id);
      assert.equal(byId(results, 'ssh-reachable').status, 'ok', dump(results));
      const key = byId(results, 'ssh-host-key');
      assert.equal(key.status, 'failed');
      assert.match(key.detail, /has changed/);
      assert.equal(byId(results, 'ssh-login').status, 'skipped');
      assert.equal(byId(results, 'tools').status, 'skipped');
      assert.equal(byId(results, 'pgdata').status, 'skipped');
      // PostgreSQL itself is fine.
      assert.equal(byId(results, 'privileges').status, 'ok');
    } finally {
      await other.stop();
    }
  });

  test('an unknown host key and a refused login', async () => {
    const cluster = lab.clusters.pg17!.primary;
    const base = labServer(lab, cluster);
    if (base.transport.kind !== 'ssh') throw new Error('unreachable');
    const unknown = await env.add({ ...base, id: `${base.id}-u`, transport: { ...base.transport, knownHostKey: undefined } }, cluster.password);
    const r1 = await env.service.run(unknown.id);
    assert.equal(byId(r1, 'ssh-host-key').status, 'failed');
    assert.match(byId(r1, 'ssh-host-key').detail, /is not known yet.*SHA256:/);

    const wrongUser = await env.add({ ...base, id: `${base.id}-w`, transport: { ...base.transport, user: 'nobody' } }, cluster.password);
    const r2 = await env.service.run(wrongUser.id);
    assert.equal(byId(r2, 'ssh-reachable').status, 'ok', dump(r2));
    assert.equal(byId(r2, 'ssh-host-key').status, 'ok', dump(r2));
    assert.equal(byId(r2, 'ssh-login').status, 'failed');
    assert.match(byId(r2, 'ssh-login').detail, /refused SSH login as "nobody"/);
  });

  test('PGDATA pointing at another cluster: not this server\'s data directory, and another system identifier', async () => {
    const pg17 = lab.clusters.pg17!.primary;
    const pg14 = lab.clusters.pg14!.primary;
    const server = await env.add(labServer(lab, pg17, { pgdata: pg14.pgdata }), pg17.password);
    const results = await env.service.run(server.id);
    const pgdata = byId(results, 'pgdata');
    assert.equal(pgdata.status, 'failed', dump(results));
    assert.match(pgdata.detail, /holds a PostgreSQL 14 data directory, but the server runs PostgreSQL 17/);
    const sysid = byId(results, 'system-identifier');
    assert.equal(sysid.status, 'failed');
    assert.match(sysid.detail, /belongs to cluster \d+, but PostgreSQL at 127\.0\.0\.1:\d+ is cluster \d+/);

    const missing = await env.add(labServer(lab, pg17, { id: `${server.id}-m`, pgdata: '/nonexistent/pgdata' }), pg17.password);
    const r2 = await env.service.run(missing.id);
    assert.equal(byId(r2, 'pgdata').status, 'failed');
    assert.match(byId(r2, 'pgdata').detail, /\/nonexistent\/pgdata does not exist on ssh postgres@127\.0\.0\.1:\d+ as postgres/);
  });
});

describe('catalog and history', () => {
  const record = (over: Partial<BackupRecord>): BackupRecord => ({
    id: 'x',
    label: 'x',
    serverId: 'x',
    serverName: 'x',
    mode: 'concurrent',
    sourceRole: 'primary',
    pgVersion: '17',
    pgVersionNum: 170000,
    systemIdentifier: '1',
    startedAt: new Date(Date.now() - 3_600_000).toISOString(),
    endedAt: new Date(Date.now() - 3_000_000).toISOString(),
    sizeBytes: 1,
    fileCount: 1,
    tablespaces: [],
    status: 'DONE',
    ...over,
  });

  test('previous backups of this cluster are ok; one of another cluster fails the gate', async () => {
    const cluster = lab.clusters.pg17!.primary;
    const server = await env.add(labServer(lab, cluster, { minBackups: 2 }), cluster.password);
    const sysid = await cluster.sql('select system_identifier from pg_control_system()');
    const base = { serverId: server.id, serverName: server.name };
    await writeBackupRecord(env.root, record({ ...base, id: '20240101T000000Z', systemIdentifier: sysid }));
    let results = await env.service.run(server.id);
    assert.equal(byId(results, 'catalog-system-id').status, 'ok', dump(results));
    assert.equal(byId(results, 'backup-age').status, 'ok');
    assert.equal(byId(results, 'minimum-backups').status, 'warning');
    assert.equal(byId(results, 'failed-backups').status, 'ok');

    await writeBackupRecord(
      env.root,
      record({ ...base, id: '20240102T000000Z', status: 'FAILED', startedAt: new Date(Date.now() - 60_000).toISOString(), error: { code: 'BACKUP_FAILED', message: 'disk full' } }),
    );
    await writeBackupRecord(env.root, record({ ...base, id: '20230101T000000Z', systemIdentifier: '6999999999999999999', startedAt: '2023-01-01T00:00:00Z', endedAt: '2023-01-01T01:00:00Z' }));
    results = await env.service.run(server.id);
    const coherent = byId(results, 'catalog-system-id');
    assert.equal(coherent.status, 'failed');
    assert.match(coherent.detail, /1 of the 2 previous backups of this server come from another cluster \(system identifier 6999999999999999999/);
    assert.equal(byId(results, 'failed-backups').status, 'warning');
    assert.match(byId(results, 'failed-backups').detail, /disk full/);
    assert.equal(byId(results, 'minimum-backups').status, 'ok');
    await assert.rejects(env.service.gate(server, 'concurrent'), (e: TidemarkError) => {
      assert.equal(e.code, 'CHECKS_FAILED');
      assert.equal(e.details?.failed, 'catalog-system-id');
      assert.match(e.message, /Same cluster as previous backups/);
      return true;
    });
  });

  test('a backup root that cannot be written fails', async () => {
    const other = checksEnv({ backupRoot: '/proc/tidemark-backups' });
    try {
      const cluster = lab.clusters.pg17!.primary;
      const server = await other.add(labServer(lab, cluster), cluster.password);
      const results = await other.service.run(server.id);
      assert.equal(byId(results, 'backup-root').status, 'failed', dump(results));
    } finally {
      other.dispose();
    }
  });
});
