import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AppSettings } from '../../shared/models/settings';
import { defaultAppSettings } from '../../electron/engine/settings/defaults';
import type { ServerConfig } from '../../shared/models/server';
import type { JobDone } from '../../shared/models/job';
import { createBackupService, type BackupService, type BackupServiceOptions } from '../../electron/engine/backup/backup-service';
import { backupDataDir } from '../../electron/engine/backup/catalog';
import { restoreBackup } from '../../electron/engine/backup/restore';
import type { EngineContext } from '../../electron/engine/context';
import { EventBus } from '../../electron/engine/events';
import { MemorySecretStore } from '../../electron/engine/secrets/secret-store';
import { LabCluster } from '../lab/cluster';
import type { Lab } from '../lab/lab';
import { debianBin } from '../lab/pg-bin';
import { chownTreeToPostgres } from '../lab/os-user';
import { labServer as baseLabServer } from '../lab/lab-server';

const run = promisify(execFile);

/** A lab server whose PGDATA is given (the backup tests copy exactly the cluster they started). */
export const labServer = (lab: Lab, cluster: LabCluster, extra: Partial<ServerConfig> = {}): ServerConfig =>
  baseLabServer(lab, cluster, { pgdata: cluster.pgdata, ...extra });

export interface Harness {
  readonly ctx: EngineContext;
  readonly service: BackupService;
  readonly root: string;
  readonly bus: EventBus;
  readonly servers: Map<string, ServerConfig>;
  add(server: ServerConfig, password: string): Promise<void>;
  /** Closes the service and removes the backup root. */
  dispose(): Promise<void>;
}

/** A tiny engine context: in-memory secrets, a temp backup root, the given servers. */
export function makeHarness(settings: Partial<AppSettings> = {}, opts: BackupServiceOptions = {}): Harness {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-backups-'));
  const bus = new EventBus();
  const secrets = new MemorySecretStore();
  const servers = new Map<string, ServerConfig>();
  const all: AppSettings = { ...defaultAppSettings(), backupRoot: root, parallel: 2, defaultMaxBackupAgeHours: 24, ...settings };
  const ctx: EngineContext = {
    bus,
    secrets,
    settings: () => all,
    server: (id) => {
      const s = servers.get(id);
      if (!s) throw new Error(`no server ${id}`);
      return s;
    },
    updateFacts: async () => {},
  };
  const service = createBackupService(ctx, opts);
  return {
    ctx,
    service,
    root,
    bus,
    servers,
    async add(server, password) {
      servers.set(server.id, server);
      await secrets.set(server.id, 'password', password);
    },
    async dispose() {
      await service.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function backupAndWait(h: Harness, serverId: string, mode?: 'concurrent' | 'exclusive'): Promise<JobDone> {
  const { jobId } = await h.service.start(serverId, mode);
  return h.service.waitForJob(jobId);
}

/** Debian's pg_verifybackup 15; it cannot parse PG 16+ WAL (nor PG 14's page magic), so -n there. */
export async function verifyBackup(h: Harness, serverId: string, backupId: string, parseWal: boolean): Promise<string> {
  const dir = backupDataDir(h.root, serverId, backupId);
  const args = [...(parseWal ? [] : ['--no-parse-wal']), dir];
  const { stdout, stderr } = await run(debianBin('pg_verifybackup'), args);
  return stdout + stderr;
}

/** Restores into a temp dir and starts it; the caller stops it. */
export async function restoreAndStart(h: Harness, serverId: string, backupId: string, source: LabCluster): Promise<LabCluster> {
  const parent = mkdtempSync(join(tmpdir(), 'tidemark-restore-'));
  const target = join(parent, 'data');
  const result = await restoreBackup(h.root, serverId, backupId, target);
  for (const t of result.tablespaces) await chownTreeToPostgres(t.path);
  const restored = await LabCluster.fromDataDir(target, source.major, { name: `restored-${backupId}`, password: source.password });
  try {
    await restored.start();
    await restored.waitReady();
  } catch (e) {
    await restored.stop('immediate').catch(() => {});
    throw e;
  }
  return restored;
}

/** Removes what restoreAndStart made (after the cluster is stopped). */
export function removeRestored(restored: LabCluster): void {
  rmSync(join(restored.pgdata, '..'), { recursive: true, force: true });
}

/** Server-side state a failed or cancelled backup must not leave behind. */
export async function serverLeftovers(cluster: LabCluster): Promise<{ inBackup: boolean; slots: number; sessions: number }> {
  const inBackup = cluster.major < 15 ? (await cluster.sql('select pg_is_in_backup()')) === 't' : false;
  const slots = Number(await cluster.sql("select count(*) from pg_replication_slots where slot_name like 'tidemark%'"));
  const sessions = Number(await cluster.sql("select count(*) from pg_stat_activity where application_name in ('tidemark backup', 'tidemark cleanup')"));
  return { inBackup, slots, sessions };
}

/** The lines of a server log that report trouble, minus the ones a restore always has. */
export function logProblems(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => /\b(ERROR|FATAL|PANIC):/.test(l))
    .filter((l) => !/the database system is (starting up|not yet accepting connections)/.test(l));
}

export async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
