import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ok, type Check } from '../../../../electron/engine/checks/check';
import { runChecks } from '../../../../electron/engine/checks/run-checks';
import { TidemarkError } from '../../../../electron/engine/errors';
import { offlineContext } from './offline-context';

const check = (id: string, over: Partial<Check>): Check => ({
  id,
  title: id,
  critical: true,
  timeoutMs: 1000,
  needs: [],
  run: async () => ok('fine'),
  ...over,
});

test('results keep the declared order, checks run in parallel, non-applicable ones are left out', async () => {
  const started = Date.now();
  const results = await runChecks(
    [
      check('slow', { run: () => new Promise((r) => setTimeout(() => r(ok('slow')), 200)) }),
      check('fast', {}),
      check('ssh-only', { applies: (s) => s.transport.kind === 'ssh' }),
      check('also-slow', { run: () => new Promise((r) => setTimeout(() => r(ok('slow')), 200)) }),
    ],
    offlineContext(),
  );
  assert.deepEqual(results.map((r) => r.id), ['slow', 'fast', 'also-slow']);
  assert.ok(Date.now() - started < 380, 'the two slow checks overlapped');
});

test('a check needing an unreachable PostgreSQL is skipped with the reason', async () => {
  const [r] = await runChecks([check('needs-pg', { needs: ['pg'], run: async (ctx) => (await ctx.pg(), ok('x')) })], offlineContext());
  assert.equal(r.status, 'skipped');
  assert.match(r.detail, /PostgreSQL is not reachable: Connection refused/);
});

test('a check that overruns its timeout: failed when critical, warning otherwise', async () => {
  const hang = (): Promise<never> => new Promise(() => {});
  const results = await runChecks(
    [check('crit', { timeoutMs: 50, run: hang }), check('soft', { timeoutMs: 50, critical: false, run: hang })],
    offlineContext(),
  );
  assert.deepEqual(results.map((r) => r.status), ['failed', 'warning']);
  assert.match(results[0].detail, /^No answer within 50 ms\.$/);
});

test('an error thrown by a check becomes its result, with the hint', async () => {
  const [r] = await runChecks(
    [check('boom', { run: async () => { throw new TidemarkError('PG_QUERY', 'permission denied for function x', { hint: 'grant it' }); } })],
    offlineContext(),
  );
  assert.equal(r.status, 'failed');
  assert.equal(r.detail, 'permission denied for function x');
  assert.equal(r.hint, 'grant it');
  assert.equal(r.critical, true);
  assert.equal(typeof r.durationMs, 'number');
});
