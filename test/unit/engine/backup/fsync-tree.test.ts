import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fsyncTree, kernelAtLeast } from '../../../../electron/engine/backup/fsync-tree';

const root = mkdtempSync(join(tmpdir(), 'tidemark-fsync-'));
after(() => rmSync(root, { recursive: true, force: true }));

function tree(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'base/5'), { recursive: true });
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, 'base/5', String(i)), Buffer.alloc(8192, i));
  return dir;
}

test('syncfs is trusted from Linux 5.8 on', () => {
  assert.equal(kernelAtLeast('5.8.0-63-generic', 5, 8), true);
  assert.equal(kernelAtLeast('6.1.0-18-amd64', 5, 8), true);
  assert.equal(kernelAtLeast('5.4.0-150-generic', 5, 8), false);
  assert.equal(kernelAtLeast('4.19.0', 5, 8), false);
  assert.equal(kernelAtLeast('weird', 5, 8), false);
});

test('a tree is made durable, with sync -f where it can be used and file by file where not', async () => {
  await fsyncTree(tree('a'));
  const path = process.env.PATH;
  process.env.PATH = join(root, 'no-tools-here');
  try {
    await fsyncTree(tree('b'));
  } finally {
    process.env.PATH = path;
  }
});

test('a tree that is not there is an error, not a silent success', async () => {
  await assert.rejects(fsyncTree(join(root, 'missing')), /missing/);
});
