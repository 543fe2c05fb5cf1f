import { crc32c as portableCrc32c } from '@node-rs/crc32';
import { createHash } from 'node:crypto';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import type { ManifestChecksums } from '../../../shared/models/settings';

/**
 * The per-file checksums a backup_manifest can carry, as pg_basebackup's --manifest-checksums
 * names them. CRC32C is pg_basebackup's default: hardware-accelerated and several times cheaper
 * than SHA-256, which matters on the copy's hot path; SHA-256 is there for who wants a
 * cryptographic digest.
 */
export type ChecksumAlgorithm = ManifestChecksums;

export interface Checksum {
  update(data: Uint8Array): void;
  /** Hex, as backup_manifest writes it. */
  digest(): string;
}

type Crc32c = (data: Buffer, previous: number) => number;
interface Crc32cImplementation {
  readonly name: string;
  readonly crc32c: Crc32c;
}
let implementation: Crc32cImplementation | undefined;

/**
 * The CRC32C in use. AWS's aws-checksums (in aws-crt, an optional dependency prebuilt for each
 * platform) runs three crc32 instructions side by side, or carry-less multiplies where the CPU
 * has them: 26 GB/s against @node-rs/crc32's 5.8 on the bench machine, whose one instruction
 * after another waits for each result. Only aws-crt's N-API module is loaded, by the path its
 * package ships it at: its JavaScript would start `ldd` and load MQTT and HTTP clients. Anywhere
 * it does not load, @node-rs/crc32 computes the same checksums.
 */
export function crc32cImplementation(): Crc32cImplementation {
  implementation ??= loadAwsChecksums() ?? { name: '@node-rs/crc32', crc32c: portableCrc32c };
  return implementation;
}

function loadAwsChecksums(): Crc32cImplementation | undefined {
  let root: string;
  try {
    root = join(dirname(require.resolve('aws-crt')), 'bin');
  } catch {
    return undefined;
  }
  const runtimes = platform() === 'linux' ? ['glibc', 'musl'] : ['cruntime'];
  for (const runtime of runtimes) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const binding = require(join(root, `${platform()}-${arch()}-${runtime}`, 'aws-crt-nodejs.node')) as {
        checksums_crc32c?: Crc32c;
        disable_threadsafe_function?: () => void;
      };
      const native = binding.checksums_crc32c;
      if (typeof native !== 'function' || native(Buffer.from('123456789'), 0) >>> 0 !== 0xe3069283) return undefined;
      // As aws-crt itself does: Electron ends Node before the module's threads otherwise.
      if (process.versions.electron) process.once('exit', () => binding.disable_threadsafe_function?.());
      return { name: 'aws-crt', crc32c: native };
    } catch {
      // The other C library's build, or none for this platform.
    }
  }
  return undefined;
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  if (algorithm === 'SHA256') {
    const h = createHash('sha256');
    return { update: (d) => void h.update(d), digest: () => h.digest('hex') };
  }
  const { crc32c: update } = crc32cImplementation();
  let crc = 0;
  return {
    update(d) {
      crc = update(Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength), crc);
    },
    digest: () => crc32cHex(crc),
  };
}

export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): string {
  const c = createChecksum(algorithm);
  c.update(data);
  return c.digest();
}

/**
 * PostgreSQL hex-encodes the CRC's four bytes as they lie in memory (pg_checksum_final copies
 * the uint32): little-endian on every platform Tidemark runs on.
 */
export function crc32cHex(crc: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(crc >>> 0);
  return b.toString('hex');
}

export const crc32cFromHex = (hex: string): number => Buffer.from(hex, 'hex').readUInt32LE(0);

/**
 * The CRC32C of A followed by B from crc(A), crc(B) and B's length, without the data (zlib's
 * crc32_combine, with the Castagnoli polynomial): byte ranges of one file copied by different
 * streams still get the whole file's checksum. SHA-256 has no such property.
 */
export function crc32cCombine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const times = (mat: Uint32Array, vec: number): number => {
    let sum = 0;
    for (let i = 0, v = vec >>> 0; v !== 0; i++, v >>>= 1) if (v & 1) sum ^= mat[i];
    return sum >>> 0;
  };
  const square = (out: Uint32Array, mat: Uint32Array): void => {
    for (let n = 0; n < 32; n++) out[n] = times(mat, mat[n]);
  };
  const odd = new Uint32Array(32); // the operator for one zero bit
  const even = new Uint32Array(32);
  odd[0] = 0x82f63b78; // reflected Castagnoli polynomial
  for (let n = 1; n < 32; n++) odd[n] = (1 << (n - 1)) >>> 0;
  square(even, odd); // two zero bits
  square(odd, even); // four
  let crc = crcA >>> 0;
  let len = lengthB;
  // Apply len zero bytes to crcA, one bit of len at a time (the first square gives one byte).
  for (;;) {
    square(even, odd);
    if (len % 2) crc = times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    square(odd, even);
    if (len % 2) crc = times(odd, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}
