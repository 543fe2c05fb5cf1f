import { formatDuration } from '../../../shared/format';
import type pg from 'pg';
import type { CheckAction, CheckStatus } from '../../../shared/models/check';
import type { BackupRecord } from '../../../shared/models/backup';
import type { BackupMode, ServerConfig } from '../../../shared/models/server';
import type { AppSettings } from '../../../shared/models/settings';
import type { TidemarkError } from '../errors';
import type { ServerFactsSnapshot } from '../pg/server-facts';
import type { Transport } from '../transport/transport';

/** What a check concluded; the runner adds id, title, critical and the duration. */
export interface Outcome {
  readonly status: CheckStatus;
  readonly detail: string;
  readonly hint?: string;
  readonly action?: CheckAction;
}

/**
 * The one statement-at-a-time view of the shared session that checks get: checks run in
 * parallel, and a pg client must not be given a second query while one runs.
 */
export interface SqlSession {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The connections a check waits for before its own timeout starts. */
export type CheckNeed = 'pg' | 'transport';

/** The running backup job of a server, as the backup service reports it. */
export interface RunningJob {
  readonly mode: BackupMode;
}

/**
 * Everything the checks of one run share: one PostgreSQL session and one transport, opened once
 * in parallel, and the answers several checks need (memoised).
 */
export interface CheckContext {
  readonly server: ServerConfig;
  readonly settings: AppSettings;
  readonly mode: BackupMode;
  readonly runningJob: RunningJob | undefined;
  /** The shared session, or throws Unavailable with the connection error's message. */
  pg(): Promise<SqlSession>;
  /** The shared transport, or throws Unavailable. */
  transport(): Promise<Transport>;
  /** The session's and transport's errors as thrown (for the connection checks themselves). */
  pgError(): Promise<TidemarkError | undefined>;
  transportError(): Promise<TidemarkError | undefined>;
  facts(): Promise<ServerFactsSnapshot>;
  /** PGDATA as the transport sees it: the server's setting, data_directory, or the last known one. */
  pgdata(): Promise<string>;
  /** This server's backups in the catalog, oldest first. */
  backups(): Promise<readonly BackupRecord[]>;
}

export interface Check {
  readonly id: string;
  readonly title: string;
  /** A failed critical check refuses a backup. */
  readonly critical: boolean;
  readonly timeoutMs: number;
  readonly needs: readonly CheckNeed[];
  /** Leave the check out entirely for servers it does not concern (e.g. SSH checks on local). */
  applies?(server: ServerConfig): boolean;
  run(ctx: CheckContext): Promise<Outcome>;
  /** The ids of the actions this check may offer. */
  readonly actionIds?: readonly string[];
  /** Runs the remedy behind one of the actions this check offers (after the user confirmed it). */
  fix?(actionId: string, env: FixEnv): Promise<void>;
}

export interface FixEnv {
  readonly server: ServerConfig;
  readonly runningJob: RunningJob | undefined;
  /** A fresh session, closed by the caller. */
  pg(): Promise<SqlSession>;
}

/**
 * Thrown when a check cannot run because something it depends on is missing (the connection
 * failed, PGDATA unknown…): the runner reports the check as skipped with this reason.
 */
export class Unavailable extends Error {
  constructor(
    readonly reason: string,
    readonly hint?: string,
    readonly code?: string,
  ) {
    super(reason);
    this.name = 'Unavailable';
  }
}

export const ok = (detail: string): Outcome => ({ status: 'ok', detail });
export const warning = (detail: string, hint?: string, action?: CheckAction): Outcome => ({
  status: 'warning',
  detail,
  ...(hint !== undefined && { hint }),
  ...(action && { action }),
});
export const failed = (detail: string, hint?: string, action?: CheckAction): Outcome => ({
  status: 'failed',
  detail,
  ...(hint !== undefined && { hint }),
  ...(action && { action }),
});
export const skipped = (detail: string, hint?: string): Outcome => ({
  status: 'skipped',
  detail,
  ...(hint !== undefined && { hint }),
});

/** PostgreSQL's version number as the DBA reads it: 140015 → "14", 90624 → "9.6". */
export function majorOf(versionNum: number): string {
  return versionNum >= 100000 ? String(Math.floor(versionNum / 10000)) : `${Math.floor(versionNum / 10000)}.${Math.floor(versionNum / 100) % 100}`;
}

/** A role name as it must be written in SQL (double-quoted unless it is a plain identifier). */
export function sqlIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export { formatBytes } from '../../../shared/format';

/** Since-when in checks' messages (milliseconds). */
export const formatAge = (ms: number): string => formatDuration(ms / 1000);
