import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantsNeeded } from '../../../../electron/engine/checks/privilege-grants';

test('PostgreSQL 15+ needs pg_backup_start/pg_backup_stop with their exact signatures', () => {
  const grants = grantsNeeded(170002).map((g) => g.grant('backup'));
  assert.deepEqual(grants, [
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_backup_start(text, boolean) TO backup;',
    'GRANT EXECUTE ON FUNCTION pg_catalog.pg_backup_stop(boolean) TO backup;',
    'GRANT pg_read_all_settings TO backup;',
    'ALTER ROLE backup REPLICATION;',
  ]);
});

test('PostgreSQL 14 and older need pg_start_backup/pg_stop_backup', () => {
  const needs = grantsNeeded(140015);
  assert.equal(needs[0].what, 'EXECUTE on pg_start_backup(text, boolean, boolean)');
  assert.equal(needs[1].what, 'EXECUTE on pg_stop_backup(boolean, boolean)');
  assert.match(needs[0].probe, /has_function_privilege\('pg_catalog\.pg_start_backup\(text, boolean, boolean\)', 'EXECUTE'\)/);
});

test('role names that are not plain identifiers are quoted', () => {
  const [first] = grantsNeeded(160000);
  assert.equal(first.grant('Backup "ops"'), 'GRANT EXECUTE ON FUNCTION pg_catalog.pg_backup_start(text, boolean) TO "Backup ""ops""";');
});
