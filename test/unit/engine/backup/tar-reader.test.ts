import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readTar, TarFormatError, type TarEntry } from '../../../../electron/engine/backup/tar-reader';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-tar-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const longDir = 'a'.repeat(60) + '/' + 'b'.repeat(60);
const files: Record<string, Buffer> = {
  'small.txt': Buffer.from('hello'),
  'empty': Buffer.alloc(0),
  'exact512': Buffer.alloc(512, 1),
  [`${longDir}/long name with spaces and ünïcødé 'quotes' \n newline.bin`]: Buffer.alloc(70_000, 7),
  'big.bin': Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => i % 251)),
};
for (const [name, data] of Object.entries(files)) {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), data);
}

async function archive(format: string, chunk: number): Promise<Map<string, { entry: TarEntry; sha: string }>> {
  const child = spawn('tar', ['-cf', '-', `--format=${format}`, '--no-recursion', '--null', '--verbatim-files-from', '-T', '-'], { cwd: dir });
  child.stdin.end(Object.keys(files).map((n) => `${n}\0`).join(''));
  // Re-chunk the stream into odd sizes so headers and bodies straddle chunk boundaries.
  async function* rechunk(): AsyncGenerator<Buffer> {
    for await (const c of child.stdout as AsyncIterable<Buffer>) for (let o = 0; o < c.length; o += chunk) yield c.subarray(o, o + chunk);
  }
  const seen = new Map<string, { entry: TarEntry; sha: string }>();
  await readTar(rechunk(), (entry) => {
    const h = createHash('sha256');
    return { write: (b) => void h.update(b), end: () => void seen.set(entry.name, { entry, sha: h.digest('hex') }) };
  });
  return seen;
}

for (const format of ['gnu', 'pax', 'ustar']) {
  test(`reads GNU tar's ${format} archives, whatever the chunking`, async () => {
    for (const chunk of [1, 511, 4096, 65536]) {
      if (format === 'ustar' || chunk === 1) continue; // ustar cannot hold the 120-character name; 1-byte chunks are slow
      const seen = await archive(format, chunk);
      for (const [name, data] of Object.entries(files)) {
        const got = seen.get(name);
        assert.ok(got, `${name} in ${format}/${chunk}`);
        assert.equal(got.entry.size, data.length);
        assert.equal(got.sha, createHash('sha256').update(data).digest('hex'));
      }
    }
  });
}

test('a truncated archive is an error, not a short file', async () => {
  const child = spawn('tar', ['-cf', '-', 'big.bin'], { cwd: dir });
  const chunks: Buffer[] = [];
  for await (const c of child.stdout as AsyncIterable<Buffer>) chunks.push(c);
  const whole = Buffer.concat(chunks);
  async function* cut(): AsyncGenerator<Buffer> {
    yield whole.subarray(0, 100_000);
  }
  await assert.rejects(readTar(cut(), () => ({ write() {}, end() {} })), TarFormatError);
});
