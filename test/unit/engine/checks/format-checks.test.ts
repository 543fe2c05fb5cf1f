import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckResult } from '../../../../shared/models/check';
import { formatChecks } from '../../../../electron/engine/checks/format-checks';

const result = (r: Partial<CheckResult> & Pick<CheckResult, 'title' | 'status' | 'detail'>): CheckResult => ({
  id: r.title,
  critical: true,
  durationMs: 1,
  ...r,
});

test('Barman-style lines: OK, FAILED (hint) with the detail below, WARNING (detail)', () => {
  const text = formatChecks([
    result({ title: 'PostgreSQL', status: 'ok', detail: 'Connected.' }),
    result({ title: 'Backup privileges', status: 'failed', detail: 'Role x lacks things.', hint: 'As a superuser, run:\nGRANT a;\nGRANT b;' }),
    result({ title: 'wal_level', status: 'failed', detail: 'wal_level = minimal.' }),
    result({ title: 'Last backup age', status: 'warning', detail: 'No successful backup yet.', hint: 'Take one.' }),
    result({ title: 'SSH login', status: 'skipped', detail: 'Not reached.' }),
  ]);
  assert.equal(
    text,
    [
      'PostgreSQL: OK',
      'Backup privileges: FAILED (As a superuser, run: GRANT a; GRANT b;)',
      '    Role x lacks things.',
      'wal_level: FAILED (wal_level = minimal.)',
      'Last backup age: WARNING (No successful backup yet.)',
      'SSH login: SKIPPED (Not reached.)',
    ].join('\n'),
  );
});
