import type { BackupMode, ServerView } from '../../../shared/models/server';

/**
 * Why exclusive mode is not available for a server, or undefined when it is. PostgreSQL 15
 * removed the exclusive low-level API, and a standby never allowed it.
 */
export function exclusiveUnavailable(server: ServerView): string | undefined {
  const f = server.facts;
  if (!f) return undefined;
  if (f.versionNum >= 150000) return `PostgreSQL ${Math.floor(f.versionNum / 10000)} has no exclusive backup API (removed in 15).`;
  if (f.role === 'standby') return 'A standby can only take concurrent backups.';
  return undefined;
}

/** The mode a backup of this server would use: its own choice, else the app default, never an unavailable one. */
export function effectiveMode(server: ServerView, defaultMode: BackupMode): BackupMode {
  const wanted = server.mode ?? defaultMode;
  return wanted === 'exclusive' && exclusiveUnavailable(server) ? 'concurrent' : wanted;
}
