import type { AppError } from '../result';
import type { BackupMode, ServerRole } from './server';

export type BackupStatus = 'STARTED' | 'COPYING' | 'FINALIZING' | 'DONE' | 'FAILED' | 'CANCELLED';

export interface TablespaceRecord {
  readonly oid: string;
  /** Where it lives on the database host. */
  readonly location: string;
  /** Relative to the backup folder. */
  readonly backupPath: string;
  readonly sizeBytes: number;
}

export interface CopyStats {
  readonly bytes: number;
  readonly seconds: number;
  readonly throughputBytesPerSec: number;
  /** How the data crossed the network (absent in backups taken before compression existed). */
  readonly compression?: 'zstd' | 'none';
  /** Bytes that crossed the network, compressed or not. */
  readonly wireBytes?: number;
}

/** backup.json, one per backup folder in the catalog. */
export interface BackupRecord {
  readonly id: string;
  readonly label: string;
  readonly serverId: string;
  readonly serverName: string;
  readonly mode: BackupMode;
  readonly sourceRole: ServerRole;
  readonly pgVersion: string;
  readonly pgVersionNum: number;
  readonly systemIdentifier: string;
  readonly timeline?: number;
  readonly startLsn?: string;
  readonly stopLsn?: string;
  readonly startWal?: string;
  readonly stopWal?: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly sizeBytes: number;
  readonly fileCount: number;
  readonly walFileCount?: number;
  readonly tablespaces: readonly TablespaceRecord[];
  readonly copy?: CopyStats;
  readonly status: BackupStatus;
  readonly error?: AppError;
}

export interface BackupDetails {
  readonly record: BackupRecord;
  readonly path: string;
  readonly labelFile?: string;
  readonly tablespaceMap?: string;
  /** backup_manifest as text (it can be large; the UI shows it in a scroll box). */
  readonly manifest?: string;
  readonly log: readonly string[];
}
