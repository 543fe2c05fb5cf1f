import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { precreateFiles } from '../../../../electron/engine/backup/precreate';

const root = mkdtempSync(join(tmpdir(), 'tidemark-precreate-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('creates every file empty and private, and never truncates one a sink already wrote', async () => {
  const dest = join(root, 'a');
  mkdirSync(join(dest, 'base/5'), { recursive: true });
  writeFileSync(join(dest, 'base/5/2'), 'written by a sink');
  const names = Array.from({ length: 200 }, (_, i) => `base/5/${i}`);
  // A stream that reaches a file first writes it itself (base/5/2): the worker leaves it be.
  const p = precreateFiles(dest, names);
  while (!existsSync(join(dest, 'base/5/199'))) await new Promise((r) => setTimeout(r, 5));
  await p.stop();
  for (const n of names) {
    assert.ok(existsSync(join(dest, n)), n);
    if (n !== 'base/5/2') assert.equal(statSync(join(dest, n)).mode & 0o777, 0o600, n);
  }
  assert.equal(readFileSync(join(dest, 'base/5/2'), 'utf8'), 'written by a sink');
  assert.equal(statSync(join(dest, 'base/5/3')).size, 0);
});

test('stop() ends it before the list is done; discard() removes only what it created of the given names', async () => {
  const dest = join(root, 'b');
  mkdirSync(dest);
  const names = Array.from({ length: 20000 }, (_, i) => `f${i}`);
  const p = precreateFiles(dest, names);
  while (!existsSync(join(dest, 'f10'))) await new Promise((r) => setTimeout(r, 5));
  await p.stop();
  const made = names.filter((n) => existsSync(join(dest, n)));
  assert.ok(made.length < names.length, 'stopped early');
  assert.deepEqual(made, names.slice(0, made.length), 'in order');
  writeFileSync(join(dest, 'other'), 'not ours');
  await p.discard(['f0', 'f5', 'other', names[names.length - 1]]);
  assert.equal(existsSync(join(dest, 'f0')), false);
  assert.equal(existsSync(join(dest, 'f5')), false);
  assert.equal(existsSync(join(dest, 'f1')), true);
  assert.equal(readFileSync(join(dest, 'other'), 'utf8'), 'not ours');
});

test('a file it cannot create is skipped, the ones after it are created', async () => {
  const dest = join(root, 'c');
  mkdirSync(dest);
  const p = precreateFiles(dest, ['no-such-dir/x', 'y']);
  while (!existsSync(join(dest, 'y'))) await new Promise((r) => setTimeout(r, 5));
  await p.stop();
  assert.equal(existsSync(join(dest, 'no-such-dir')), false);
});

test('a name outside the destination is refused', () => {
  assert.throws(() => precreateFiles(join(root, 'd'), ['../escape']), /outside the data directory/);
});
