import assert from 'node:assert/strict';
import { crc32c } from '@node-rs/crc32';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { checksumOf, crc32cCombine, crc32cFromHex, crc32cHex, crc32cImplementation } from '../../../../electron/engine/backup/checksum';

test('CRC32C is written as PostgreSQL writes it: the CRC\'s bytes, little-endian, in hex', () => {
  // The standard check value of CRC-32C is 0xe3069283.
  assert.equal(checksumOf('CRC32C', Buffer.from('123456789')), '839206e3');
  assert.equal(checksumOf('CRC32C', Buffer.alloc(0)), '00000000');
  assert.equal(crc32cFromHex(crc32cHex(0xe3069283)), 0xe3069283);
  assert.equal(checksumOf('SHA256', Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('the CRC32C of byte ranges combines into the CRC32C of the whole file', () => {
  for (const [a, b] of [[0, 5], [5, 0], [1, 1], [4096, 1 << 20], [123457, 3 * (1 << 20) + 17]]) {
    const x = randomBytes(a);
    const y = randomBytes(b);
    assert.equal(crc32cCombine(crc32c(x), crc32c(y), b), crc32c(Buffer.concat([x, y])), `${a} + ${b}`);
  }
  // Three ranges, combined left to right, as the copy does.
  const parts = [randomBytes(1 << 20), randomBytes(1 << 20), randomBytes(77)];
  const combined = parts.reduce((crc, p, i) => (i === 0 ? crc32c(p) : crc32cCombine(crc, crc32c(p), p.length)), 0);
  assert.equal(combined, crc32c(Buffer.concat(parts)));
  // Lengths past 2^32 must not wrap: shifting by L1 + L2 bytes is shifting by L1, then by L2.
  const a = crc32c(randomBytes(100));
  for (const [l1, l2] of [[2 ** 32, 2 ** 31 + 3], [2 ** 33 + 1, 7], [3, 5]]) {
    assert.equal(crc32cCombine(a, 0, l1 + l2), crc32cCombine(crc32cCombine(a, 0, l1), 0, l2), `${l1} + ${l2}`);
  }
});

test('the fast CRC32C (aws-crt) loads where it is installed, and agrees with @node-rs/crc32 at every length and alignment', () => {
  const impl = crc32cImplementation();
  // aws-crt ships a prebuilt module for linux-x64 (glibc): a move of its file inside the package
  // must fail here, not fall back silently to the CRC four times slower.
  if (process.platform === 'linux' && process.arch === 'x64') assert.equal(impl.name, 'aws-crt');
  // Slots are views of WebAssembly memory, at any offset: the module must take such views as they are.
  const memory = new WebAssembly.Memory({ initial: 2 });
  const bytes = new Uint8Array(memory.buffer);
  bytes.set(randomBytes(bytes.length));
  for (const [offset, length] of [[0, 0], [0, 1], [3, 7], [1, 63], [5, 4096], [4096, 65536], [7, 131_000 - 7]]) {
    const view = Buffer.from(memory.buffer, offset, length);
    assert.equal(impl.crc32c(view, 0) >>> 0, crc32c(view) >>> 0, `${offset}+${length}`);
    // Continued from a previous value, as chunk after chunk of a file.
    assert.equal(impl.crc32c(view, 0x12345678) >>> 0, crc32c(view, 0x12345678) >>> 0, `${offset}+${length}, continued`);
  }
  const whole = randomBytes(300_000);
  const inPieces = [whole.subarray(0, 1), whole.subarray(1, 70_001), whole.subarray(70_001)].reduce((c, p) => impl.crc32c(p, c), 0);
  assert.equal(inPieces >>> 0, crc32c(whole) >>> 0);
});
