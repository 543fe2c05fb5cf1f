import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { crc32c } from '@node-rs/crc32';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { FileSink, SlotPool, WriteBack } from '../../../../electron/engine/backup/file-sink';
import type { ManifestFile } from '../../../../electron/engine/backup/manifest';
import { crc32cHex, type ChecksumAlgorithm } from '../../../../electron/engine/backup/checksum';
import { chunksOf } from '../../../../electron/engine/backup/stream-chunks';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes `data` through a FileSink in uneven chunks, as an SSH channel delivers them. */
async function sinkWrite(dir: string, name: string, data: Buffer, pool = new SlotPool(), algorithm: ChecksumAlgorithm = 'SHA256'): Promise<ManifestFile> {
  let done: ManifestFile | undefined;
  let counted = 0;
  const stream = { pool, algorithm, onBytes: (n: number) => (counted += n) };
  const sink = await FileSink.create({ localPath: join(dir, name), relPath: name, mtime: 1700000000, size: data.length }, stream, (f) => {
    done = f;
  });
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.min(data.length - off, [32768, 1, 5000, 65536, 700000][i % 5]);
    await sink.write(data.subarray(off, off + n));
    off += n;
  }
  await sink.end();
  assert.equal(counted, data.length);
  return done!;
}

// The backup root is usually on a disk (O_DIRECT); /dev/shm is tmpfs, which may refuse it.
for (const root of [tmpdir(), '/dev/shm']) {
  test(`files of any size are written and hashed exactly (${root})`, async () => {
    const dir = mkdtempSync(join(root, 'tidemark-sink-'));
    dirs.push(dir);
    const pool = new SlotPool();
    for (const size of [0, 1, 8192, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 8192, 3 * (1 << 20) + 123, 4 << 20, (8 << 20) + 4096, (9 << 20) + 123]) {
      const data = randomBytes(size);
      const f = await sinkWrite(dir, `sub/f${size}`, data, pool);
      assert.equal(f.size, size);
      assert.equal(f.checksum, createHash('sha256').update(data).digest('hex'));
      assert.ok(readFileSync(join(dir, `sub/f${size}`)).equals(data), `content of a ${size}-byte file`);
      assert.equal(statSync(join(dir, `sub/f${size}`)).mode & 0o777, 0o600);
    }
  });
}

test('a sink checksums with CRC32C what it writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-sink-'));
  dirs.push(dir);
  for (const size of [0, 100, (1 << 20) + 4096, 2 * (1 << 20)]) {
    const data = randomBytes(size);
    const f = await sinkWrite(dir, `c${size}`, data, new SlotPool(), 'CRC32C');
    assert.equal(f.checksum, crc32cHex(crc32c(data)), `${size} bytes`);
  }
});

test('a file that ends shorter than its tar header said is still exact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-sink-'));
  dirs.push(dir);
  const data = randomBytes(2 * (1 << 20) + 512);
  let done: ManifestFile | undefined;
  const sink = await FileSink.create({ localPath: join(dir, 'f'), relPath: 'f', mtime: 0, size: 5 << 20 }, { pool: new SlotPool(), algorithm: 'SHA256', onBytes: () => {} }, (f) => {
    done = f;
  });
  await sink.write(data);
  await sink.end();
  assert.equal(done?.size, data.length);
  assert.ok(readFileSync(join(dir, 'f')).equals(data));
});

test('chunksOf passes chunks through as they came, without concatenating them', async () => {
  const s = new PassThrough();
  const sent = [Buffer.alloc(10, 1), Buffer.alloc(20, 2), Buffer.alloc(30, 3)];
  for (const b of sent) s.write(b);
  s.end();
  const got: Buffer[] = [];
  for await (const c of chunksOf(s)) got.push(c);
  assert.deepEqual(got.map((c) => c.length), [10, 20, 30]);
});

test('bytes decoded into the sink\'s own slots (space, commit) and written ones make the exact file, flushed as it goes', async () => {
  for (const root of [tmpdir(), '/dev/shm']) {
    const dir = mkdtempSync(join(root, 'tidemark-sink-'));
    dirs.push(dir);
    let flushes = 0;
    const writeBack = new WriteBack(1 << 20);
    const due = writeBack.due.bind(writeBack);
    writeBack.due = (n) => (due(n) ? (flushes++, true) : false);
    for (const size of [5000, (9 << 20) + 123]) {
      const data = randomBytes(size);
      let done: ManifestFile | undefined;
      const stream = { pool: new SlotPool(2), algorithm: 'CRC32C' as const, onBytes: () => {}, writeBack };
      const sink = await FileSink.create({ localPath: join(dir, `s${size}`), relPath: `s${size}`, mtime: 0, size }, stream, (f) => {
        done = f;
      });
      for (let off = 0, i = 0; off < data.length; i++) {
        const want = Math.min(data.length - off, [300_000, 7, 1 << 20][i % 3]);
        if (i % 2) {
          await sink.write(data.subarray(off, off + want));
          off += want;
        } else {
          const space = await sink.space(want);
          assert.ok(space.length > 0 && space.length <= want);
          space.set(data.subarray(off, off + space.length));
          sink.commit(space.length);
          off += space.length;
        }
      }
      await sink.end();
      assert.equal(done?.size, size);
      assert.equal(done?.checksum, crc32cHex(crc32c(data)), `${size} bytes in ${root}`);
      assert.ok(readFileSync(join(dir, `s${size}`)).equals(data), `${size} bytes in ${root}`);
    }
    assert.ok(flushes >= 1, `no flush in ${root} while writing 9 MB, one due every 1 MB`);
  }
});

test('write-back starts one flush at a time, once enough has been written since the last', () => {
  const wb = new WriteBack(100);
  assert.equal(wb.due(60), false);
  assert.equal(wb.due(60), true); // 120 written
  assert.equal(wb.due(500), false, 'one flush is running');
  wb.done();
  assert.equal(wb.due(10), true, 'what was written during a flush waits for the next one');
  wb.done();
  assert.equal(wb.due(99), false);
  assert.equal(wb.due(1), true);
});
