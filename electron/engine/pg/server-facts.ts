import type pg from 'pg';
import type { ServerRole } from '../../../shared/models/server';

export interface ServerFactsSnapshot {
  /** server_version, e.g. "17.2" or "14.15 (Debian 14.15-1.pgdg120+1)". */
  readonly version: string;
  readonly versionNum: number;
  readonly role: ServerRole;
  /** null when the role may not read it (needs superuser or pg_read_all_settings). */
  readonly dataDirectory: string | null;
  readonly systemIdentifier: string;
  readonly timeline: number;
}

/** What every connection test, check and backup needs to know first. */
export async function queryServerFacts(client: pg.Client): Promise<ServerFactsSnapshot> {
  // system_identifier is a bigint: as text, so no precision is lost in JavaScript.
  const { rows } = await client.query<{
    version: string;
    version_num: string;
    in_recovery: boolean;
    system_identifier: string;
    timeline: number;
  }>(
    `SELECT current_setting('server_version') AS version,
            current_setting('server_version_num') AS version_num,
            pg_is_in_recovery() AS in_recovery,
            (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
            (SELECT timeline_id FROM pg_control_checkpoint()) AS timeline`,
  );
  const r = rows[0];
  return {
    version: r.version,
    versionNum: Number(r.version_num),
    role: r.in_recovery ? 'standby' : 'primary',
    dataDirectory: await dataDirectory(client),
    systemIdentifier: r.system_identifier,
    timeline: Number(r.timeline),
  };
}

async function dataDirectory(client: pg.Client): Promise<string | null> {
  try {
    const { rows } = await client.query<{ d: string }>("SELECT current_setting('data_directory') AS d");
    return rows[0].d;
  } catch (e) {
    if ((e as { code?: string }).code === '42501') return null;
    throw e;
  }
}
