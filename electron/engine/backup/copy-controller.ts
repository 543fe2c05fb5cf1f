import { chmod, mkdir, rm } from 'node:fs/promises';
import { TidemarkError } from '../errors';
import type { Transport } from '../transport/transport';
import { crc32cCombine, crc32cFromHex, crc32cHex, type ChecksumAlgorithm } from './checksum';
import { SlotPool, SMALL_FILE_MAX, WriteBack, type SinkStream } from './file-sink';
import { precreateFiles } from './precreate';
import { isWholeFile, RANGE_UNIT, rangeCopy, type FileRange } from './range-copy';
import { PG_CONTROL } from './exclusions';
import type { DataDirListing, RemoteFile } from './file-list';
import { mapFsError } from './fs-errors';
import type { ManifestFile } from './manifest';
import { safeJoin, tarCopy } from './tar-copy';
import type { WireCompression } from './remote-read';

/** Live counters the job turns into progress events. */
export interface CopyProgress {
  bytesDone: number;
  filesDone: number;
  currentFile: string | null;
}

export interface CopyOptions {
  /** One per parallel stream is best (one SSH connection each); streams share them round-robin. */
  readonly transports: readonly Transport[];
  readonly pgdata: string;
  /** The local copy of the data directory. */
  readonly dest: string;
  readonly listing: DataDirListing;
  readonly parallel: number;
  readonly checksums: ChecksumAlgorithm;
  readonly compression: WireCompression;
  readonly signal: AbortSignal;
  readonly progress: CopyProgress;
  /** Test hook: runs after each file is written; the copy waits for it. */
  readonly onFileCopied?: (path: string) => void | Promise<void>;
}

export interface CopyOutcome {
  readonly files: readonly ManifestFile[];
  readonly vanished: readonly string[];
  readonly warnings: readonly string[];
  /** Files copied as byte ranges over several streams. */
  readonly splitFiles: number;
  /** Big files read whole by zstd on the database host, each on its own. */
  readonly wholeFiles: number;
  readonly bytes: number;
  /** What crossed the network: less than bytes when the streams were compressed. */
  readonly wireBytes: number;
  readonly seconds: number;
}

/**
 * The copy controller: what to copy and how, not when the backup starts or stops. Files are
 * spread over parallel streams balanced by size, each stream one tar of whole files plus, for
 * files big enough to hold the others back, byte ranges read with dd; global/pg_control comes
 * last, on its own, because for a standby backup it carries the minimum recovery point.
 */
