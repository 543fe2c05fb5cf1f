import type { LocalCluster } from './local-cluster';

export const SANDBOX_TABLESPACE = 'sandbox_ts';
/** About 16 MB per unit on disk, like pgbench's own scale. */
export const DEFAULT_SCALE = 12;

/**
 * pgbench's four tables at the given scale, exactly as `pgbench -i` makes them (so `pgbench` can
 * run against them and its ledger invariant holds), written in SQL so no client tool is needed,
 * plus a table of events in a tablespace outside the data directory.
 */
export function sampleDataStatements(scale: number, tablespaceDir: string): string[] {
  const s = Math.max(1, Math.round(scale));
  const events = 20_000 * s;
  return [
    `CREATE TABLESPACE ${SANDBOX_TABLESPACE} LOCATION '${tablespaceDir.replace(/'/g, "''")}'`,
    'CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88)) WITH (fillfactor = 100)',
    'CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100)',
    'CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor = 100)',
    'CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))',
    `INSERT INTO pgbench_branches (bid, bbalance) SELECT b, 0 FROM generate_series(1, ${s}) b`,
    `INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT t, (t - 1) / 10 + 1, 0 FROM generate_series(1, ${10 * s}) t`,
    `INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT a, (a - 1) / 100000 + 1, 0, '' FROM generate_series(1, ${100_000 * s}) a`,
    'ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid)',
    'ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid)',
    'ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid)',
    `CREATE TABLE sandbox_events (id bigint PRIMARY KEY, at timestamptz NOT NULL, kind text NOT NULL, payload text NOT NULL) TABLESPACE ${SANDBOX_TABLESPACE}`,
    `INSERT INTO sandbox_events SELECT g, now() - g * interval '1 second', (ARRAY['login', 'order', 'refund', 'logout'])[1 + g % 4], repeat(md5(g::text), 3) FROM generate_series(1, ${events}) g`,
    'VACUUM ANALYZE',
    'CHECKPOINT',
  ];
}

export async function loadSampleData(cluster: LocalCluster, scale: number, tablespaceDir: string): Promise<void> {
  await cluster.sql(sampleDataStatements(scale, tablespaceDir));
}
