import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckContext } from '../../../../electron/engine/checks/check';
import { versionCheck } from '../../../../electron/engine/checks/connection-checks';
import { modeCheck } from '../../../../electron/engine/checks/replication-checks';
import type { ServerFactsSnapshot } from '../../../../electron/engine/pg/server-facts';
import { offlineContext } from './offline-context';

// What queryServerFacts() answered; the lab has no PostgreSQL 9.6 to answer it for real.
const withFacts = (facts: Partial<ServerFactsSnapshot>, mode: 'concurrent' | 'exclusive' = 'concurrent'): CheckContext => ({
  ...offlineContext(),
  mode,
  facts: async () => ({ version: '17.2', versionNum: 170002, role: 'primary', dataDirectory: null, systemIdentifier: '1', timeline: 1, ...facts }),
});

test('below PostgreSQL 10 the version check fails and states the minimum plainly', async () => {
  const r = await versionCheck.run(withFacts({ version: '9.6.24', versionNum: 90624 }));
  assert.equal(r.status, 'failed');
  assert.equal(r.detail, 'PostgreSQL 9.6.24 is not supported: Tidemark needs PostgreSQL 10 or later.');
  assert.match(r.hint ?? '', /PostgreSQL 9\.6 has no temporary replication slots/);
  assert.equal((await versionCheck.run(withFacts({ version: '10.23', versionNum: 100023 }))).status, 'ok');
});

test('exclusive mode needs PostgreSQL 14 or older and a primary', async () => {
  assert.equal((await modeCheck.run(withFacts({ versionNum: 140010 }, 'exclusive'))).status, 'ok');
  const standby = await modeCheck.run(withFacts({ versionNum: 140010, role: 'standby' }, 'exclusive'));
  assert.equal(standby.status, 'failed');
  assert.match(standby.detail, /only run on a primary/);
  const pg15 = await modeCheck.run(withFacts({ versionNum: 150004 }, 'exclusive'));
  assert.equal(pg15.status, 'failed');
  assert.match(pg15.detail, /PostgreSQL 15/);
  assert.equal((await modeCheck.run(withFacts({ versionNum: 170002, role: 'standby' }))).status, 'ok');
});
