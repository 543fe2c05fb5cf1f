import type { Handlers } from '../../shared/contract';
import type { AppInfo } from '../../shared/models/settings';
import { createBackupService, type BackupServiceOptions } from './backup/backup-service';
import { createCheckService } from './checks/check-service';
import type { EngineContext } from './context';
import { TidemarkError } from './errors';
import { EventBus } from './events';
import { MemorySecretStore, type SecretStore } from './secrets/secret-store';
import { factsOf, testServer } from './servers/server-test';
import { ServerService } from './servers/server-service';
import { confFactory } from './settings/conf-factory';
import { defaultSettingsPath } from './settings/defaults';
import { SettingsStore, type ConfFactory } from './settings/settings-store';
import { createSandboxService, type SandboxService } from './sandbox/sandbox-service';

/** What only the shell that hosts the engine can do. */
export interface ShellServices {
  openFile?(title: string): Promise<string | null>;
  openFolder?(title: string): Promise<string | null>;
  notify?(title: string, body: string): void;
}

export interface EngineOptions {
  readonly shell: AppInfo['shell'] | 'cli';
  readonly settingsPath?: string;
  /** electron-store in the Electron shell; conf otherwise. */
  readonly confFactory?: ConfFactory;
  /** Builds the secret store once settings are loaded (the shell's safeStorage store needs them). */
  readonly secrets?: (settings: SettingsStore) => SecretStore;
  readonly services?: ShellServices;
  readonly version?: string;
  /** Test hook of the backup service (BackupServiceOptions.onFileCopied). */
  readonly onFileCopied?: BackupServiceOptions['onFileCopied'];
}

export interface Engine {
  readonly handlers: Handlers;
  readonly bus: EventBus;
  readonly settings: SettingsStore;
  readonly servers: ServerService;
  readonly backups: ReturnType<typeof createBackupService>;
  readonly checks: ReturnType<typeof createCheckService>;
  readonly sandbox: SandboxService;
  close(): Promise<void>;
}

/** Composes the engine once per process: the Electron shell, browser mode, the CLI and tests. */
export function createEngine(options: EngineOptions): Engine {
  const bus = new EventBus();
  const settings = new SettingsStore(options.settingsPath ?? defaultSettingsPath(), options.confFactory ?? confFactory);
  const secrets = options.secrets?.(settings) ?? new MemorySecretStore();
  const servers = new ServerService(settings, secrets);
  const services = options.services ?? {};

  const ctx: EngineContext = {
    bus,
    secrets,
    settings: () => settings.current.settings,
    server: (id) => servers.get(id),
    updateFacts: (id, facts) => servers.updateFacts(id, facts),
  };
  // Checks gate the backups, and need to know which backups run: bound late, both ways.
  const checks = createCheckService(ctx, { runningJob: (serverId) => backups.runningJob(serverId) });
  const backups = createBackupService(ctx, { gate: (server, mode) => checks.gate(server, mode), ...(options.onFileCopied && { onFileCopied: options.onFileCopied }) });
  const sandbox = createSandboxService({ bus, settings, servers });

  if (services.notify) {
    const notify = services.notify;
    bus.on('job:done', (done) => {
      const what = `${done.backup.serverName}: backup ${done.backupId}`;
      notify(done.status === 'DONE' ? 'Backup finished' : `Backup ${done.status.toLowerCase()}`, done.error ? `${what} — ${done.error.message}` : what);
    });
  }

  const unsupported = (what: string): never => {
    throw new TidemarkError('UNSUPPORTED', `${what} is only available in the desktop app.`, {
      hint: 'Type the path instead.',
    });
  };

  const handlers: Handlers = {
    'app:info': async () => ({
      version: options.version ?? '0.1.0',
      shell: options.shell === 'electron' ? 'electron' : 'web',
      capabilities: {
        nativeDialogs: Boolean(services.openFile && services.openFolder),
        notifications: Boolean(services.notify),
        persistentSecrets: secrets.persistent,
        sandbox: sandbox.status().available,
      },
    }),
    'settings:get': async () => ({ settings: settings.current.settings, path: settings.path, ...(settings.problem && { problem: settings.problem }) }),
    'settings:update': async (patch) => {
      settings.update((doc) => ({ ...doc, settings: { ...doc.settings, ...patch } }));
      return { settings: settings.current.settings, path: settings.path };
    },
    'servers:list': async () => servers.list(),
    'servers:save': (input) => servers.save(input),
    'servers:delete': async ({ id }) => {
      if (backups.runningJob(id)) {
        throw new TidemarkError('BACKUP_BUSY', 'A backup of this server is running.', { hint: 'Cancel it or wait for it to end, then delete the server.' });
      }
      await servers.delete(id);
      return null;
    },
    'servers:test': async ({ id }) => {
      const server = servers.get(id);
      const report = await testServer(server, secrets);
      await servers.updateFacts(id, factsOf(report));
      return report;
    },
    'servers:trust-host-key': async ({ id, fingerprint, keyType }) => servers.trustHostKey(id, fingerprint, keyType),
    'backup:start': ({ serverId, mode }) => backups.start(serverId, mode),
    'backup:cancel': async ({ jobId }) => {
      await backups.cancel(jobId);
      return null;
    },
    'jobs:list': async () => backups.jobs(),
    'backups:list': async ({ serverId }) => backups.list(serverId),
    'backups:get': async ({ serverId, backupId }) => backups.get(serverId, backupId),
    'backups:delete': async ({ serverId, backupId }) => {
      await backups.delete(serverId, backupId);
      return null;
    },
    'checks:run': ({ serverId, mode }) => checks.run(serverId, mode),
    'checks:fix': ({ serverId, checkId, actionId }) => checks.fix(serverId, checkId, actionId),
    'dialog:open-file': async ({ title }) => (services.openFile ? services.openFile(title) : unsupported('Choosing a file')),
    'dialog:open-folder': async ({ title }) => (services.openFolder ? services.openFolder(title) : unsupported('Choosing a folder')),
    'sandbox:status': async () => sandbox.status(),
    'sandbox:start': () => sandbox.start(),
  };

  return {
    handlers,
    bus,
    settings,
    servers,
    backups,
    checks,
    sandbox,
    async close() {
      await Promise.allSettled([backups.close(), sandbox.close()]);
    },
  };
}
