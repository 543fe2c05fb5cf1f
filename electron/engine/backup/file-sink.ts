import { close, closeSync, constants, fdatasync, mkdirSync, open, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { createChecksum, type Checksum, type ChecksumAlgorithm } from './checksum';
import type { ManifestFile } from './manifest';
import type { TarSink } from './tar-reader';

// Each write is handed to the thread pool, and on a VM waking a pool thread and hearing back from
// it costs 50-150 µs of this thread's time, whatever the size: 4 MB slots make a quarter of the
// hand-offs of 1 MB ones (two A/B bench runs: best 1.70 and 1.80 s against 1.91 and 2.20 s).
const SLOT_BYTES = 4 << 20;
/** Smaller files are written whole when they end, in one go, never with O_DIRECT. */
export const SMALL_FILE_MAX = (1 << 20) - 1;
// Writes a stream may have in flight while it fills the next slot: the disk and the network stay
// busy together, and a slow disk pauses the SSH channel instead of growing memory.
const SLOTS = 4;
// Below this a file goes through the page cache: O_DIRECT would cost a second descriptor for the
// unaligned tail and gains nothing on a few blocks.
const DIRECT_MIN = 1 << 20;
const ALIGN = 4096;
const { O_WRONLY, O_CREAT, O_TRUNC, O_DIRECT } = constants;

const openAsync = promisify(open);
const fdatasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);
const writeAsync = promisify(write);

/**
 * The write buffers of one copy stream: 4 MB slots of WebAssembly memory, which is page-aligned,
 * as O_DIRECT requires (a Buffer's address is whatever malloc returned).
 */
export class SlotPool {
  private readonly free: Uint8Array[];
  private waiters: (() => void)[] = [];

  constructor(slots = SLOTS) {
    const memory = new WebAssembly.Memory({ initial: (slots * SLOT_BYTES) / 65536, maximum: (slots * SLOT_BYTES) / 65536 });
    this.free = Array.from({ length: slots }, (_, i) => new Uint8Array(memory.buffer, i * SLOT_BYTES, SLOT_BYTES));
  }

  take(): Uint8Array | Promise<Uint8Array> {
    return this.free.pop() ?? this.wait();
  }

  give(slot: Uint8Array): void {
    this.free.push(slot);
    const w = this.waiters.shift();
    w?.();
  }

  private async wait(): Promise<Uint8Array> {
    for (;;) {
      await new Promise<void>((r) => this.waiters.push(r));
      const s = this.free.pop();
      if (s) return s;
    }
  }
}

// How much a copy writes between two flushes to stable storage while it goes on.
const WRITE_BACK_BYTES = 64 << 20;

/**
 * Paces the flushes that make a copy durable as it goes, for all its streams together. A disk
 * with a volatile write cache (a VM's virtual disk, most SSDs) holds what O_DIRECT wrote until it
 * is told to flush, and a flush costs in proportion to what it holds: here 1 GB written at full
 * speed took 0.25 s to write and then 0.45-0.6 s to flush, while the copy waited for it before
 * its stop. Every WRITE_BACK_BYTES, the file just written is fdatasync()ed on the thread pool,
 * one flush at a time, while the copy goes on; the final syncfs then has little left to flush.
 */
export class WriteBack {
  private since = 0;
  private busy = false;

  constructor(private readonly every = WRITE_BACK_BYTES) {}

  /** Counts written bytes; true when the caller should start a flush now (then call done()). */
  due(n: number): boolean {
    this.since += n;
    if (this.busy || this.since < this.every) return false;
    this.since = 0;
    this.busy = true;
    return true;
  }

  done(): void {
    this.busy = false;
  }
}

/** What every file of one copy stream shares. */
export interface SinkStream {
  readonly pool: SlotPool;
  readonly algorithm: ChecksumAlgorithm;
  readonly onBytes: (n: number) => void;
  /** Flushes what the copy wrote while it goes on (none: all at the end). */
  readonly writeBack?: WriteBack;
}

/**
 * Writes one file of the backup while checksumming it for backup_manifest. Data is checksummed
 * as it comes, gathered into 4 MB slots, and written at its offset on the thread pool while the
 * next slot fills. Files of 1 MB and more are written with O_DIRECT where the file system allows
 * it: no second copy into the page cache, and no gigabyte of dirty pages for the final fsync to
 * wait for. Unaligned tails go through the page cache. A small file (under 1 MB: most of a data
 * directory) is opened, written and closed in one go when it ends: three round trips
 * to the thread pool per file would otherwise stall the stream more than the copy itself. The
 * copy controller has usually created it by then (precreate.ts), so the open is cheap.
 */
