import type { AppError } from '../result';
import type { BackupMode } from './server';

/** backup_manifest's per-file checksums (pg_basebackup --manifest-checksums). */
export type ManifestChecksums = 'CRC32C' | 'SHA256';

/** How copy streams travel over SSH: zstd-compressed by the database host when it has zstd. */
export type NetworkCompression = 'zstd' | 'off';

export interface AppSettings {
  /** The catalog: one folder per server, one per backup below it. */
  readonly backupRoot: string;
  readonly defaultMode: BackupMode;
  /** Request an immediate checkpoint at backup start. */
  readonly fastCheckpoint: boolean;
  /** Parallel copy streams. */
  readonly parallel: number;
  readonly defaultMaxBackupAgeHours: number;
  /** CRC32C, pg_basebackup's default, is cheapest; SHA256 for a cryptographic digest. */
  readonly manifestChecksums: ManifestChecksums;
  readonly networkCompression: NetworkCompression;
}

export interface SettingsView {
  readonly settings: AppSettings;
  readonly path: string;
  /** Set when the settings file is malformed: the app runs read-only and leaves the file alone. */
  readonly problem?: AppError;
}

export interface AppInfo {
  readonly version: string;
  readonly shell: 'electron' | 'web';
  readonly capabilities: {
    readonly nativeDialogs: boolean;
    readonly notifications: boolean;
    /** Passwords persist encrypted (Electron safeStorage); otherwise they last for this run only. */
    readonly persistentSecrets: boolean;
    readonly sandbox: boolean;
  };
}
