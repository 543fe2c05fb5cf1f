import { sqlIdent } from './check';

/** One privilege a backup needs, how to probe it as the connected role, and how to grant it. */
export interface GrantNeed {
  /** For the detail: "EXECUTE on pg_backup_start(text, boolean)". */
  readonly what: string;
  /** Why Tidemark needs it, in a few words. */
  readonly why: string;
  /** A boolean SQL expression, true when the current role has it. */
  readonly probe: string;
  /** The statement a superuser runs to grant it to `role`. */
  grant(role: string): string;
}

const executeOn = (signature: string, why: string): GrantNeed => ({
  what: `EXECUTE on ${signature}`,
  why,
  probe: `has_function_privilege('pg_catalog.${signature}', 'EXECUTE')`,
  grant: (role) => `GRANT EXECUTE ON FUNCTION pg_catalog.${signature} TO ${sqlIdent(role)};`,
});

/**
 * What a non-superuser needs to take a backup on this version. The backup API's names and
 * signatures changed in PostgreSQL 15 (pg_start_backup → pg_backup_start); a grant names the exact
 * signature or PostgreSQL refuses it.
 */
export function grantsNeeded(versionNum: number): GrantNeed[] {
  const api =
    versionNum >= 150000
      ? [
          executeOn('pg_backup_start(text, boolean)', 'starts the backup'),
          executeOn('pg_backup_stop(boolean)', 'stops the backup'),
        ]
      : [
          executeOn('pg_start_backup(text, boolean, boolean)', 'starts the backup'),
          executeOn('pg_stop_backup(boolean, boolean)', 'stops the backup'),
        ];
  return [
    ...api,
    {
      what: 'membership in pg_read_all_settings',
      why: 'reads data_directory and the WAL settings',
      probe: "pg_has_role('pg_read_all_settings', 'USAGE')",
      grant: (role) => `GRANT pg_read_all_settings TO ${sqlIdent(role)};`,
    },
    {
      what: 'the REPLICATION attribute',
      why: 'creates the temporary replication slot that keeps the backup\'s WAL',
      probe: '(SELECT rolreplication FROM pg_roles WHERE rolname = current_user)',
      grant: (role) => `ALTER ROLE ${sqlIdent(role)} REPLICATION;`,
    },
  ];
}
