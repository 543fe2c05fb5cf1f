import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupDetails, BackupRecord } from '../../../shared/models/backup';
import type { JobDone, JobView } from '../../../shared/models/job';
import type { BackupMode } from '../../../shared/models/server';
import type { EngineContext } from '../context';
import { TidemarkError } from '../errors';
import { JobRegistry, type Job } from '../jobs/job-registry';
import { newBackupId } from './backup-id';
import { CancelReason, runBackupJob, type BackupGate } from './backup-job';
import { backupDataDir, backupDir, listBackups, LOG_FILE, readBackup, removeBackupDir } from './catalog';
import { chooseStrategy } from './strategy';

export interface BackupServiceOptions {
  /** The pre-backup checks; throws CHECKS_FAILED to refuse. */
  readonly gate?: BackupGate;
  /** Test hook: called after each copied file, and the copy waits for it (deterministic faults). */
  readonly onFileCopied?: (info: { readonly jobId: string; readonly path: string }) => void | Promise<void>;
}

export interface BackupService {
  start(serverId: string, mode?: BackupMode): Promise<{ readonly jobId: string; readonly backupId: string }>;
  cancel(jobId: string): Promise<void>;
  jobs(): JobView[];
  runningJob(serverId: string): JobView | undefined;
  list(serverId: string): Promise<BackupRecord[]>;
  get(serverId: string, backupId: string): Promise<BackupDetails>;
  delete(serverId: string, backupId: string): Promise<void>;
  waitForJob(jobId: string): Promise<JobDone>;
  close(): Promise<void>;
}

export function createBackupService(ctx: EngineContext, opts: BackupServiceOptions = {}): BackupService {
  const registry = new JobRegistry(ctx.bus);
  const running = new Set<Promise<unknown>>();
  const root = (): string => ctx.settings().backupRoot;

  const launch = (job: Job, backupRoot: string): void => {
    const server = ctx.server(job.serverId);
    const p = runBackupJob({
      ctx,
      server,
      job,
      root: backupRoot,
      gate: opts.gate,
      ...(opts.onFileCopied && { onFileCopied: (path: string) => opts.onFileCopied!({ jobId: job.jobId, path }) }),
    })
      .catch((e) => {
        // runBackupJob records its own failures; this is the last resort (e.g. the root unwritable).
        const error = e instanceof TidemarkError ? e.toAppError() : { code: 'INTERNAL' as const, message: String((e as Error)?.message ?? e) };
        job.log('error', error.message);
        return { id: job.backupId, serverId: job.serverId, status: 'FAILED', error } as unknown as BackupRecord;
      })
      .then((record) => {
        registry.finish(job, {
          jobId: job.jobId,
          serverId: job.serverId,
          backupId: job.backupId,
          status: record.status,
          ...(record.error && { error: record.error }),
          backup: record,
        });
      });
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  return {
    async start(serverId, requested) {
      const server = ctx.server(serverId);
      const mode = requested ?? server.mode ?? ctx.settings().defaultMode;
      // What the last connection test learned refuses an impossible mode before anything starts;
      // the job checks again against the live server.
      if (server.facts) chooseStrategy(server.facts, mode);
      const backupRoot = root();
      const existing = new Set((await listBackups(backupRoot, serverId)).map((b) => b.id));
      const backupId = newBackupId(new Date(), (id) => existing.has(id));
      const job = registry.create(serverId, server.name, backupId, mode);
      launch(job, backupRoot);
      return { jobId: job.jobId, backupId };
    },

    async cancel(jobId) {
      const job = registry.get(jobId);
      if (!job) throw new TidemarkError('NOT_FOUND', 'This backup is not running any more');
      job.log('warn', 'Cancel requested');
      job.controller.abort(new CancelReason('cancelled'));
    },

    jobs: () => registry.list(),
    runningJob: (serverId) => registry.byServer(serverId)?.view(),
    list: (serverId) => listBackups(root(), serverId),

    async get(serverId, backupId) {
      const record = await readBackup(root(), serverId, backupId);
      const data = backupDataDir(root(), serverId, backupId);
      const text = (p: string): Promise<string | undefined> => readFile(p, 'utf8').catch(() => undefined);
      const [labelFile, tablespaceMap, manifest, log] = await Promise.all([
        text(join(data, 'backup_label')),
        text(join(data, 'tablespace_map')),
        text(join(data, 'backup_manifest')),
        text(join(backupDir(root(), serverId, backupId), LOG_FILE)),
      ]);
      return {
        record,
        path: backupDir(root(), serverId, backupId),
        ...(labelFile !== undefined && { labelFile }),
        ...(tablespaceMap !== undefined && { tablespaceMap }),
        ...(manifest !== undefined && { manifest }),
        log: (log ?? '').split('\n').filter(Boolean),
      };
    },

    async delete(serverId, backupId) {
      const job = registry.byServer(serverId);
      if (job && job.backupId === backupId) {
        throw new TidemarkError('BACKUP_BUSY', `Backup ${backupId} is still running`, { hint: 'Cancel it first, then delete it.' });
      }
      await readBackup(root(), serverId, backupId);
      await removeBackupDir(root(), serverId, backupId);
    },

    waitForJob: (jobId) => registry.wait(jobId),

    async close() {
      for (const job of registry.running()) job.controller.abort(new CancelReason('Tidemark is closing'));
      await Promise.allSettled([...running]);
    },
  };
}
