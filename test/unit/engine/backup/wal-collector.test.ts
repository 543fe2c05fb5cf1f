import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { RANGE_UNIT } from '../../../../electron/engine/backup/range-copy';
import type { WireCompression } from '../../../../electron/engine/backup/remote-read';
import { collectWal, lastSegmentBytes } from '../../../../electron/engine/backup/wal-collector';
import { formatLsn, walFileName } from '../../../../electron/engine/backup/wal-names';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';

const SEG = 4 * RANGE_UNIT; // PostgreSQL allows 1 MB to 1 GB segments (initdb --wal-segsize)

test('the last segment is needed up to the stop LSN, rounded up to a MB, at most whole', () => {
  const seg = 16 << 20;
  assert.equal(lastSegmentBytes('1/31000028', '1/31000138', seg), RANGE_UNIT);
  assert.equal(lastSegmentBytes('1/30FFF000', '1/31100000', seg), RANGE_UNIT); // the stop's last byte is in the first MB
  assert.equal(lastSegmentBytes('1/30FFF000', '1/31100001', seg), 2 * RANGE_UNIT);
  assert.equal(lastSegmentBytes('1/30000028', '1/31000000', seg), seg); // a stop on a boundary: the segment before, whole
  assert.equal(lastSegmentBytes('1/31FFFF00', '1/31FFFFF0', seg), seg);
  assert.equal(lastSegmentBytes('1/31000028', '1/31000028', seg), RANGE_UNIT); // nothing after the start
});

// The local transport runs the same tar and dd command lines an SSH transport sends.
for (const compression of ['none', 'zstd'] as WireCompression[]) describe(`WAL from start to stop, ${compression === 'none' ? 'uncompressed' : 'zstd-compressed'}`, () => {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-wal-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const lab = (count: number) => {
    const pgdata = join(root, `pgdata ${++n}`);
    const dest = join(root, `backup ${n}`);
    mkdirSync(join(pgdata, 'pg_wal'), { recursive: true });
    mkdirSync(join(dest, 'pg_wal'), { recursive: true });
    const segs = Array.from({ length: count }, (_, i) => {
      const name = walFileName(1, 0x40n + BigInt(i), SEG);
      const data = randomBytes(SEG);
      writeFileSync(join(pgdata, 'pg_wal', name), data);
      return { name, data };
    });
    return { pgdata, dest, segs };
  };
  const lsn = (segno: number, offset: number) => formatLsn(BigInt(segno) * BigInt(SEG) + BigInt(offset));
  const run = (l: { pgdata: string; dest: string }, startLsn: string, stopLsn: string) =>
    collectWal({
      transport: new LocalTransport(), pgdata: l.pgdata, dest: l.dest, timeline: 1, startLsn, stopLsn, segmentSize: SEG,
      role: 'primary', signal: new AbortController().signal, compression, onBytes: () => {}, log: () => {},
    });

  test('segments before the last are copied whole; of the last, what precedes the stop, then zeros', async () => {
    const l = lab(3);
    const r = await run(l, lsn(0x40, 0x28), lsn(0x42, RANGE_UNIT + 0x138));
    assert.deepEqual(r.segments, l.segs.map((s) => s.name));
    for (const s of l.segs.slice(0, 2)) assert.ok(readFileSync(join(l.dest, 'pg_wal', s.name)).equals(s.data), s.name);
    const got = readFileSync(join(l.dest, 'pg_wal', l.segs[2].name));
    assert.equal(got.length, SEG);
    assert.ok(got.subarray(0, 2 * RANGE_UNIT).equals(l.segs[2].data.subarray(0, 2 * RANGE_UNIT)));
    assert.ok(got.subarray(2 * RANGE_UNIT).equals(Buffer.alloc(SEG - 2 * RANGE_UNIT)));
    assert.deepEqual(readdirSync(join(l.dest, 'pg_wal')).sort(), l.segs.map((s) => s.name));
  });

  test('a stop on a segment boundary copies the segment before it whole, and nothing of the next', async () => {
    const l = lab(2);
    const r = await run(l, lsn(0x40, 0x28), lsn(0x41, 0));
    assert.deepEqual(r.segments, [l.segs[0].name]);
    assert.ok(readFileSync(join(l.dest, 'pg_wal', l.segs[0].name)).equals(l.segs[0].data));
    assert.deepEqual(readdirSync(join(l.dest, 'pg_wal')), [l.segs[0].name]);
  });

  test('a segment the backup needs that is gone fails the backup, naming it; one cut short too', async () => {
    const l = lab(3);
    rmSync(join(l.pgdata, 'pg_wal', l.segs[1].name));
    await assert.rejects(run(l, lsn(0x40, 0x28), lsn(0x42, 0x100)), (e: Error) => e.message.includes(`missing from the server's pg_wal: ${l.segs[1].name}`));

    const short = lab(1);
    writeFileSync(join(short.pgdata, 'pg_wal', short.segs[0].name), short.segs[0].data.subarray(0, RANGE_UNIT / 2));
    await assert.rejects(run(short, lsn(0x40, 0x28), lsn(0x40, RANGE_UNIT - 1)), /was shorter than 1048576 bytes/);
    assert.equal(statSync(join(short.pgdata, 'pg_wal', short.segs[0].name)).size, RANGE_UNIT / 2); // the server's file untouched
  });
});
