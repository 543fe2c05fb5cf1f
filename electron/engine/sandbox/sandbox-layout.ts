import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultSettingsDir } from '../settings/defaults';
import { runningAsRoot } from './server-user';
import type { SandboxMajor } from './pg-install';

/** Where the sandbox lives when root runs it: the `postgres` user cannot enter /root (0700). */
export const ROOT_SANDBOX_DIR = '/var/tmp/tidemark-sandbox';

/**
 * $TIDEMARK_SANDBOX_DIR, else the user's data directory (~/.local/share/Tidemark/sandbox on
 * Linux), else — as root — a folder the `postgres` OS user can reach.
 */
export function defaultSandboxDir(env: NodeJS.ProcessEnv = process.env, asRoot = runningAsRoot()): string {
  if (env.TIDEMARK_SANDBOX_DIR) return resolve(env.TIDEMARK_SANDBOX_DIR);
  if (asRoot) return ROOT_SANDBOX_DIR;
  if (process.platform === 'linux') return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'Tidemark', 'sandbox');
  return join(defaultSettingsDir(), 'sandbox');
}

export type SandboxClusterKey = 'pg17-primary' | 'pg17-standby' | 'pg14-primary';

/** The three servers, in start order (the standby is copied from its primary). */
export interface SandboxClusterSpec {
  readonly key: SandboxClusterKey;
  readonly major: SandboxMajor;
  /** The server's name in Tidemark. */
  readonly serverName: string;
  readonly standbyOf?: SandboxClusterKey;
  /** pgbench scale relative to the sandbox's scale (the PG 14 primary gets less data). */
  readonly dataShare: number;
}

export const SANDBOX_CLUSTERS: readonly SandboxClusterSpec[] = [
  { key: 'pg17-primary', major: 17, serverName: 'sandbox-pg17-primary', dataShare: 1 },
  { key: 'pg14-primary', major: 14, serverName: 'sandbox-pg14-primary', dataShare: 0.25 },
  { key: 'pg17-standby', major: 17, serverName: 'sandbox-pg17-standby', standbyOf: 'pg17-primary', dataShare: 0 },
];

/** Every path inside a sandbox folder, in one place. */
export class SandboxLayout {
  readonly folder: string;
  constructor(folder: string) {
    this.folder = resolve(folder);
  }
  /** Ports, the superuser password and what is initialised (sandbox-state.ts). */
  get stateFile(): string {
    return join(this.folder, 'sandbox.json');
  }
  /** The demo's own app data: its settings file (and, for Electron, its user-data folder). */
  get appDataDir(): string {
    return join(this.folder, 'demo');
  }
  get settingsFile(): string {
    return join(this.appDataDir, 'settings.json');
  }
  get backupRoot(): string {
    return join(this.folder, 'backups');
  }
  /** Unix sockets: trust authentication there is safe, only the owner can enter the folder. */
  get socketDir(): string {
    return join(this.folder, 'run');
  }
  /** For psql over TCP (scram-sha-256): PGPASSFILE=<this>. */
  get pgpassFile(): string {
    return join(this.folder, 'pgpass');
  }
  get loadLog(): string {
    return join(this.folder, 'write-load.log');
  }
  get lockFile(): string {
    return join(this.folder, '.lock');
  }
  clusterDir(key: SandboxClusterKey): string {
    return join(this.folder, key);
  }
  pgdata(key: SandboxClusterKey): string {
    return join(this.clusterDir(key), 'data');
  }
  logFile(key: SandboxClusterKey): string {
    return join(this.clusterDir(key), 'server.log');
  }
  tablespaceDir(key: SandboxClusterKey): string {
    return join(this.folder, 'tablespaces', key);
  }
}