export class FileSink implements TarSink {
  private readonly hash: Checksum;
  private slot: Uint8Array | null = null;
  private fill = 0;
  private pos = 0;
  private bfd: Promise<number> | null = null;
  private direct: boolean;
  private inflight = new Set<Promise<void>>();
  private failure: unknown = null;
  private closed = false;

  private readonly pool: SlotPool;
  private readonly onBytes: (n: number) => void;
  private readonly writeBack: WriteBack | undefined;
  /** Neither descriptor is open yet: a small file is written whole at its end. */
  private unopened: boolean;
  /** Where this sink's bytes start in the file: 0, or a byte range's offset. */
  private readonly base: number;
  /** A byte range shares its file with other sinks: never truncate it. */
  private readonly createFlags: number;

  private constructor(
    private dfd: number | null,
    private readonly localPath: string,
    private readonly relPath: string,
    private readonly mtime: number,
    size: number,
    offset: number | undefined,
    stream: SinkStream,
    private readonly onDone: (f: ManifestFile) => void | Promise<void>,
  ) {
    this.base = offset ?? 0;
    this.createFlags = O_WRONLY | O_CREAT | (offset === undefined ? O_TRUNC : 0);
    this.direct = dfd !== null;
    this.unopened = dfd === null && size <= SMALL_FILE_MAX;
    this.pool = stream.pool;
    this.onBytes = stream.onBytes;
    this.writeBack = stream.writeBack;
    this.hash = createChecksum(stream.algorithm);
  }

  /**
   * `size` is what the tar header announces; it only chooses how the file is written. With an
   * `offset` (4096-aligned), the sink writes one byte range of a file other sinks write too; its
   * ManifestFile then describes the range (size and checksum of its bytes).
   */
  static async create(
    file: { readonly localPath: string; readonly relPath: string; readonly mtime: number; readonly size: number; readonly offset?: number },
    stream: SinkStream,
    onDone: (f: ManifestFile) => void | Promise<void>,
  ): Promise<FileSink> {
    let dfd: number | null = null;
    if (file.size >= DIRECT_MIN && O_DIRECT) {
      // tmpfs, some FUSE and network file systems refuse O_DIRECT: the page cache it is.
      const flags = O_WRONLY | O_CREAT | (file.offset === undefined ? O_TRUNC : 0) | O_DIRECT;
      dfd = await openCreating(file.localPath, flags).catch((e: NodeJS.ErrnoException) =>
        e.code === 'EINVAL' || e.code === 'EOPNOTSUPP' ? null : Promise.reject(e),
      );
    }
    return new FileSink(dfd, file.localPath, file.relPath, file.mtime, file.size, file.offset, stream, onDone);
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.onBytes(chunk.length);
    // Checksummed as it arrives, while the CPU cache still holds it: a 4 MB slot read back later
    // comes from memory, which made a 26 GB/s CRC32C run at 7.
    this.hash.update(chunk);
    if (this.slot && SLOT_BYTES - this.fill >= chunk.length) {
      this.slot.set(chunk, this.fill);
      this.fill += chunk.length;
      if (this.fill === SLOT_BYTES) this.flush();
      return;
    }
    return this.slowWrite(chunk);
  }

