import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { copyDataDir } from '../../../../electron/engine/backup/copy-controller';
import { listDataDir } from '../../../../electron/engine/backup/file-list';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';

const root = mkdtempSync(join(tmpdir(), 'tidemark-copy-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A small data directory: one big relation, many small files, pg_control. */
function makeDataDir(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>([
    ['PG_VERSION', Buffer.from('17\n')],
    ['global/pg_control', randomBytes(8192)],
    ['base/5/16396', randomBytes(6 << 20)],
    ...Array.from({ length: 60 }, (_, i): [string, Buffer] => [`base/5/${1000 + i}`, randomBytes(8192 * (1 + (i % 3)))]),
  ]);
  for (const [name, data] of files) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return files;
}

for (const parallel of [1, 2]) {
  test(`${parallel} stream(s): a small file dropped after the listing is reported vanished and leaves nothing behind; the rest is exact`, async () => {
    const pgdata = join(root, `data-${parallel}`);
    const dest = join(root, `backup-${parallel}`);
    const files = makeDataDir(pgdata);
    const transport = new LocalTransport();
    const listing = await listDataDir(transport, pgdata, 'concurrent');
    const dropped = 'base/5/1042';
    unlinkSync(join(pgdata, dropped));
    files.delete(dropped);
    let first = true;
    const out = await copyDataDir({
      transports: [transport], pgdata, dest, listing, parallel, checksums: 'CRC32C', compression: 'none',
      signal: new AbortController().signal, progress: { bytesDone: 0, filesDone: 0, currentFile: null },
      onFileCopied: async () => {
        // Hold the stream on its first (big) file until the files after it have been created
        // ahead of it, the dropped one too: what is left of it must be removed.
        if (!first) return;
        first = false;
        while (!existsSync(join(dest, dropped))) await new Promise((r) => setTimeout(r, 5));
      },
    });
    assert.deepEqual(out.vanished, [dropped]);
    assert.equal(existsSync(join(dest, dropped)), false, 'no empty file left for a dropped relation');
    assert.deepEqual(out.files.map((f) => f.path).sort(), [...files.keys()].sort());
    for (const [name, data] of files) assert.ok(readFileSync(join(dest, name)).equals(data), name);
    assert.equal(out.files[out.files.length - 1].path, 'global/pg_control', 'pg_control last');
  });
}
