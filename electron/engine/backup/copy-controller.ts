import { chmod, mkdir } from 'node:fs/promises';
import { TidemarkError } from '../errors';
import type { Transport } from '../transport/transport';
import { PG_CONTROL } from './exclusions';
import type { DataDirListing, RemoteFile } from './file-list';
import { mapFsError } from './fs-errors';
import type { ManifestFile } from './manifest';
import { safeJoin, tarCopy } from './tar-copy';

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
  readonly signal: AbortSignal;
  readonly progress: CopyProgress;
  /** Test hook: runs after each file is written; the copy waits for it. */
  readonly onFileCopied?: (path: string) => void | Promise<void>;
}

export interface CopyOutcome {
  readonly files: readonly ManifestFile[];
  readonly vanished: readonly string[];
  readonly warnings: readonly string[];
  readonly bytes: number;
  readonly seconds: number;
}

/**
 * The copy controller: what to copy and how, not when the backup starts or stops. Files are
 * spread over parallel tar streams balanced by size; global/pg_control comes last, on its own,
 * because for a standby backup it carries the minimum recovery point.
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
  const run = async (names: readonly string[], transport: Transport, signal: AbortSignal): Promise<void> => {
    const r = await tarCopy({
      transport,
      remoteDir: opts.pgdata,
      names,
      localDir: opts.dest,
      signal,
      onBytes: (n) => (opts.progress.bytesDone += n),
      onFileStart: (name) => (opts.progress.currentFile = name),
      onFile,
    });
    vanished.push(...r.vanished);
    warnings.push(...r.warnings);
  };

  const body = opts.listing.files.filter((f) => f.path !== PG_CONTROL);
  const buckets = balance(body, Math.max(1, opts.parallel));
  // One failing stream stops the others at once instead of letting them copy for nothing.
  const local = new AbortController();
  const stop = (): void => local.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all(
      buckets.map((names, i) =>
        run(names, opts.transports[i % opts.transports.length], local.signal).catch((e) => {
          if (!local.signal.aborted) local.abort(e);
          throw e;
        }),
      ),
    ).catch(() => {
      // Report the first cause, not a follow-up abort of a sibling stream.
      throw local.signal.reason;
    });
  } finally {
    opts.signal.removeEventListener('abort', stop);
  }
  if (opts.signal.aborted) throw opts.signal.reason;
  await run([PG_CONTROL], opts.transports[0], opts.signal);
  if (!files.some((f) => f.path === PG_CONTROL)) {
    throw new TidemarkError('BACKUP_FAILED', 'global/pg_control could not be copied from the data directory');
  }
  const bytes = files.reduce((n, f) => n + f.size, 0);
  return { files, vanished, warnings, bytes, seconds: (Date.now() - t0) / 1000 };
}

/** Longest-processing-time first: the biggest file goes to the emptiest stream. */
export function balance(files: readonly RemoteFile[], streams: number): string[][] {
  const n = Math.min(streams, Math.max(1, files.length));
  const buckets = Array.from({ length: n }, () => ({ bytes: 0, names: [] as string[] }));
  for (const f of [...files].sort((a, b) => b.size - a.size)) {
    let min = buckets[0];
    for (const b of buckets) if (b.bytes < min.bytes) min = b;
    min.bytes += Math.max(f.size, 4096); // a tiny file still costs a header and an open()
    min.names.push(f.path);
  }
  // Within a stream, data directory order reads each relation's segments together.
  return buckets.map((b) => b.names.sort()).filter((b) => b.length > 0);
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
