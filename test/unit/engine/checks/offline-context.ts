import type { BackupRecord } from '../../../../shared/models/backup';
import type { ServerConfig } from '../../../../shared/models/server';
import type { AppSettings } from '../../../../shared/models/settings';
import { Unavailable, type CheckContext } from '../../../../electron/engine/checks/check';
import { defaultAppSettings } from '../../../../electron/engine/settings/defaults';

export const offlineServer: ServerConfig = {
  id: 'srv1',
  name: 'db1',
  host: '127.0.0.1',
  port: 1,
  user: 'backup',
  database: 'postgres',
  sslMode: 'disable',
  transport: { kind: 'local' },
};

/**
 * A check context with no server behind it: PostgreSQL and the transport are unavailable. For
 * the checks and runner behaviour that need neither (the real ones run against the lab).
 */
export function offlineContext(opts: { server?: Partial<ServerConfig>; settings?: Partial<AppSettings>; backups?: BackupRecord[] } = {}): CheckContext {
  const down = new Unavailable('PostgreSQL is not reachable: Connection refused by 127.0.0.1:1');
  const noFiles = new Unavailable("The database host's files are not reachable: nope");
  return {
    server: { ...offlineServer, ...opts.server },
    settings: { ...defaultAppSettings(), ...opts.settings },
    mode: 'concurrent',
    runningJob: undefined,
    pg: () => Promise.reject(down),
    transport: () => Promise.reject(noFiles),
    pgError: async () => undefined,
    transportError: async () => undefined,
    facts: () => Promise.reject(down),
    pgdata: () => Promise.reject(down),
    backups: async () => opts.backups ?? [],
  };
}
