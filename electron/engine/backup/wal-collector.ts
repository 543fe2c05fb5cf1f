import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerRole } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import type { Transport } from '../transport/transport';
import { tarCopy } from './tar-copy';
import type { WireCompression } from './remote-read';
import { walSegmentsBetween } from './wal-names';

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
 * temporary slot held by the backup session keeps them there until this is done. On a standby
 * the last segment is still being filled: copied as it is, it holds everything up to the stop.
 */
export async function collectWal(opts: WalCollectOptions): Promise<{ readonly segments: readonly string[] }> {
  const segments = walSegmentsBetween(opts.timeline, opts.startLsn, opts.stopLsn, opts.segmentSize);
  const names = [...segments];
  if (opts.timeline > 1) names.push(`${opts.timeline.toString(16).toUpperCase().padStart(8, '0')}.history`);
  const localWal = join(opts.dest, 'pg_wal');
  let todo = names;
  const deadline = Date.now() + WAIT_MAX_MS;
  for (;;) {
    const r = await tarCopy({
      transport: opts.transport,
      remoteDir: `${opts.pgdata.replace(/\/+$/, '')}/pg_wal`,
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
    if (missing.length === 0) break;
    // On a primary the stop's WAL switch is flushed before pg_backup_stop returns; a short wait
    // covers file systems where the rename of a recycled segment is not yet visible.
    const onlyLast = missing.length === 1 && missing[0] === segments[segments.length - 1];
    if (!onlyLast || Date.now() > deadline) {
      throw new TidemarkError('BACKUP_FAILED', `WAL needed by the backup is missing from the server's pg_wal: ${missing.join(', ')}`, {
        hint: 'Something removed WAL the backup needs (the temporary replication slot should have kept it). Check max_slot_wal_keep_size and archive cleanup, then take the backup again.',
      });
    }
    opts.log(`Waiting for WAL segment ${missing[0]} to appear`);
    await new Promise((r2) => setTimeout(r2, WAIT_STEP_MS));
    todo = missing;
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
