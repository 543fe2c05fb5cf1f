import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { toolsCheck } from '../../../../electron/engine/checks/ssh-checks';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';
import type { Transport } from '../../../../electron/engine/transport/transport';
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

test('over SSH the detail says whether zstd compresses the copy; without it the check still passes', async () => {
  // The same command lines an SSH transport sends, run by this machine's shell.
  const ssh: Transport = { kind: 'ssh', description: 'ssh postgres@db1:22', exec: (c, o) => transport.exec(c, o), spawn: (c, o) => transport.spawn(c, o), close: async () => {} };
  const ctx = { ...offlineContext(), transport: async () => ssh };
  const withZstd = await toolsCheck.run(ctx);
  assert.equal(withZstd.status, 'ok');
  assert.match(withZstd.detail, /; zstd v\d+\.\d+\.\d+ compresses the copy \(on ssh postgres@db1:22\)\.$/);

  // GNU tar and find, no zstd.
  const noZstd = mkdtempSync(join(tmpdir(), 'tidemark-bin-'));
  for (const tool of ['sh', 'head', 'tar', 'find']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(noZstd, tool));
  process.env.PATH = noZstd;
  try {
    const without = await toolsCheck.run(ctx);
    assert.equal(without.status, 'ok');
    assert.match(without.detail, /; no zstd: the copy travels uncompressed \(on ssh postgres@db1:22\)\.$/);
  } finally {
    process.env.PATH = savedPath;
    rmSync(noZstd, { recursive: true, force: true });
  }
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
