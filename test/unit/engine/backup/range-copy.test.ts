import assert from 'node:assert/strict';
import { crc32c } from '@node-rs/crc32';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { crc32cCombine, crc32cFromHex, crc32cHex } from '../../../../electron/engine/backup/checksum';
import { SlotPool, type SinkStream } from '../../../../electron/engine/backup/file-sink';
import { RANGE_UNIT, rangeCopy, type FileRange } from '../../../../electron/engine/backup/range-copy';
import type { WireCompression } from '../../../../electron/engine/backup/remote-read';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';

// The local transport runs the same dd command line an SSH transport sends.
// Compressed, the command line is dd piped into the zstd CLI, decoded here.
for (const compression of ['none', 'zstd'] as WireCompression[]) describe(`byte ranges, ${compression === 'none' ? 'uncompressed' : 'zstd-compressed'}`, () => {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-range-'));
  const remote = join(root, "data dir 'quoted'");
  const local = join(root, 'backup');
  mkdirSync(join(remote, 'base', '5'), { recursive: true });
  mkdirSync(local);
  after(() => rmSync(root, { recursive: true, force: true }));

  const transport = new LocalTransport();
  const stream = (): SinkStream => ({ pool: new SlotPool(), algorithm: 'CRC32C', onBytes: () => {} });
  const copy = (range: FileRange) => rangeCopy({ transport, remoteDir: remote, range, localDir: local, signal: new AbortController().signal, stream: stream(), compression });

  test('ranges copied in any order make the exact file, and their CRCs combine into its CRC', async () => {
    const data = randomBytes(3 * RANGE_UNIT + 12345);
    writeFileSync(join(remote, 'base/5/16396'), data);
    const ranges: FileRange[] = [0, 2 * RANGE_UNIT, RANGE_UNIT].map((offset) => ({
      path: 'base/5/16396', mtime: 1, fileSize: data.length, offset, length: offset === 2 * RANGE_UNIT ? data.length - offset : RANGE_UNIT,
    }));
    const crcs = new Map<number, string>();
    for (const r of [ranges[1], ranges[2], ranges[0]]) {
      const res = await copy(r);
      assert.equal(res.vanished, false);
      if (!res.vanished) crcs.set(r.offset, res.checksum);
    }
    assert.ok(readFileSync(join(local, 'base/5/16396')).equals(data));
    let crc = crc32cFromHex(crcs.get(0)!);
    crc = crc32cCombine(crc, crc32cFromHex(crcs.get(RANGE_UNIT)!), RANGE_UNIT);
    crc = crc32cCombine(crc, crc32cFromHex(crcs.get(2 * RANGE_UNIT)!), data.length - 2 * RANGE_UNIT);
    assert.equal(crc32cHex(crc), crc32cHex(crc32c(data)));
  });

  test('a file that shrank is padded with zeros to its listed size, as tar does; one that grew is cut at it', async () => {
    const listed = 2 * RANGE_UNIT;
    const now = randomBytes(RANGE_UNIT + 100); // truncated since it was listed
    writeFileSync(join(remote, 'base/5/shrunk'), now);
    const res = await copy({ path: 'base/5/shrunk', mtime: 1, fileSize: listed, offset: RANGE_UNIT, length: RANGE_UNIT });
    assert.equal(res.vanished, false);
    if (!res.vanished) assert.match(res.warning ?? '', /shrank.*1048476 bytes padded/);
    const got = readFileSync(join(local, 'base/5/shrunk'));
    assert.equal(got.length, listed);
    assert.ok(got.subarray(RANGE_UNIT, RANGE_UNIT + 100).equals(now.subarray(RANGE_UNIT)));
    assert.ok(got.subarray(RANGE_UNIT + 100).equals(Buffer.alloc(RANGE_UNIT - 100)));

    writeFileSync(join(remote, 'base/5/grown'), randomBytes(3 * RANGE_UNIT));
    await copy({ path: 'base/5/grown', mtime: 1, fileSize: RANGE_UNIT + 5, offset: RANGE_UNIT, length: 5 });
    assert.equal(readFileSync(join(local, 'base/5/grown')).length, RANGE_UNIT + 5);
  });

  test(`a whole file is read ${compression === 'zstd' ? 'by zstd itself' : 'with dd'}: exact, cut where it grew, padded where it shrank`, async () => {
    const commands: string[] = [];
    const recording = { ...transport, kind: transport.kind, description: transport.description, exec: transport.exec.bind(transport), close: transport.close.bind(transport),
      spawn: (c: string, opts?: { signal?: AbortSignal }) => (commands.push(c), transport.spawn(c, opts)) };
    const whole = (path: string, size: number) =>
      rangeCopy({ transport: recording, remoteDir: remote, range: { path, mtime: 1, fileSize: size, offset: 0, length: size }, localDir: local, signal: new AbortController().signal, stream: stream(), compression });
    const data = randomBytes(3 * RANGE_UNIT + 777);
    writeFileSync(join(remote, 'base/5/whole'), data);
    assert.deepEqual(await whole('base/5/whole', data.length), { vanished: false, checksum: crc32cHex(crc32c(data)) });
    assert.ok(readFileSync(join(local, 'base/5/whole')).equals(data));
    assert.match(commands[0], compression === 'zstd' ? /exec zstd -1 -q -c --no-check < '\.\/base\/5\/whole'$/ : /exec dd if=/);
    assert.doesNotMatch(commands[0], compression === 'zstd' ? /dd |\|/ : /zstd/);

    const grown = await whole('base/5/whole', 2 * RANGE_UNIT); // listed smaller than it now is
    assert.equal(grown.vanished, false);
    if (!grown.vanished) assert.equal(grown.checksum, crc32cHex(crc32c(data.subarray(0, 2 * RANGE_UNIT))));
    rmSync(join(local, 'base/5/whole'));
    const shrunk = await whole('base/5/whole', data.length + 5000); // listed bigger than it now is
    assert.equal(shrunk.vanished, false);
    if (!shrunk.vanished) assert.match(shrunk.warning ?? '', /shrank.*5000 bytes padded/);
    assert.ok(readFileSync(join(local, 'base/5/whole')).equals(Buffer.concat([data, Buffer.alloc(5000)])));
    assert.deepEqual(await whole('base/5/whole-dropped', RANGE_UNIT), { vanished: true });
  });

  test('a file dropped before its range is read is reported vanished, not as an error', async () => {
    assert.deepEqual(await copy({ path: 'base/5/dropped', mtime: 1, fileSize: RANGE_UNIT, offset: 0, length: RANGE_UNIT }), { vanished: true });
  });

  test('a local write error is reported as such, not as a lost connection', async () => {
    writeFileSync(join(remote, 'base/5/blocked'), randomBytes(2 * RANGE_UNIT));
    mkdirSync(join(local, 'base/5/blocked'), { recursive: true }); // the local path cannot be a file
    await assert.rejects(copy({ path: 'base/5/blocked', mtime: 1, fileSize: 2 * RANGE_UNIT, offset: 0, length: 2 * RANGE_UNIT }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'IO', e.message);
      assert.match(e.message, /base\/5\/blocked/);
      return true;
    });
  });
});
