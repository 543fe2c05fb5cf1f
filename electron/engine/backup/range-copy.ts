import { TidemarkError } from '../errors';
import { shellQuote, type Transport } from '../transport/transport';
import { FileSink, type SinkStream } from './file-sink';
import { throwIfReadFailed, unreadableFile } from './copy-errors';
import { mapFsError } from './fs-errors';
import { remoteRead, ZSTD, ZSTD_HINT, zstdDecodeInto, type WireCompression } from './remote-read';
import { safeJoin } from './tar-copy';

/** One byte range of a big file (or all of it); ranges of one file go to different streams. */
export interface FileRange {
  readonly path: string;
  readonly mtime: number;
  /** The file's size when it was listed: what the backup records. */
  readonly fileSize: number;
  /** A multiple of RANGE_UNIT. */
  readonly offset: number;
  readonly length: number;
}

/** dd's block size: offsets are multiples of it, so a POSIX dd (skip=, count=) can read a range. */
export const RANGE_UNIT = 1 << 20;

export interface RangeCopyOptions {
  readonly transport: Transport;
  readonly remoteDir: string;
  readonly range: FileRange;
  readonly localDir: string;
  readonly signal: AbortSignal;
  readonly stream: SinkStream;
  readonly compression: WireCompression;
  /** Bytes as they crossed the network. */
  readonly onWireBytes?: (n: number) => void;
}

export type RangeCopyResult =
  | { readonly vanished: false; readonly checksum: string; readonly warning?: string }
  | { readonly vanished: true };

/**
 * Copies one byte range of a remote file with dd (a whole file, compressed: with zstd) into the
 * same range of the local file. Like tar with a file that shrinks while it is read, a short range
 * is padded with zeros to its listed length (WAL replay rewrites whatever changed); bytes past the
 * listed size are not written.
 */
export async function rangeCopy(o: RangeCopyOptions): Promise<RangeCopyResult> {
  const { range, transport, signal } = o;
  const file = shellQuote(`./${range.path}`);
  // A whole file, compressed, is read by zstd itself: no dd and no pipe between them. On its
  // stdin, not named: zstd announces a named file's size in the frame and fails if the file
  // grows or shrinks while it reads it, as live tables do.
  const direct = o.compression === 'zstd' && isWholeFile(range);
  const tool = direct ? 'zstd' : 'dd';
  const read = remoteRead({
    transport,
    dir: o.remoteDir,
    program: direct
      ? `${ZSTD} < ${file}`
      : `dd if=${file} bs=${RANGE_UNIT} skip=${range.offset / RANGE_UNIT} count=${Math.ceil(range.length / RANGE_UNIT)} status=none`,
    programCompresses: direct,
    compression: o.compression,
    signal,
    ...(o.onWireBytes && { onWireBytes: o.onWireBytes }),
    stderrLimit: 16 * 1024,
  });
  read.stdin.end();
  const local = safeJoin(o.localDir, range.path);
  let checksum = '';
  let sink: FileSink | null = null;
  let got = 0;
  let failure: unknown;
  // Local write errors become DBA-readable ones at once; anything else is the stream's.
  const localError = (e: unknown): Promise<never> => Promise.reject(mapFsError(e, local));
  try {
    sink = await FileSink.create({ localPath: local, relPath: range.path, mtime: range.mtime, size: range.length, offset: range.offset }, o.stream, (f) => {
      checksum = f.checksum;
    }).catch(localError);
    if (o.compression === 'zstd') {
      const into = sink;
      // Bytes past the listed length (the file grew) are decoded and dropped.
      let scratch: Uint8Array | null = null;
      await zstdDecodeInto(read.raw, {
        space: (max) => {
          if (signal.aborted) throw signal.reason;
          const left = range.length - got;
          if (left <= 0) return (scratch ??= new Uint8Array(max));
          const s = into.space(Math.min(max, left));
          return s instanceof Uint8Array ? s : s.catch(localError);
        },
        commit: (n) => {
          if (range.length - got <= 0) return;
          got += n;
          into.commit(n);
        },
      });
    } else {
      for await (const chunk of read.chunks) {
        if (signal.aborted) throw signal.reason;
        const take = Math.min(chunk.length, range.length - got);
        if (take > 0) {
          got += take;
          const w = sink.write(take === chunk.length ? chunk : chunk.subarray(0, take));
          if (w) await w.catch(localError);
        }
      }
    }
  } catch (e) {
    failure = e;
    read.kill();
  }
  const end = await read.finish();
  if (signal.aborted) {
    await sink?.abandon();
    throw signal.reason;
  }
  if (failure === undefined && end.code === 0 && sink) {
    try {
      const short = range.length - got;
      for (let left = short; left > 0; left -= RANGE_UNIT) await sink.write(Buffer.alloc(Math.min(left, RANGE_UNIT)))?.catch(localError);
      await sink.end().catch(localError);
      return { vanished: false, checksum, ...(short > 0 && { warning: `${range.path}: file shrank while it was read; ${short} bytes padded with zeros` }) };
    } catch (e) {
      failure = e;
    }
  }
  await sink?.abandon();
  throwIfReadFailed(transport, end.code, failure ?? end.compressorError, range.path);
  // dd and bash say "No such file or directory", dash opening zstd's input "No such file".
  if (/No such file/.test(end.stderr)) return { vanished: true };
  if (/Permission denied/.test(end.stderr)) throw unreadableFile(end.stderr.trim());
  throw new TidemarkError('SSH_COMMAND', `${tool} on the database host failed (exit ${end.code}): ${end.stderr.trim() || 'no message'}`, {
    hint: direct ? ZSTD_HINT : 'dd (coreutils) must be installed on the database host.',
  });
}

/** A range that is the whole file as listed: read from its start to its end. */
export function isWholeFile(range: FileRange): boolean {
  return range.offset === 0 && range.length === range.fileSize;
}
