import { failed, ok, type Check } from './check';

const setting = async (ctx: Parameters<Check['run']>[0], name: string): Promise<string> => {
  const { rows } = await (await ctx.pg()).query<{ v: string }>('SELECT current_setting($1) AS v', [name]);
  return rows[0].v;
};

export const walLevelCheck: Check = {
  id: 'wal-level',
  title: 'wal_level',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const level = await setting(ctx, 'wal_level');
    // 9.6 still accepts the old names archive and hot_standby as aliases of replica.
    if (['replica', 'logical', 'archive', 'hot_standby'].includes(level)) return ok(`wal_level = ${level}.`);
    return failed(
      `wal_level = ${level}: the WAL does not carry enough to restore a physical backup.`,
      "Run ALTER SYSTEM SET wal_level = 'replica'; then restart PostgreSQL (a reload is not enough).",
    );
  },
};

export const fullPageWritesCheck: Check = {
  id: 'full-page-writes',
  title: 'full_page_writes',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const [fpw, facts] = await Promise.all([setting(ctx, 'full_page_writes'), ctx.facts()]);
    const onPrimaryToo = facts.role === 'standby' ? ' It must be on on the primary too: a standby backup relies on the primary\'s full-page images.' : '';
    if (fpw === 'on') return ok(`full_page_writes = on.${onPrimaryToo}`);
    return failed(
      `full_page_writes = ${fpw}: pages torn while they are copied could not be repaired by WAL replay at restore.`,
      'Run ALTER SYSTEM SET full_page_writes = on; then SELECT pg_reload_conf();',
    );
  },
};

export const replicationSlotCheck: Check = {
  id: 'replication-slot',
  title: 'Free replication slot',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const { rows } = await (await ctx.pg()).query<{ max: number; used: number; inactive: string[] | null }>(
      `SELECT current_setting('max_replication_slots')::int AS max,
              (SELECT count(*)::int FROM pg_replication_slots) AS used,
              (SELECT array_agg(slot_name::text ORDER BY slot_name) FROM pg_replication_slots WHERE NOT active) AS inactive`,
    );
    const { max, used, inactive } = rows[0];
    if (max - used >= 1) return ok(`${max - used} of max_replication_slots = ${max} free for the backup's temporary slot.`);
    const idle = inactive?.length ? ` Inactive slots: ${inactive.join(', ')}.` : '';
    return failed(
      `No free replication slot: max_replication_slots = ${max} and ${used} are in use.${idle}`,
      `The backup needs one temporary slot to keep its WAL. Drop a slot nobody uses (SELECT pg_drop_replication_slot('name');) or raise max_replication_slots (ALTER SYSTEM SET max_replication_slots = ${max + 1}; then restart PostgreSQL).`,
    );
  },
};
