import type pg from 'pg';
import { TidemarkError } from '../errors';
import { mapPgError, openPgSession, type PgTarget } from '../pg/session';
import { walSegmentBytes } from './wal-names';

/**
 * The one PostgreSQL session that holds a backup: it creates the temporary slot, starts and
 * stops the backup, and its death is noticed at once (a terminated backend ends a concurrent
 * backup and drops the slot, so the copy must stop).
 */
export class BackupSession {
  private lost: TidemarkError | null = null;
  private closing = false;

  private constructor(
    readonly client: pg.Client,
    private readonly target: PgTarget,
    onLost: (e: TidemarkError) => void,
  ) {
    const lose = (cause?: unknown): void => {
      if (this.closing || this.lost) return;
      this.lost = new TidemarkError('BACKUP_FAILED', `The backup session on ${target.host}:${target.port} ended unexpectedly`, {
        ...(cause !== undefined && { cause }),
        hint:
          'The server terminated it (pg_terminate_backend, a restart, a crash) or the network dropped it. ' +
          'A concurrent backup ends with its session; start the backup again.',
      });
      onLost(this.lost);
    };
    client.on('error', (e) => lose(e));
    client.on('end', () => lose());
  }

  static async open(target: PgTarget, onLost: (e: TidemarkError) => void): Promise<BackupSession> {
    const client = await openPgSession(target, { backup: true, applicationName: 'tidemark backup' });
    return new BackupSession(client, target, onLost);
  }

  get alive(): boolean {
    return !this.lost && !this.closing;
  }

  get lostError(): TidemarkError | null {
    return this.lost;
  }

  /** Runs a statement; errors become TidemarkErrors a DBA can act on. */
  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (this.lost) throw this.lost;
    try {
      return (await this.client.query<R>(sql, params)).rows;
    } catch (e) {
      throw this.lost ?? mapPgError(e, this.target);
    }
  }

  async walSegmentSize(): Promise<number> {
    const [r] = await this.query<{ setting: string; unit: string | null }>(
      "SELECT setting, unit FROM pg_settings WHERE name = 'wal_segment_size'",
    );
    return walSegmentBytes(r.setting, r.unit);
  }

  /** Keeps every WAL segment from now on until this session ends (PG 10+, standbys too). */
  async reserveWal(slot: string): Promise<void> {
    try {
      await this.query('SELECT pg_create_physical_replication_slot($1, true, true)', [slot]);
    } catch (e) {
      if (e instanceof TidemarkError && /max_replication_slots|replication slots can only be used/i.test(e.message)) {
        throw new TidemarkError('BACKUP_FAILED', `Cannot create the temporary replication slot that keeps the backup's WAL: ${e.message}`, {
          hint: 'Set max_replication_slots to at least 1 more than in use (it needs a restart), and wal_level to replica.',
        });
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    try {
      await this.client.end();
    } catch {
      // Already gone: the server has ended the backup and dropped the slot by itself.
    }
  }
}

/**
 * Ends an exclusive backup from a fresh session, for when the session that started it died. An
 * exclusive backup is the only one of its kind on the server, so one running now is ours.
 */
export async function stopExclusiveBackupElsewhere(target: PgTarget, abortSql: string): Promise<'stopped' | 'none'> {
  const client = await openPgSession(target, { backup: true, applicationName: 'tidemark cleanup' });
  try {
    const { rows } = await client.query<{ b: boolean }>('SELECT pg_is_in_backup() AS b');
    if (!rows[0].b) return 'none';
    await client.query(abortSql);
    return 'stopped';
  } catch (e) {
    throw mapPgError(e, target);
  } finally {
    await client.end().catch(() => {});
  }
}
