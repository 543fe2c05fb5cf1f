import type { BackupRecord } from '../../../shared/models/backup';
import { secondsBetween } from '../../format';

export type SortKey = 'id' | 'started' | 'duration' | 'mode' | 'role' | 'size' | 'wal' | 'status';
export type SortDir = 'ascending' | 'descending';

export interface Sort {
  readonly key: SortKey;
  readonly dir: SortDir;
}

/** Newest first, as a DBA reads a backup list. */
export const DEFAULT_SORT: Sort = { key: 'started', dir: 'descending' };

const NUMERIC: readonly SortKey[] = ['started', 'duration', 'size'];

/** Clicking the sorted column flips it; another column starts with its natural order (big and new first for numbers). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'ascending' ? 'descending' : 'ascending' };
  return { key, dir: NUMERIC.includes(key) ? 'descending' : 'ascending' };
}

export const durationOf = (b: BackupRecord): number | undefined => secondsBetween(b.startedAt, b.endedAt);

function value(b: BackupRecord, key: SortKey): string | number {
  switch (key) {
    case 'id':
      return b.id;
    case 'started':
      return Date.parse(b.startedAt) || 0;
    case 'duration':
      // Still running or unknown: after every finished one.
      return durationOf(b) ?? Number.POSITIVE_INFINITY;
    case 'mode':
      return b.mode;
    case 'role':
      return b.sourceRole;
    case 'size':
      return b.sizeBytes;
    case 'wal':
      return b.startWal ?? '';
    case 'status':
      return b.status;
  }
}

/** A sorted copy; ties keep the newest first, so the order never jumps between equal rows. */
export function sortBackups(backups: readonly BackupRecord[], sort: Sort): BackupRecord[] {
  const sign = sort.dir === 'ascending' ? 1 : -1;
  return [...backups].sort((a, b) => {
    const va = value(a, sort.key);
    const vb = value(b, sort.key);
    const c = va < vb ? -1 : va > vb ? 1 : 0;
    return c !== 0 ? c * sign : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

export interface ChartPoint {
  readonly id: string;
  readonly startedAt: string;
  readonly sizeBytes: number;
  readonly seconds: number;
}

/** The finished backups, oldest first: what the size and duration chart plots. */
export function chartPoints(backups: readonly BackupRecord[], limit = 30): ChartPoint[] {
  return backups
    .filter((b) => b.status === 'DONE' && durationOf(b) !== undefined)
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .slice(-limit)
    .map((b) => ({ id: b.id, startedAt: b.startedAt, sizeBytes: b.sizeBytes, seconds: durationOf(b)! }));
}

/**
 * A WAL segment name as the history table writes it: without the timeline and log file it
 * shares with the other end of the range ("…00000010"); whole when they differ. The details
 * pane shows the full names.
 */
export function walTail(name: string, other: string | undefined): string {
  return other && other !== name && name.length === 24 && other.length === 24 && name.slice(0, 16) === other.slice(0, 16) ? `…${name.slice(16)}` : name;
}