export async function copyDataDir(opts: CopyOptions): Promise<CopyOutcome> {
  const t0 = Date.now();
  await makeDirs(opts.dest, opts.listing.dirs);
  const files: ManifestFile[] = [];
  const vanished: string[] = [];
  const warnings: string[] = [];
  const onFile = async (f: ManifestFile): Promise<void> => {
    files.push(f);
    opts.progress.filesDone++;
    await opts.onFileCopied?.(f.path);
  };
  const split = new SplitFiles(opts.dest, onFile, vanished);
  let wireBytes = 0;
  const wire = { compression: opts.compression, onWireBytes: (n: number) => (wireBytes += n) };
  // One pace for all streams: a flush makes the whole disk's writes durable, not one stream's.
  const writeBack = new WriteBack();
  const runRanges = async (ranges: readonly FileRange[], transport: Transport, signal: AbortSignal, pool: SlotPool): Promise<void> => {
    const stream: SinkStream = { pool, algorithm: opts.checksums, onBytes: (n) => (opts.progress.bytesDone += n), writeBack };
    for (const range of ranges) {
      opts.progress.currentFile = range.path;
      const r = await rangeCopy({ transport, remoteDir: opts.pgdata, range, localDir: opts.dest, signal, stream, ...wire });
      if (!r.vanished && r.warning) warnings.push(r.warning);
      await split.done(range, r.vanished ? null : r.checksum);
    }
  };
  const run = async (names: readonly string[], transport: Transport, signal: AbortSignal, pool: SlotPool): Promise<void> => {
    const r = await tarCopy({
      pool,
      transport,
      remoteDir: opts.pgdata,
      names,
      localDir: opts.dest,
      signal,
      checksums: opts.checksums,
      ...wire,
      writeBack,
      onBytes: (n) => (opts.progress.bytesDone += n),
      onFileStart: (name) => (opts.progress.currentFile = name),
      onFile,
    });
    vanished.push(...r.vanished);
    warnings.push(...r.warnings);
  };

  const body = opts.listing.files.filter((f) => f.path !== PG_CONTROL);
  const plan = planStreams(body, {
    streams: Math.max(1, opts.parallel),
    // Ranges need checksums that combine: CRC32C does, SHA-256 does not.
    split: opts.checksums === 'CRC32C',
    readWhole: opts.compression === 'zstd',
  });
  split.expect(plan);
  // Write buffers made once per copy, not per read: WebAssembly memory is only given back by the
  // garbage collector, and each new pool makes V8 collect sooner. A stream's ranges have one
  // pool; its tar, which runs beside them, another of two slots (its files are mostly small ones,
  // each written whole from one slot), or the ranges' pool when the stream has none.
  const pools = plan.map(() => new SlotPool());
  const tarPools = plan.map((p, i) => (p.ranges.length ? new SlotPool(2) : pools[i]));
  // Each stream's tar sends its big files first: the small ones are created meanwhile.
  const precreator = precreateFiles(opts.dest, interleave(plan.map((p) => p.names.slice(p.bigFiles))));
  // One failing stream stops the others at once instead of letting them copy for nothing.
  const local = new AbortController();
  const stop = (): void => local.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      plan.map(async (p, i) => {
        const transport = opts.transports[i % opts.transports.length];
        try {
          // Two channels of the connection at once: while zstd on the database host reads a
          // big table, the tar of the other files fills the pauses of the stream.
          await Promise.all([runRanges(p.ranges, transport, local.signal, pools[i]), run(p.names, transport, local.signal, tarPools[i])]);
        } catch (e) {
          if (!local.signal.aborted) local.abort(e);
          throw e;
        }
      }),
    ).catch(() => {
      // Report the first cause, not a follow-up abort of a sibling stream.
      throw local.signal.reason;
    });
  } finally {
    opts.signal.removeEventListener('abort', stop);
    await precreator.stop();
  }
  if (opts.signal.aborted) throw opts.signal.reason;
  await precreator.discard(vanished).catch((e) => Promise.reject(mapFsError(e, opts.dest)));
  await run([PG_CONTROL], opts.transports[0], opts.signal, pools[0]);
  if (!files.some((f) => f.path === PG_CONTROL)) {
    throw new TidemarkError('BACKUP_FAILED', 'global/pg_control could not be copied from the data directory');
  }
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const ranges = plan.flatMap((p) => p.ranges);
  const splitFiles = new Set(ranges.filter((r) => !isWholeFile(r)).map((r) => r.path)).size;
  const wholeFiles = ranges.filter(isWholeFile).length;
  return { files, vanished, warnings, splitFiles, wholeFiles, bytes, wireBytes, seconds: (Date.now() - t0) / 1000 };
}

export interface StreamPlan {
  /** Whole files, for one tar: the big ones first, then the small ones, each in name order. */
  readonly names: string[];
  /** How many of names are big files (over SMALL_FILE_MAX: not written whole at their end). */
  readonly bigFiles: number;
  readonly ranges: FileRange[];
}

// A file is cut into ranges only when it would hold the other streams back (more than a quarter
// of a stream's share) and is big enough for a range to be worth its own command.
const RANGE_MIN = 64 * RANGE_UNIT;

export interface PlanOptions {
  readonly streams: number;
  /** Files may be cut into byte ranges (their checksums combine). */
  readonly split: boolean;
  /** Files of RANGE_MIN and more that are not cut are read whole, on their own (zstd reads them directly). */
  readonly readWhole: boolean;
}

/**
 * Longest-processing-time first: the biggest piece goes to the emptiest stream. With `split`,
 * a file bigger than a quarter of a stream's share is cut into ranges of about that size (whole
 * MBs), so one big table does not leave the other streams idle.
 */
