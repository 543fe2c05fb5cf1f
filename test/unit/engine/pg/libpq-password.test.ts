import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { libpqPassword } from '../../../../electron/engine/pg/libpq-password';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-pgpass-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const saved = { HOME: process.env.HOME, PGPASSFILE: process.env.PGPASSFILE, PGPASSWORD: process.env.PGPASSWORD };
beforeEach(() => {
  process.env.HOME = dir;
  delete process.env.PGPASSFILE;
  delete process.env.PGPASSWORD;
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

const target = { host: 'db1', port: 5433, user: 'backup', database: 'postgres' };
function passfile(path: string, text: string, mode = 0o600): void {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

test('reads ~/.pgpass: first matching line, wildcards and escaped colons', async () => {
  passfile(
    join(dir, '.pgpass'),
    ['# comment', 'db1:5432:*:backup:wrong-port', 'other:*:*:*:other-host', 'db1:5433:*:backup:pa\\:ss\\\\word', '*:*:*:*:fallback', ''].join('\n'),
  );
  assert.equal(await libpqPassword(target), 'pa:ss\\word');
  assert.equal(await libpqPassword({ ...target, host: 'db9' }), 'fallback');
});

test('PGPASSFILE replaces ~/.pgpass', async () => {
  passfile(join(dir, '.pgpass'), '*:*:*:*:from-home\n');
  passfile(join(dir, 'custom'), '*:*:*:*:from-pgpassfile\n');
  process.env.PGPASSFILE = join(dir, 'custom');
  assert.equal(await libpqPassword(target), 'from-pgpassfile');
});

test('PGPASSWORD wins over the password file', async () => {
  passfile(join(dir, '.pgpass'), '*:*:*:*:from-home\n');
  process.env.PGPASSWORD = 'from-env';
  assert.equal(await libpqPassword(target), 'from-env');
});

test('a password file others can read is ignored, as libpq does', async () => {
  passfile(join(dir, '.pgpass'), '*:*:*:*:exposed\n', 0o644);
  assert.equal(await libpqPassword(target), undefined);
});

test('no file, no match: undefined', async () => {
  rmSync(join(dir, '.pgpass'), { force: true });
  assert.equal(await libpqPassword(target), undefined);
  passfile(join(dir, '.pgpass'), 'db2:*:*:*:x\n');
  assert.equal(await libpqPassword(target), undefined);
});

test('a Unix-socket host matches localhost lines', async () => {
  passfile(join(dir, '.pgpass'), 'localhost:5433:*:backup:via-socket\n');
  assert.equal(await libpqPassword({ ...target, host: '/var/run/postgresql' }), 'via-socket');
});
