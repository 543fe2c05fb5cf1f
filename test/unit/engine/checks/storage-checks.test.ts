import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { backupRootCheck } from '../../../../electron/engine/checks/storage-checks';
import { offlineContext } from './offline-context';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-root-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a backup root that does not exist yet is fine when its parent is writable, and nothing is left behind', async () => {
  const root = join(dir, 'backups');
  const r = await backupRootCheck.run(offlineContext({ settings: { backupRoot: root } }));
  assert.equal(r.status, 'ok');
  assert.match(r.detail, /creates .*backups\/srv1 at the first backup/);
  assert.equal(existsSync(root), false);
  assert.deepEqual(readdirSync(dir), []);
});

test('a backup root below a regular file fails', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const r = await backupRootCheck.run(offlineContext({ settings: { backupRoot: join(file, 'backups') } }));
  assert.equal(r.status, 'failed');
  assert.match(r.detail, /is not a directory/);
});
