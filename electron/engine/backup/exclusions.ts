import type { BackupMode } from '../../../shared/models/server';

/**
 * What a base backup leaves out, as PostgreSQL's own basebackup.c does (excludeDirContents,
 * excludeFiles), plus the signal files so a restore chooses its own role. Paths are relative to
 * the data directory, with forward slashes.
 */

/** Directories kept (recovery expects them) but copied empty. */
const EMPTY_DIRS = new Set([
  'pg_wal',
  'pg_xlog',
  'pg_dynshmem',
  'pg_notify',
  'pg_replslot',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);

/** Sub-directories of excluded directories that must exist in a restored data directory. */
const KEPT_SUBDIRS = new Set(['pg_wal/archive_status', 'pg_wal/summaries', 'pg_xlog/archive_status']);

const EXCLUDED_TOP_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'backup_manifest',
  'postgresql.auto.conf.tmp',
  'current_logfiles.tmp',
  'standby.signal',
  'recovery.signal',
  'recovery.conf',
]);

/** Copied from the data directory only by an exclusive backup (PostgreSQL wrote them there). */
const EXCLUSIVE_LABEL_FILES = new Set(['backup_label', 'tablespace_map']);

/** Written by Tidemark itself, never copied: it comes last, in its own step. */
export const PG_CONTROL = 'global/pg_control';

const TEMP_PREFIX = 'pgsql_tmp';

export type EntryKind = 'file' | 'dir';

/** Whether a path of the data directory belongs in the backup. */
export function isIncluded(path: string, kind: EntryKind, mode: BackupMode): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1];
  if (base.startsWith(TEMP_PREFIX)) return false;
  if (kind === 'file' && base.startsWith('pg_internal.init')) return false;
  if (parts.length === 1) {
    if (kind === 'dir') return true;
    if (EXCLUDED_TOP_FILES.has(base)) return false;
    if (EXCLUSIVE_LABEL_FILES.has(base)) return mode === 'exclusive';
    return true;
  }
  if (EMPTY_DIRS.has(parts[0])) return kind === 'dir' && KEPT_SUBDIRS.has(path);
  // The temporary directories inside tablespaces: pg_tblspc/<oid>/PG_x/pgsql_tmp.
  return !parts.some((p) => p.startsWith(TEMP_PREFIX));
}