  /**
   * Where a producer may write the next bytes of the file directly (at most `max`): the free part
   * of the current slot. Call commit() with what it wrote before anything else.
   */
  space(max: number): Uint8Array | Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slot) return this.slot.subarray(this.fill, this.fill + Math.min(max, SLOT_BYTES - this.fill));
    return this.nextSlot().then(() => this.space(max));
  }

  /** Takes the `n` bytes written into space() as the file's next bytes. */
  commit(n: number): void {
    if (n === 0 || !this.slot) return;
    this.onBytes(n);
    this.hash.update(this.slot.subarray(this.fill, this.fill + n));
    this.fill += n;
    if (this.fill === SLOT_BYTES) this.flush();
  }

  private async nextSlot(): Promise<Uint8Array> {
    const slot = (this.slot = await this.pool.take());
    this.fill = 0;
    if (this.failure) throw this.failure;
    return slot;
  }

  private async slowWrite(chunk: Buffer): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      const slot = this.slot ?? (await this.nextSlot());
      const n = Math.min(chunk.length - off, SLOT_BYTES - this.fill);
      slot.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === SLOT_BYTES) this.flush();
    }
  }

  /** Checksums the filled slot and starts writing it; the slot returns to the pool once written. */
  private flush(): void {
    this.unopened = false;
    const slot = this.slot;
    if (!slot) return;
    const len = this.fill;
    const pos = this.base + this.pos;
    this.slot = null;
    this.fill = 0;
    this.pos += len;
    if (len === 0) return this.pool.give(slot);
    const data = slot.subarray(0, len);
    const p = this.writeAt(data, pos)
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.pool.give(slot);
        this.inflight.delete(p);
        if (this.writeBack?.due(len)) this.flushToDisk(this.writeBack);
      });
    this.inflight.add(p);
  }

  /** fdatasync()s this file, which makes everything written to the disk before it durable too. */
  private flushToDisk(writeBack: WriteBack): void {
    const sync = async (): Promise<void> => {
      if (this.failure) return;
      // Any descriptor of the file will do: the O_DIRECT one when there is one, as it wrote.
      await fdatasyncAsync(this.dfd ?? (await this.buffered()));
    };
    const p = sync()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        writeBack.done();
        this.inflight.delete(p);
      });
    this.inflight.add(p);
  }

  private async writeAt(data: Uint8Array, pos: number): Promise<void> {
    const aligned = data.length - (data.length % ALIGN);
    if (this.direct && pos % ALIGN === 0 && aligned > 0 && aligned < data.length) {
      // A file's last slot: its aligned part with O_DIRECT, the tail through the page cache.
      await this.writeAt(data.subarray(0, aligned), pos);
      return this.writeAt(data.subarray(aligned), pos + aligned);
    }
    const direct = this.direct && data.length % ALIGN === 0 && pos % ALIGN === 0;
    const fd = direct ? this.dfd! : await this.buffered();
    let off = 0;
    while (off < data.length) {
      try {
        off += (await writeAsync(fd, data, off, data.length - off, pos + off)).bytesWritten;
      } catch (e) {
        // A device with stricter O_DIRECT rules than open() let on: write through the cache.
        if (!direct || (e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
        this.direct = false;
        return this.writeAt(data, pos);
      }
    }
  }

  private buffered(): Promise<number> {
    // Never O_TRUNC after the O_DIRECT descriptor created the file: it may have written to it.
    this.bfd ??= openCreating(this.localPath, this.dfd === null ? this.createFlags : O_WRONLY);
    return this.bfd;
  }

  async end(): Promise<void> {
    if (this.unopened && !this.failure) return this.endWhole();
    this.flush();
    await this.settle();
    if (this.failure) {
      await this.closeAll();
      throw this.failure;
    }
    await this.closeAll();
    await this.onDone({ path: this.relPath, size: this.pos, mtime: this.mtime, checksum: this.hash.digest() });
  }

  /** A file that fit in one slot: created, written and closed at once, in the page cache. */
  private async endWhole(): Promise<void> {
    const data = this.slot ? this.slot.subarray(0, this.fill) : new Uint8Array(0);
    try {
      const fd = openCreatingSync(this.localPath, this.createFlags);
      try {
        for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off, this.base + off);
      } finally {
        closeSync(fd);
      }
      this.pos = data.length;
    } finally {
      if (this.slot) this.pool.give(this.slot);
      this.slot = null;
      this.fill = 0;
      this.closed = true;
    }
    await this.onDone({ path: this.relPath, size: this.pos, mtime: this.mtime, checksum: this.hash.digest() });
  }

  /** Closes the file after a failure elsewhere; the partial file is left for the cleanup. */
  async abandon(): Promise<void> {
    if (this.slot) this.pool.give(this.slot);
    this.slot = null;
    await this.settle();
    await this.closeAll().catch(() => {});
  }

  private async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private async closeAll(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const dfd = this.dfd;
    const bfd = this.bfd;
    this.dfd = this.bfd = null;
    if (dfd !== null) await closeAsync(dfd);
    if (bfd !== null) await closeAsync(await bfd);
  }
}

function openCreatingSync(path: string, flags: number): number {
  try {
    return openSync(path, flags, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openSync(path, flags, 0o600);
  }
}

async function openCreating(path: string, flags: number): Promise<number> {
  try {
    return await openAsync(path, flags, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openAsync(path, flags, 0o600);
  }
}
