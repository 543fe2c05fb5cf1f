import type pg from 'pg';
import type { BackupMode, ServerRole } from '../../../shared/models/server';
import { TidemarkError } from '../errors';

/**
 * The backup strategy: which low-level API calls a given server version, role and mode need.
 * It knows nothing about copying files (the copy controller) or WAL (the WAL collector).
 */
export interface StopResult {
  readonly stopLsn: string;
  /** Returned by a non-exclusive stop; written into the backup as backup_label. */
  readonly labelFile?: string;
  /** Returned by a non-exclusive stop when there are tablespaces. */
  readonly tablespaceMap?: string;
}

export interface BackupStrategy {
  readonly mode: BackupMode;
  /** Exclusive backups leave backup_label (and tablespace_map) in PGDATA: they are copied. */
  readonly labelInDataDir: boolean;
  start(client: pg.Client, label: string, fast: boolean): Promise<{ readonly startLsn: string }>;
  stop(client: pg.Client): Promise<StopResult>;
  /** SQL that ends the backup from any session (exclusive only: the server outlives the session). */
  readonly abortSql?: string;
}

export interface StrategyFacts {
  readonly versionNum: number;
  readonly role: ServerRole;
}

const MIN_VERSION = 100000;

/** Refuses impossible combinations before anything is started on the server. */
export function chooseStrategy(facts: StrategyFacts, mode: BackupMode): BackupStrategy {
  if (facts.versionNum < MIN_VERSION) {
    throw new TidemarkError('MODE_UNSUPPORTED', `PostgreSQL ${formatVersion(facts.versionNum)} is too old for Tidemark`, {
      hint: 'Tidemark needs PostgreSQL 10 or later (temporary replication slots keep the WAL a backup needs).',
    });
  }
  if (mode === 'exclusive') {
    if (facts.versionNum >= 150000) {
      throw new TidemarkError('MODE_UNSUPPORTED', `Exclusive backups do not exist on PostgreSQL ${formatVersion(facts.versionNum)}`, {
        hint: 'PostgreSQL 15 removed the exclusive low-level backup API. Use concurrent mode.',
      });
    }
    if (facts.role === 'standby') {
      throw new TidemarkError('MODE_UNSUPPORTED', 'Exclusive backups cannot be taken from a standby', {
        hint: 'PostgreSQL only allows concurrent (non-exclusive) backups during recovery. Use concurrent mode.',
      });
    }
    return exclusive14;
  }
  return facts.versionNum >= 150000 ? concurrent15 : concurrent10;
}

/** The start is the same call shape in every version and mode: (label, fast) → start LSN. */
const startWith =
  (sql: string): BackupStrategy['start'] =>
  async (client, label, fast) => {
    const { rows } = await client.query<{ lsn: string }>(sql, [label, fast]);
    return { startLsn: rows[0].lsn };
  };

const concurrent15: BackupStrategy = {
  mode: 'concurrent',
  labelInDataDir: false,
  start: startWith('SELECT pg_backup_start($1, $2)::text AS lsn'),
  stop: (client) => stopNonExclusive(client, 'SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_backup_stop(false)'),
};

const concurrent10: BackupStrategy = {
  mode: 'concurrent',
  labelInDataDir: false,
  start: startWith('SELECT pg_start_backup($1, $2, false)::text AS lsn'),
  stop: (client) => stopNonExclusive(client, 'SELECT lsn::text AS lsn, labelfile, spcmapfile FROM pg_stop_backup(false, false)'),
};

// wait_for_archive false: Tidemark collects the WAL itself, so archiving must not block the stop.
const exclusive14: BackupStrategy = {
  mode: 'exclusive',
  labelInDataDir: true,
  start: startWith('SELECT pg_start_backup($1, $2, true)::text AS lsn'),
  async stop(client) {
    const { rows } = await client.query<{ lsn: string }>('SELECT lsn::text AS lsn FROM pg_stop_backup(true, false)');
    return { stopLsn: rows[0].lsn };
  },
  abortSql: 'SELECT pg_stop_backup(true, false)',
};

async function stopNonExclusive(client: pg.Client, sql: string): Promise<StopResult> {
  const { rows } = await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null }>(sql);
  const r = rows[0];
  return {
    stopLsn: r.lsn,
    labelFile: r.labelfile,
    ...(r.spcmapfile && { tablespaceMap: r.spcmapfile }),
  };
}

export const formatVersion = (n: number): string => (n >= 100000 ? `${Math.floor(n / 10000)}` : `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}`);
