import { failed, formatAge, formatBytes, majorOf, ok, warning, type Check } from './check';

interface ReceiverRow {
  readonly pid: number | null;
  readonly status: string | null;
  readonly sender: string | null;
  readonly lag_bytes: string | null;
  readonly lag_seconds: number | null;
}

export const roleCheck: Check = {
  id: 'role',
  title: 'Role and replication',
  critical: false,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const facts = await ctx.facts();
    if (facts.role === 'primary') return ok(`Primary (not in recovery), timeline ${facts.timeline}.`);

    // sender_host/sender_port appeared in PG 11.
    const sender = facts.versionNum >= 110000 ? "(SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver)" : 'NULL::text';
    const { rows } = await (await ctx.pg()).query<ReceiverRow>(
      `SELECT (SELECT pid FROM pg_stat_wal_receiver) AS pid,
              (SELECT status FROM pg_stat_wal_receiver) AS status,
              ${sender} AS sender,
              pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint::text AS lag_bytes,
              extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS lag_seconds`,
    );
    const r = rows[0];
    const lag = describeLag(r);
    if (r.pid === null) {
      return warning(
        `Standby on timeline ${facts.timeline}: no WAL receiver is running. ${lag}`,
        'A backup taken from a standby ends at the position replay has reached, so it only covers what this standby has received. Check primary_conninfo and the standby\'s log for why it is not streaming (unless it is fed from a WAL archive on purpose).',
      );
    }
    if (r.status === null) {
      return ok(`Standby on timeline ${facts.timeline}: a WAL receiver is running (PID ${r.pid}; its status is visible only with pg_read_all_stats). ${lag}`);
    }
    const from = r.sender ? ` from ${r.sender}` : '';
    if (r.status !== 'streaming') {
      return warning(
        `Standby on timeline ${facts.timeline}: the WAL receiver${from} is "${r.status}", not streaming. ${lag}`,
        'Look at the standby\'s log and at pg_stat_replication on the primary.',
      );
    }
    return ok(`Standby on timeline ${facts.timeline}: WAL receiver streaming${from}. ${lag}`);
  },
};

function describeLag(r: ReceiverRow): string {
  if (r.lag_bytes === null) return 'Replay lag unknown (nothing received by streaming yet).';
  const bytes = Number(r.lag_bytes);
  // Caught up: the last replayed commit's age only says how long the primary has been idle.
  const seconds = bytes <= 0 ? 0 : (r.lag_seconds ?? 0) * 1000;
  return `Replay lag ${formatBytes(Math.max(bytes, 0))}, ${formatAge(seconds)}.`;
}

export const modeCheck: Check = {
  id: 'mode',
  title: 'Backup mode',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const { versionNum, role } = await ctx.facts();
    if (ctx.mode === 'concurrent') {
      return ok('Concurrent (non-exclusive) backup: Tidemark keeps its session open for the whole copy.');
    }
    if (versionNum >= 150000) {
      return failed(
        `Exclusive backups do not exist on PostgreSQL ${majorOf(versionNum)}: they were removed in PostgreSQL 15.`,
        "Set this server's backup mode to concurrent.",
      );
    }
    if (role === 'standby') {
      return failed(
        'Exclusive backups only run on a primary, and this server is a standby.',
        "Set this server's backup mode to concurrent, or back up the primary.",
      );
    }
    return ok(
      `Exclusive backup on PostgreSQL ${majorOf(versionNum)}: PostgreSQL writes backup_label into PGDATA until the backup stops.`,
    );
  },
};
