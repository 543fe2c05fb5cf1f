import assert from 'node:assert/strict';
import { it } from 'node:test';
import { settingsPatch, validateSettings } from '../../../renderer/features/settings/settings-model';

it('asks for an absolute backup root and a sane number of streams', () => {
  const ok = { backupRoot: ' /srv/backups ', defaultMode: 'exclusive' as const, parallel: '4', fastCheckpoint: false, manifestChecksums: 'SHA256' as const, networkCompression: 'off' as const };
  assert.deepEqual(validateSettings(ok), {});
  assert.deepEqual(settingsPatch(ok), { backupRoot: '/srv/backups', defaultMode: 'exclusive', parallel: 4, fastCheckpoint: false, manifestChecksums: 'SHA256', networkCompression: 'off' });
  assert.match(validateSettings({ ...ok, backupRoot: '' }).backupRoot ?? '', /Enter the folder/);
  assert.match(validateSettings({ ...ok, backupRoot: 'backups' }).backupRoot ?? '', /absolute/);
  assert.equal(validateSettings({ ...ok, backupRoot: 'C:\\Backups' }).backupRoot, undefined);
  for (const bad of ['0', '9', '2.5', 'x', '']) assert.match(validateSettings({ ...ok, parallel: bad }).parallel ?? '', /1 to 8/, bad);
});