export function planStreams(files: readonly RemoteFile[], { streams, split, readWhole }: PlanOptions): StreamPlan[] {
  const total = files.reduce((n, f) => n + f.size, 0);
  const piece = Math.max(RANGE_MIN, Math.ceil(total / streams / 4 / RANGE_UNIT) * RANGE_UNIT);
  type Item = { size: number; name?: string; range?: FileRange; big?: boolean };
  const items: Item[] = [];
  for (const f of files) {
    const cut = split && streams >= 2 && f.size > piece;
    if (!cut && readWhole && f.size >= RANGE_MIN) {
      items.push({ size: f.size, range: { path: f.path, mtime: f.mtime, fileSize: f.size, offset: 0, length: f.size } });
      continue;
    }
    if (!cut) {
      items.push({ size: Math.max(f.size, 4096), name: f.path, big: f.size > SMALL_FILE_MAX }); // a tiny file still costs a header and an open()
      continue;
    }
    const count = Math.ceil(f.size / piece);
    const step = Math.ceil(f.size / count / RANGE_UNIT) * RANGE_UNIT;
    for (let offset = 0; offset < f.size; offset += step) {
      const length = Math.min(step, f.size - offset);
      items.push({ size: length, range: { path: f.path, mtime: f.mtime, fileSize: f.size, offset, length } });
    }
  }
  const n = Math.min(streams, Math.max(1, items.length));
  const buckets = Array.from({ length: n }, () => ({ bytes: 0, big: [] as string[], small: [] as string[], ranges: [] as FileRange[] }));
  for (const item of items.sort((a, b) => b.size - a.size)) {
    let min = buckets[0];
    for (const b of buckets) if (b.bytes < min.bytes) min = b;
    min.bytes += item.size;
    if (item.range) min.ranges.push(item.range);
    else (item.big ? min.big : min.small).push(item.name!);
  }
  // Within a stream, data directory order reads each relation's segments together.
  return buckets
    .map((b) => ({
      names: [...b.big.sort(), ...b.small.sort()],
      bigFiles: b.big.length,
      ranges: b.ranges.sort((x, y) => (x.path === y.path ? x.offset - y.offset : x.path < y.path ? -1 : 1)),
    }))
    .filter((b) => b.names.length > 0 || b.ranges.length > 0);
}

/** One from each list in turn: the order in which parallel streams reach their files. */
function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

/**
 * The files copied in ranges: one ManifestFile each once all its ranges are written, with the
 * CRC32C of the whole file combined from the ranges' CRCs. A file that vanished during the copy
 * (a dropped table) is left out, as tar's vanished files are.
 */
class SplitFiles {
  /** Per file, its ranges in offset order; checksum undefined until written, null if the file was gone. */
  private readonly files = new Map<string, { readonly size: number; readonly mtime: number; readonly ranges: { offset: number; length: number; checksum?: string | null }[] }>();

  constructor(
    private readonly dest: string,
    private readonly onFile: (f: ManifestFile) => Promise<void>,
    private readonly vanished: string[],
  ) {}

  expect(plan: readonly StreamPlan[]): void {
    for (const r of plan.flatMap((p) => p.ranges).sort((a, b) => a.offset - b.offset)) {
      const f = this.files.get(r.path) ?? { size: r.fileSize, mtime: r.mtime, ranges: [] };
      f.ranges.push({ offset: r.offset, length: r.length });
      this.files.set(r.path, f);
    }
  }

  async done(range: FileRange, checksum: string | null): Promise<void> {
    const f = this.files.get(range.path)!;
    f.ranges.find((r) => r.offset === range.offset)!.checksum = checksum;
    if (f.ranges.some((r) => r.checksum === undefined)) return;
    this.files.delete(range.path);
    if (f.ranges.some((r) => r.checksum === null)) {
      // Ranges read before the file went are on disk: the backup must not keep half a file.
      await rm(safeJoin(this.dest, range.path), { force: true }).catch((e) => Promise.reject(mapFsError(e, this.dest)));
      this.vanished.push(range.path);
      return;
    }
    // One range is the whole file and has its checksum, SHA-256 too; only CRC32Cs combine.
    const fileChecksum = f.ranges.length === 1 ? f.ranges[0].checksum! : crc32cHex(f.ranges.reduce((acc, r, i) => (i === 0 ? crc32cFromHex(r.checksum!) : crc32cCombine(acc, crc32cFromHex(r.checksum!), r.length)), 0));
    await this.onFile({ path: range.path, size: f.size, mtime: f.mtime, checksum: fileChecksum });
  }
}

async function makeDirs(dest: string, dirs: readonly string[]): Promise<void> {
  try {
    await mkdir(dest, { recursive: true, mode: 0o700 });
    await chmod(dest, 0o700);
    for (const d of dirs) await mkdir(safeJoin(dest, d), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw mapFsError(e, dest);
  }
}
