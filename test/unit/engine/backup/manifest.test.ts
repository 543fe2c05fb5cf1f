import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { manifestTime, renderManifest } from '../../../../electron/engine/backup/manifest';

test('backup_manifest layout and checksum', () => {
  const text = renderManifest(
    [{ path: 'base/1/1259', size: 8192, mtime: 1795461388, checksum: 'ab'.repeat(4) }, { path: 'we"ird', size: 0, mtime: 0, checksum: '00000000' }],
    [{ timeline: 1, startLsn: '0/2000028', endLsn: '0/2000120' }],
    'CRC32C',
  );
  const parsed = JSON.parse(text);
  assert.equal(parsed['PostgreSQL-Backup-Manifest-Version'], 1);
  assert.equal(parsed.Files[1].Path, 'we"ird');
  assert.equal(parsed.Files[0]['Checksum-Algorithm'], 'CRC32C');
  assert.equal(parsed.Files[0].Checksum, 'abababab');
  assert.equal(parsed.Files[0]['Last-Modified'], '2026-11-23 19:16:28 GMT');
  const cut = text.lastIndexOf('"Manifest-Checksum"');
  assert.equal(parsed['Manifest-Checksum'], createHash('sha256').update(text.slice(0, cut)).digest('hex'));
  assert.ok(text.endsWith('"}\n'));
  assert.equal(manifestTime(0), '1970-01-01 00:00:00 GMT');
});
