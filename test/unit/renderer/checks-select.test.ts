import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CheckResult, CheckStatus } from '../../../shared/models/check';
import { bannerChecks, countByStatus, groupChecks, worstStatus } from '../../../renderer/features/checks/checks-select';

const check = (id: string, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult => ({
  id,
  title: id,
  status,
  detail: `${id} detail`,
  critical: false,
  durationMs: 1,
  ...extra,
});

it('groups failed, warning, skipped, then passed, keeping the engine order within a group', () => {
  const results = [check('a', 'ok'), check('b', 'failed'), check('c', 'warning'), check('d', 'failed'), check('e', 'skipped')];
  assert.deepEqual(
    groupChecks(results).map((g) => `${g.status}:${g.results.map((r) => r.id).join('')}`),
    ['failed:bd', 'warning:c', 'skipped:e', 'ok:a'],
  );
  assert.deepEqual(countByStatus(results), { failed: 2, warning: 1, skipped: 1, ok: 1 });
});

it('the worst status is what the sidebar shows', () => {
  assert.equal(worstStatus(undefined), undefined);
  assert.equal(worstStatus([check('a', 'ok')]), 'ok');
  assert.equal(worstStatus([check('a', 'ok'), check('b', 'skipped')]), 'skipped');
  assert.equal(worstStatus([check('a', 'warning'), check('b', 'skipped')]), 'warning');
  assert.equal(worstStatus([check('a', 'warning'), check('b', 'failed')]), 'failed');
});

it('a leftover backup, a stale backup_label or any problem with a remedy makes a banner', () => {
  const action = { id: 'stop', label: 'Stop it', confirm: 'Sure?' };
  const results = [
    check('backup-in-progress', 'warning', { action }),
    check('backup-label', 'failed'),
    check('wal-level', 'failed'),
    check('other', 'warning', { action }),
    check('backup-label-ok', 'ok', { action }),
  ];
  assert.deepEqual(
    bannerChecks(results).map((r) => r.id),
    ['backup-in-progress', 'backup-label', 'other'],
  );
  assert.deepEqual(bannerChecks([check('backup-label', 'ok')]), []);
});
