import { createHash, type Hash } from 'node:crypto';
import { close, constants, mkdirSync, open, write } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import type { ManifestFile } from './manifest';
import type { TarSink } from './tar-reader';

const SLOT_BYTES = 1 << 20;
// Writes a stream may have in flight while it fills the next slot: the disk and the network stay
// busy together, and a slow disk pauses the SSH channel instead of growing memory.
const SLOTS = 4;
// Below this a file goes through the page cache: O_DIRECT would cost a second descriptor for the
// unaligned tail and gains nothing on a few blocks.
const DIRECT_MIN = 1 << 20;
const ALIGN = 4096;
const { O_WRONLY, O_CREAT, O_TRUNC, O_DIRECT } = constants;

const openAsync = promisify(open);
const closeAsync = promisify(close);
const writeAsync = promisify(write);

/**
 * The write buffers of one copy stream: 1 MB slots of WebAssembly memory, which is page-aligned,
 * as O_DIRECT requires (a Buffer's address is whatever malloc returned).
 */
export class SlotPool {
  private readonly memory = new WebAssembly.Memory({ initial: (SLOTS * SLOT_BYTES) / 65536, maximum: (SLOTS * SLOT_BYTES) / 65536 });
  private readonly free: Uint8Array[] = Array.from({ length: SLOTS }, (_, i) => new Uint8Array(this.memory.buffer, i * SLOT_BYTES, SLOT_BYTES));
  private waiters: (() => void)[] = [];

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

/**
 * Writes one file of the backup while hashing it (SHA-256, which pg_verifybackup reads). Data is
 * gathered into 1 MB slots, hashed once per slot, and written at its offset on the thread pool
 * while the next slot fills. Files of 1 MB and more are written with O_DIRECT where the file
 * system allows it: no second copy into the page cache, and no gigabyte of dirty pages for the
 * final fsync to wait for. Unaligned tails and small files go through the page cache.
 */
export class FileSink implements TarSink {
  private readonly hash: Hash = createHash('sha256');
  private slot: Uint8Array | null = null;
  private fill = 0;
  private pos = 0;
  private bfd: Promise<number> | null = null;
  private direct: boolean;
  private inflight = new Set<Promise<void>>();
  private failure: unknown = null;
  private closed = false;

  private constructor(
    private dfd: number | null,
    private readonly localPath: string,
    private readonly relPath: string,
    private readonly mtime: number,
    private readonly pool: SlotPool,
    private readonly onBytes: (n: number) => void,
    private readonly onDone: (f: ManifestFile) => void | Promise<void>,
  ) {
    this.direct = dfd !== null;
  }

  /** `size` is what the tar header announces; it only chooses how the file is written. */
  static async create(
    localPath: string,
    relPath: string,
    mtime: number,
    size: number,
    pool: SlotPool,
    onBytes: (n: number) => void,
    onDone: (f: ManifestFile) => void | Promise<void>,
  ): Promise<FileSink> {
    let dfd: number | null = null;
    if (size >= DIRECT_MIN && O_DIRECT) {
      // tmpfs, some FUSE and network file systems refuse O_DIRECT: the page cache it is.
      dfd = await openCreating(localPath, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT).catch((e: NodeJS.ErrnoException) =>
        e.code === 'EINVAL' || e.code === 'EOPNOTSUPP' ? null : Promise.reject(e),
      );
    }
    const sink = new FileSink(dfd, localPath, relPath, mtime, pool, onBytes, onDone);
    if (dfd === null) {
      const bfd = await openCreating(localPath, O_WRONLY | O_CREAT | O_TRUNC);
      sink.bfd = Promise.resolve(bfd);
    }
    return sink;
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.onBytes(chunk.length);
    if (this.slot && SLOT_BYTES - this.fill >= chunk.length) {
      this.slot.set(chunk, this.fill);
      this.fill += chunk.length;
      if (this.fill === SLOT_BYTES) this.flush();
      return;
    }
    return this.slowWrite(chunk);
  }

  private async slowWrite(chunk: Buffer): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      if (!this.slot) {
        this.slot = await this.pool.take();
        this.fill = 0;
        if (this.failure) throw this.failure;
      }
      const n = Math.min(chunk.length - off, SLOT_BYTES - this.fill);
      this.slot.set(chunk.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === SLOT_BYTES) this.flush();
    }
  }

  /** Hashes the filled slot and starts writing it; the slot returns to the pool once written. */
  private flush(): void {
    const slot = this.slot;
    if (!slot) return;
    const len = this.fill;
    const pos = this.pos;
    this.slot = null;
    this.fill = 0;
    this.pos += len;
    if (len === 0) return this.pool.give(slot);
    const data = slot.subarray(0, len);
    this.hash.update(data);
    const p = this.writeAt(data, pos)
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.pool.give(slot);
        this.inflight.delete(p);
      });
    this.inflight.add(p);
  }

  private async writeAt(data: Uint8Array, pos: number): Promise<void> {
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
    // Without O_TRUNC: the O_DIRECT descriptor created the file and may have written to it.
    this.bfd ??= openCreating(this.localPath, O_WRONLY);
    return this.bfd;
  }

  async end(): Promise<void> {
    this.flush();
    await this.settle();
    if (this.failure) {
      await this.closeAll();
      throw this.failure;
    }
    await this.closeAll();
    await this.onDone({ path: this.relPath, size: this.pos, mtime: this.mtime, sha256: this.hash.digest('hex') });
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

async function openCreating(path: string, flags: number): Promise<number> {
  try {
    return await openAsync(path, flags, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openAsync(path, flags, 0o600);
  }
}
