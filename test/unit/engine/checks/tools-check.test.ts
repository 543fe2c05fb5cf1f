import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { toolsCheck } from '../../../../electron/engine/checks/ssh-checks';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';
import { offlineContext } from './offline-context';

// A database host whose tar is bsdtar and which has no find: a PATH holding only sh, head and a fake tar.
let bin: string;
const transport = new LocalTransport();
const savedPath = process.env.PATH;

before(() => {
  bin = mkdtempSync(join(tmpdir(), 'tidemark-bin-'));
  symlinkSync('/bin/sh', join(bin, 'sh'));
  symlinkSync('/usr/bin/head', join(bin, 'head'));
  writeFileSync(join(bin, 'tar'), '#!/bin/sh\necho "bsdtar 3.7.2 - libarchive 3.7.2 zlib/1.3"\n');
  chmodSync(join(bin, 'tar'), 0o755);
});
after(async () => {
  process.env.PATH = savedPath;
  await transport.close();
  rmSync(bin, { recursive: true, force: true });
});

test('GNU tar and find on this machine: ok', async () => {
  const ctx = { ...offlineContext(), transport: async () => transport };
  const r = await toolsCheck.run(ctx);
  assert.equal(r.status, 'ok');
  assert.match(r.detail, /^tar \(GNU tar\) [\d.]+; find \(GNU findutils\) [\d.]+ \(on local\)\.$/);
});

test('bsdtar and no find: failed, naming both, with how to install them', async () => {
  process.env.PATH = bin;
  try {
    const ctx = { ...offlineContext(), transport: async () => transport };
    const r = await toolsCheck.run(ctx);
    assert.equal(r.status, 'failed');
    assert.equal(r.detail, 'On local: tar is "bsdtar 3.7.2 - libarchive 3.7.2 zlib/1.3", not GNU tar; find is not installed.');
    assert.match(r.hint ?? '', /apt install tar findutils/);
  } finally {
    process.env.PATH = savedPath;
  }
});
