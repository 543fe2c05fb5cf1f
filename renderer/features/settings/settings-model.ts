import type { AppSettings, BackupMode, ManifestChecksums, NetworkCompression } from '../../../shared/models/index';

/** The settings form without React: what the user typed, checked, and as a settings:update patch. */
export interface SettingsFormValues {
  readonly backupRoot: string;
  readonly defaultMode: BackupMode;
  readonly parallel: string;
  readonly fastCheckpoint: boolean;
  readonly manifestChecksums: ManifestChecksums;
  readonly networkCompression: NetworkCompression;
}

export type SettingsErrors = Partial<Record<keyof SettingsFormValues, string>>;

/** The schema's bounds (electron/engine/settings/schema.ts). */
export const PARALLEL_MAX = 8;

export const settingsValues = (s: AppSettings): SettingsFormValues => ({
  backupRoot: s.backupRoot,
  defaultMode: s.defaultMode,
  parallel: String(s.parallel),
  fastCheckpoint: s.fastCheckpoint,
  manifestChecksums: s.manifestChecksums,
  networkCompression: s.networkCompression,
});

export function validateSettings(v: SettingsFormValues): SettingsErrors {
  const e: { -readonly [K in keyof SettingsFormValues]?: string } = {};
  const root = v.backupRoot.trim();
  if (!root) e.backupRoot = 'Enter the folder that holds the backups.';
  else if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(root)) e.backupRoot = 'Enter an absolute path, e.g. /srv/backups.';
  const n = Number(v.parallel.trim());
  if (!/^\d+$/.test(v.parallel.trim()) || n < 1 || n > PARALLEL_MAX) e.parallel = `Enter a whole number from 1 to ${PARALLEL_MAX}.`;
  return e;
}

/** Only call with values that passed validateSettings(). */
export const settingsPatch = (v: SettingsFormValues): Partial<AppSettings> => ({
  backupRoot: v.backupRoot.trim(),
  defaultMode: v.defaultMode,
  parallel: Number(v.parallel.trim()),
  fastCheckpoint: v.fastCheckpoint,
  manifestChecksums: v.manifestChecksums,
  networkCompression: v.networkCompression,
});
