import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { getLab, type Lab } from '../lab/lab';
import { createCheckService, type CheckService } from '../../electron/engine/checks/check-service';
import { backupAndWait, makeHarness } from './backup-harness';
import { byId, checksEnv, dump, labServer, type ChecksEnv } from './checks-fixture';

let lab: Lab;
let env: ChecksEnv;

before(async () => {
  lab = await getLab();
  env = checksEnv();
});
after(() => env?.dispose());

const expected = {
  14: ['pg_start_backup(text, boolean, boolean)', 'pg_stop_backup(boolean, boolean)'],
  17: ['pg_backup_start(text, boolean)', 'pg_backup_stop(boolean)'],
} as const;

for (const major of [14, 17] as const) {
  test(`PG ${major}: a plain LOGIN role gets every missing grant named; once granted, ok`, async () => {
    const cluster = lab.clusters[`pg${major}`]!.primary;
    const role = `tm_backup_${randomBytes(3).toString('hex')}`;
    const password = randomBytes(9).toString('hex');
    await cluster.sql(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    try {
      const server = await env.add(labServer(lab, cluster, { user: role, pgdata: cluster.pgdata }), password);
      let results = await env.service.run(server.id);
      const priv = byId(results, 'privileges');
      assert.equal(priv.status, 'failed', dump(results));
      for (const fn of expected[major]) {
        assert.ok(priv.detail.includes(`EXECUTE on ${fn}`), priv.detail);
        assert.ok(priv.hint?.includes(`GRANT EXECUTE ON FUNCTION pg_catalog.${fn} TO ${role};`), String(priv.hint));
      }
      assert.match(priv.detail, /membership in pg_read_all_settings/);
      assert.match(priv.detail, /the REPLICATION attribute/);
      assert.ok(priv.hint?.includes(`GRANT pg_read_all_settings TO ${role};`));
      assert.ok(priv.hint?.includes(`ALTER ROLE ${role} REPLICATION;`));
      // Without pg_stat_file the stale backup_label is still looked for, over SSH.
      assert.equal(byId(results, 'backup-label').status, 'ok', dump(results));
      assert.match(byId(results, 'backup-label').detail, /looked on ssh /);

      // Run exactly what the hint says, as a superuser.
      const statements = priv.hint!.split('\n').filter((l) => /^(GRANT|ALTER ROLE)/.test(l));
      assert.equal(statements.length, 4);
      await cluster.sql(statements.join('\n'));
      results = await env.service.run(server.id);
      const notOk = results.filter((r) => r.status !== 'ok' && r.id !== 'backup-age');
      assert.deepEqual(notOk, [], dump(results));
      assert.match(byId(results, 'privileges').detail, /is not a superuser but has every grant a backup needs/);

      // "Every grant a backup needs" is a promise: a real backup as that role, through the gate.
      let gate: CheckService | undefined;
      const h = makeHarness({}, { gate: (s, m) => gate!.gate(s, m) });
      try {
        gate = createCheckService(h.ctx, { runningJob: (id) => h.service.runningJob(id) });
        await h.add(server, password);
        const done = await backupAndWait(h, server.id);
        assert.equal(done.status, 'DONE', JSON.stringify(done.error));
      } finally {
        await h.dispose();
      }
    } finally {
      await cluster.sql(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
}
