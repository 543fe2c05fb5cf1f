import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { chooseWireCompression, remoteRead, zstdChunks, zstdDecodeInto, zstdDecoder, type WireCompression } from '../../../../electron/engine/backup/remote-read';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';
import type { Transport } from '../../../../electron/engine/transport/transport';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-remote-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const local = new LocalTransport();

/** The zstd CLI, as the database host runs it. */
const zstdCli = (data: Buffer): Buffer => execFileSync('zstd', ['-1', '-q', '-c'], { input: data, maxBuffer: 1 << 28 });

async function* pieces(data: Buffer, sizes: () => number): AsyncGenerator<Buffer> {
  for (let off = 0; off < data.length; ) {
    const n = Math.min(sizes(), data.length - off);
    yield data.subarray(off, off + n);
    off += n;
  }
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  // Chunks are only valid until the next one is requested: copy each.
  for await (const c of source) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

/** An SSH-like transport over this machine's shell: the same command lines, with a rewrite. */
const sshLike = (rewrite: (cmd: string) => string = (c) => c): Transport => ({
  kind: 'ssh',
  description: 'ssh test@lab',
  exec: (cmd, o) => local.exec(rewrite(cmd), o),
  spawn: (cmd, o) => local.spawn(rewrite(cmd), o),
  close: async () => {},
});

test('the zstd module was built or installed with Tidemark', () => {
  assert.ok(zstdDecoder(), 'zstd-napi did not load: npm ci needs its prebuilt binary or a C++ toolchain (make, g++, python3)');
});

describe('zstd stream decoding', () => {
  // Compressible (like table pages) and random (like TOASTed, already compressed values) parts.
  const a = Buffer.concat([Buffer.alloc(3 << 20, 'postgres '), randomBytes(700_000), Buffer.alloc(1 << 20)]);
  const b = randomBytes(123_457);
  const framed = Buffer.concat([zstdCli(a), zstdCli(b)]); // two frames, as concatenated reads give

  test('decodes a stream of several frames cut at any byte boundary', async () => {
    let seed = 7;
    const sizes = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 9000 + 1;
    const got = await collect(zstdChunks(pieces(framed, sizes)));
    assert.ok(got.equals(Buffer.concat([a, b])));
    const one = await collect(zstdChunks(pieces(framed, () => 1)));
    assert.ok(one.equals(Buffer.concat([a, b])));
  });

  test('decodes straight into the buffers a target gives, whatever their sizes', async () => {
    let seed = 11;
    const next = (m: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % m;
    const into = async (source: AsyncIterable<Buffer>): Promise<Buffer> => {
      const out = Buffer.alloc(a.length + b.length + 100_000);
      let fill = 0;
      await zstdDecodeInto(source, {
        space: (max) => {
          assert.ok(max > 0);
          const s = out.subarray(fill, fill + Math.min(max, next(70_000) + 1));
          return next(2) ? s : Promise.resolve(s);
        },
        commit: (n) => (fill += n),
      });
      return out.subarray(0, fill);
    };
    assert.ok((await into(pieces(framed, () => next(9000) + 1))).equals(Buffer.concat([a, b])));
    await assert.rejects(into(pieces(framed.subarray(0, framed.length - 10), () => 4096)), /ended in the middle of a frame/);
  });

  test('counts the compressed bytes as they arrive', async () => {
    let wire = 0;
    await collect(zstdChunks(pieces(framed, () => 65536), (n) => (wire += n)));
    assert.equal(wire, framed.length);
    assert.ok(wire < a.length / 2);
  });

  test('a stream cut in the middle of a frame is an error, not a short file', async () => {
    await assert.rejects(collect(zstdChunks(pieces(framed.subarray(0, framed.length - 10), () => 4096))), /ended in the middle of a frame/);
  });

  test('corrupt input is an error', async () => {
    const bad = Buffer.from(framed);
    bad.fill(0x55, 100, 400);
    await assert.rejects(collect(zstdChunks(pieces(bad, () => 4096))));
  });
});

describe('remote reads', () => {
  for (const compression of ['none', 'zstd'] as WireCompression[]) {
    test(`${compression}: the program's output, its own exit status and its stderr`, async () => {
      const data = Buffer.alloc(5 << 20, 'tidemark ');
      const read = remoteRead({
        transport: local, dir, compression,
        program: `sh -c 'head -c ${data.length} /dev/zero | tr "\\\\0" x; echo "tar: a warning" >&2; exit 2'`,
      });
      read.stdin.end();
      const got = await collect(read.chunks);
      const end = await read.finish();
      assert.equal(got.length, data.length);
      assert.ok(got.equals(Buffer.alloc(data.length, 'x')));
      assert.equal(end.code, 2);
      assert.equal(end.stderr.trim(), 'tar: a warning');
      assert.equal(end.compressorError, undefined);
    });
  }

  test('the status survives a program whose stderr overflows what is kept', async () => {
    const read = remoteRead({ transport: local, dir, compression: 'zstd', stderrLimit: 1000, program: `sh -c 'i=0; while [ $i -lt 300 ]; do echo "tar: changed as we read it $i" >&2; i=$((i+1)); done; exit 1'` });
    read.stdin.end();
    await collect(read.chunks);
    const end = await read.finish();
    assert.equal(end.code, 1);
    assert.equal(end.compressorError, undefined);
  });

  for (const compression of ['none', 'zstd'] as WireCompression[]) {
    test(`${compression}: output of a program that ended before anyone read it is all there`, async () => {
      const read = remoteRead({ transport: local, dir, compression, program: `sh -c 'printf hello; exit 1'` });
      read.stdin.end();
      const end = await read.finish();
      // Node resumes the stdout of an exited child that nobody listens to, dropping what it held.
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await collect(read.chunks)).toString(), 'hello');
      assert.equal(end.code, 1);
    });
  }

  test('the status is found when it lands in the middle of another line of stderr', async () => {
    // What the shell and zstd do when they write a message in pieces while the status is echoed.
    const read = remoteRead({ transport: local, dir, compression: 'zstd', program: `sh -c 'printf "sh: 1: " >&2; exit 3'` });
    read.stdin.end();
    await collect(read.chunks);
    const end = await read.finish();
    assert.equal(end.code, 3);
    assert.equal(end.compressorError, undefined);
    assert.equal(end.stderr, 'sh: 1: ');
  });

  test('a compressor that fails is reported as zstd, with its message, not as the program', async () => {
    const t = sshLike((c) => c.replace('LC_ALL=C zstd -1', 'LC_ALL=C zstd-not-installed -1'));
    const read = remoteRead({ transport: t, dir, compression: 'zstd', program: 'echo hello' });
    read.stdin.end();
    await collect(read.chunks);
    const end = await read.finish();
    assert.notEqual(end.code, 0);
    assert.equal(end.compressorError?.code, 'SSH_COMMAND');
    assert.match(end.compressorError?.message ?? '', /zstd on the database host failed \(ssh test@lab\): .*not found/);
  });

  test('the remote directory is quoted whatever it holds', async () => {
    const odd = join(dir, "it's `odd` $HOME");
    execFileSync('mkdir', ['-p', odd]);
    const read = remoteRead({ transport: local, dir: odd, compression: 'zstd', program: 'pwd' });
    read.stdin.end();
    assert.equal((await collect(read.chunks)).toString().trim(), odd);
    assert.equal((await read.finish()).code, 0);
  });
});

describe('choosing the compression', () => {
  test('off in the settings, or a server on this machine: none', async () => {
    assert.deepEqual(await chooseWireCompression(sshLike(), 'off'), { compression: 'none', reason: 'Network compression is off (settings)' });
    assert.equal((await chooseWireCompression(local, 'zstd')).compression, 'none');
  });

  test('over SSH: zstd when the database host has it, none with the reason when it does not', async () => {
    const yes = await chooseWireCompression(sshLike(), 'zstd');
    assert.equal(yes.compression, 'zstd');
    assert.match(yes.reason, /^Network compression: zstd -1 on the database host \(Zstandard CLI.*v\d/);
    const no = await chooseWireCompression(sshLike((c) => c.replace('zstd -V', 'zstd-not-installed -V')), 'zstd');
    assert.equal(no.compression, 'none');
    assert.match(no.reason, /zstd is not installed on the database host/);
  });
});
