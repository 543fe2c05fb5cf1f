import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppSettings } from '../../../shared/models/settings';
import { SETTINGS_VERSION, type SettingsDoc } from './schema';

/** Where the app and the CLI keep their settings by default (the same file for both). */
export function defaultSettingsDir(): string {
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Tidemark');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Tidemark');
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Tidemark');
}

export const defaultSettingsPath = (): string => join(defaultSettingsDir(), 'settings.json');

export function defaultAppSettings(): AppSettings {
  return {
    backupRoot: join(homedir(), 'TidemarkBackups'),
    defaultMode: 'concurrent',
    fastCheckpoint: true,
    parallel: 4,
    defaultMaxBackupAgeHours: 24 * 7,
    manifestChecksums: 'CRC32C',
    networkCompression: 'zstd',
  };
}

export function emptySettingsDoc(): SettingsDoc {
  return { version: SETTINGS_VERSION, settings: defaultAppSettings(), servers: [] };
}
