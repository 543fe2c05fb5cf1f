import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ManifestFile } from './manifest';
import type { TarSink } from './tar-reader';

// Big writes keep syscalls few; one write in flight while the next batch fills keeps disk and
// network busy at the same time. Two batches per stream bound the memory a stream holds.
const BATCH_BYTES = 1 << 20;

/** Writes one file of the backup while hashing it (SHA-256, which pg_verifybackup reads). */
export class FileSink implements TarSink {
  private readonly hash: Hash = createHash('sha256');
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private written = 0;
  private inflight: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly fh: FileHandle,
    private readonly relPath: string,
    private readonly mtime: number,
    private readonly onBytes: (n: number) => void,
    private readonly onDone: (f: ManifestFile) => void | Promise<void>,
  ) {}

  static async create(
    localPath: string,
    relPath: string,
    mtime: number,
    onBytes: (n: number) => void,
    onDone: (f: ManifestFile) => void | Promise<void>,
  ): Promise<FileSink> {
    let fh: FileHandle;
    try {
      fh = await open(localPath, 'w', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await mkdir(dirname(localPath), { recursive: true, mode: 0o700 });
      fh = await open(localPath, 'w', 0o600);
    }
    return new FileSink(fh, relPath, mtime, onBytes, onDone);
  }

  write(chunk: Buffer): void | Promise<void> {
    this.hash.update(chunk);
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    this.onBytes(chunk.length);
    if (this.chunkBytes >= BATCH_BYTES) return this.flush();
  }

  private async flush(): Promise<void> {
    await this.inflight;
    const chunks = this.chunks;
    this.written += this.chunkBytes;
    this.chunks = [];
    this.chunkBytes = 0;
    this.inflight = this.fh.writev(chunks);
    // Surface a write error (ENOSPC) on the next await rather than as an unhandled rejection.
    this.inflight.catch(() => {});
  }

  async end(): Promise<void> {
    try {
      if (this.chunkBytes > 0) await this.flush();
      await this.inflight;
    } finally {
      await this.fh.close();
    }
    await this.onDone({ path: this.relPath, size: this.written, mtime: this.mtime, sha256: this.hash.digest('hex') });
  }

  /** Closes the file after a failure elsewhere; the partial file is left for the cleanup. */
  async abandon(): Promise<void> {
    await this.inflight.catch(() => {});
    await this.fh.close().catch(() => {});
  }
}
