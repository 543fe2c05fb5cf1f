import { stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerRole } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import type { Transport } from '../transport/transport';
import { SlotPool } from './file-sink';
import { mapFsError } from './fs-errors';
import { RANGE_UNIT, rangeCopy } from './range-copy';
import { tarCopy } from './tar-copy';
import type { WireCompression } from './remote-read';
import { parseLsn, walSegmentsBetween } from './wal-names';

export interface WalCollectOptions {
  readonly transport: Transport;
  readonly pgdata: string;
  /** The local copy of the data directory; segments go to its pg_wal. */
  readonly dest: string;
  readonly timeline: number;
  readonly startLsn: string;
  readonly stopLsn: string;
  readonly segmentSize: number;
  readonly role: ServerRole;
  readonly signal: AbortSignal;
  readonly compression: WireCompression;
  readonly onBytes: (n: number) => void;
  readonly log: (message: string) => void;
}

const WAIT_STEP_MS = 250;
const WAIT_MAX_MS = 30_000;

/**
 * The WAL collector: after the stop, every segment from the start segment to the stop segment is
 * copied from the server's pg_wal into the backup's, so the backup restores on its own. The
 * temporary slot held by the backup session keeps them there until this is done.
 *
 * Of the last segment only what the backup needs is read: from its start to the stop LSN, rounded
 * up to the next MB; the rest of the local file is zeros. That is the segment pg_basebackup -X
 * stream writes (the WAL it received, padded with zeros): recovery reads up to the stop LSN, and
 * the first zeros after it end the WAL. The rest of a server's segment is recycled old WAL (or,
 * on a standby, WAL still arriving) that recovery must not need: most of 16 MB not read, sent
 * or written. On a standby the last segment is still being filled; it holds everything up to the
 * stop.
 */
export async function collectWal(opts: WalCollectOptions): Promise<{ readonly segments: readonly string[] }> {
  const segments = walSegmentsBetween(opts.timeline, opts.startLsn, opts.stopLsn, opts.segmentSize);
  const last = segments[segments.length - 1];
  const lastBytes = lastSegmentBytes(opts.startLsn, opts.stopLsn, opts.segmentSize);
  // The last segment, when only its head is read; otherwise tar copies it whole with the others.
  const head = lastBytes < opts.segmentSize ? last : undefined;
  const names = head ? segments.slice(0, -1) : [...segments];
  if (opts.timeline > 1) names.push(`${opts.timeline.toString(16).toUpperCase().padStart(8, '0')}.history`);
  const remoteDir = `${opts.pgdata.replace(/\/+$/, '')}/pg_wal`;
  const localWal = join(opts.dest, 'pg_wal');
  let todo = names;
  let headDone = !head;
  const deadline = Date.now() + WAIT_MAX_MS;
  for (;;) {
    const r = await tarCopy({
      transport: opts.transport,
      remoteDir,
      names: todo,
      localDir: localWal,
      signal: opts.signal,
      // The manifest lists no WAL file: the checksum is not used, CRC32C costs least.
      checksums: 'CRC32C',
      compression: opts.compression,
      onBytes: opts.onBytes,
      onFile: () => {},
    });
    const missing = r.vanished.filter((n) => !n.endsWith('.history'));
    if (!headDone) {
      headDone = await copyHead(opts, remoteDir, localWal, last, lastBytes);
      if (!headDone) missing.push(last);
    }
    if (missing.length === 0) break;
    // On a primary the stop's WAL switch is flushed before pg_backup_stop returns; a short wait
    // covers file systems where the rename of a recycled segment is not yet visible.
    const onlyLast = missing.length === 1 && missing[0] === last;
    if (!onlyLast || Date.now() > deadline) {
      throw new TidemarkError('BACKUP_FAILED', `WAL needed by the backup is missing from the server's pg_wal: ${missing.join(', ')}`, {
        hint: 'Something removed WAL the backup needs (the temporary replication slot should have kept it). Check max_slot_wal_keep_size and archive cleanup, then take the backup again.',
      });
    }
    opts.log(`Waiting for WAL segment ${missing[0]} to appear`);
    await new Promise((r2) => setTimeout(r2, WAIT_STEP_MS));
    todo = head ? [] : missing; // missing is [last] here
  }
  for (const name of segments) {
    const st = await stat(join(localWal, name));
    if (st.size !== opts.segmentSize) {
      throw new TidemarkError('BACKUP_FAILED', `WAL segment ${name} has ${st.size} bytes instead of ${opts.segmentSize}`, {
        hint: 'The segment was being recycled or truncated while it was read. Take the backup again.',
      });
    }
  }
  return { segments };
}

/**
 * How many bytes of the last segment the backup needs: up to the stop LSN (the last byte before
 * it), rounded up to RANGE_UNIT, at most the whole segment.
 */
export function lastSegmentBytes(startLsn: string, stopLsn: string, segmentSize: number): number {
  const start = parseLsn(startLsn);
  const stop = parseLsn(stopLsn);
  const lastByte = stop > start ? stop - 1n : start;
  const into = Number(lastByte % BigInt(segmentSize)) + 1;
  return Math.min(segmentSize, Math.ceil(into / RANGE_UNIT) * RANGE_UNIT);
}

/** The first `bytes` of a segment, then zeros up to its size; false when it is not there (yet). */
async function copyHead(opts: WalCollectOptions, remoteDir: string, localWal: string, name: string, bytes: number): Promise<boolean> {
  const r = await rangeCopy({
    transport: opts.transport,
    remoteDir,
    range: { path: name, mtime: Math.floor(Date.now() / 1000), fileSize: opts.segmentSize, offset: 0, length: bytes },
    localDir: localWal,
    signal: opts.signal,
    stream: { pool: new SlotPool(1), algorithm: 'CRC32C', onBytes: opts.onBytes },
    compression: opts.compression,
  });
  if (r.vanished) return false;
  if (r.warning) {
    throw new TidemarkError('BACKUP_FAILED', `WAL segment ${name} was shorter than ${bytes} bytes when it was read`, {
      hint: 'The segment was being recycled or truncated while it was read. Take the backup again.',
    });
  }
  const local = join(localWal, name);
  await truncate(local, opts.segmentSize).catch((e) => Promise.reject(mapFsError(e, local)));
  return true;
}
