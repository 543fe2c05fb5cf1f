import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LabCluster } from './cluster';
import { makePostgresDir } from './os-user';

/** Every lab primary has this tablespace, outside PGDATA, holding labTablespaceTable. */
export const labTablespace = 'lab_ts';
export const labTablespaceTable = 'lab_ts_rows';
export const labTablespaceRows = 1000;

/** Creates lab_ts in cluster.tablespaceDir with a table of labTablespaceRows rows (database postgres). */
export async function seedTablespace(cluster: LabCluster): Promise<void> {
  if (!cluster.tablespaceDir) throw new Error(`${cluster.name} has no tablespaceDir`);
  makePostgresDir(cluster.tablespaceDir, 0o700);
  const location = cluster.tablespaceDir.replace(/'/g, "''");
  // CREATE TABLESPACE cannot run inside a transaction block: psql sends each statement alone.
  await cluster.sql(
    [
      `create tablespace ${labTablespace} location '${location}';`,
      `create table ${labTablespaceTable} (id integer primary key, note text not null) tablespace ${labTablespace};`,
      `insert into ${labTablespaceTable} select g, md5(g::text) from generate_series(1, ${labTablespaceRows}) g;`,
      'checkpoint;',
    ].join('\n'),
  );
}

/** The pg_tblspc/<oid> symlinks of a data directory and where they point (absolute). */
export function tablespaceLinks(pgdata: string): { oid: string; target: string }[] {
  const dir = join(pgdata, 'pg_tblspc');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((oid) => ({ oid, target: resolve(dir, readlinkSync(join(dir, oid))) }));
}
