import type { Api } from '../../../shared/contract';
import type { JobDone, JobLog, JobProgress, JobView } from '../../../shared/models/job';
import type { BackupMode } from '../../../shared/models/server';
import type { AppError, Result } from '../../../shared/result';
import type { AppState, AppStore, SliceCreator } from '../../store';

/** A backup job as the renderer follows it, rebuilt from jobs:list after a reload. */
export interface JobState {
  readonly jobId: string;
  readonly serverId: string;
  readonly backupId: string;
  readonly progress?: JobProgress;
  readonly log: readonly JobLog[];
  readonly done?: JobDone;
}

/** Enough lines to follow a job; the full log lives with the backup in the catalog. */
const LOG_LIMIT = 500;

export interface BackupSlice {
  readonly jobs: Readonly<Record<string, JobState>>;
  /** serverId → a backup:start call in flight. */
  readonly starting: Readonly<Record<string, boolean>>;
  readonly startErrors: Readonly<Record<string, AppError | undefined>>;
  loadJobs(): Promise<void>;
  startBackup(serverId: string, mode?: BackupMode): Promise<Result<{ jobId: string; backupId: string }>>;
  cancelBackup(jobId: string): Promise<Result<null>>;
  jobProgress(p: JobProgress): void;
  jobLog(l: JobLog): void;
  jobDone(d: JobDone): void;
}

const fromView = (v: JobView): JobState => ({
  jobId: v.jobId,
  serverId: v.serverId,
  backupId: v.backupId,
  progress: v.progress,
  log: v.log,
});

export const createBackupSlice: SliceCreator<BackupSlice> = (set, get, api) => {
  const updateJob = (jobId: string, fn: (j: JobState | undefined) => JobState | undefined): void => {
    const next = fn(get().jobs[jobId]);
    if (next) set({ jobs: { ...get().jobs, [jobId]: next } });
  };
  return {
    jobs: {},
    starting: {},
    startErrors: {},

    async loadJobs() {
      const r = await api.invoke('jobs:list', undefined);
      if (r.ok) set({ jobs: { ...get().jobs, ...Object.fromEntries(r.data.map((v) => [v.jobId, fromView(v)])) } });
    },

    async startBackup(serverId, mode) {
      set({ starting: { ...get().starting, [serverId]: true }, startErrors: { ...get().startErrors, [serverId]: undefined } });
      const r = await api.invoke('backup:start', { serverId, mode });
      set({ starting: { ...get().starting, [serverId]: false } });
      if (r.ok) updateJob(r.data.jobId, (j) => j ?? { jobId: r.data.jobId, serverId, backupId: r.data.backupId, log: [] });
      else set({ startErrors: { ...get().startErrors, [serverId]: r.error } });
      return r;
    },

    cancelBackup: (jobId) => api.invoke('backup:cancel', { jobId }),

    jobProgress(p) {
      updateJob(p.jobId, (j) => ({ ...(j ?? { jobId: p.jobId, serverId: p.serverId, backupId: p.backupId, log: [] }), progress: p }));
    },
    jobLog(l) {
      updateJob(l.jobId, (j) => j && { ...j, log: [...j.log, l].slice(-LOG_LIMIT) });
    },
    jobDone(d) {
      updateJob(d.jobId, (j) => ({ ...(j ?? { jobId: d.jobId, serverId: d.serverId, backupId: d.backupId, log: [] }), done: d }));
    },
  };
};

/** Engine events feed the slice; a finished job also refreshes that server's history. */
export function attachBackupEvents(store: AppStore, api: Api): () => void {
  const offs = [
    api.on('job:progress', (p) => store.getState().jobProgress(p)),
    api.on('job:log', (l) => store.getState().jobLog(l)),
    api.on('job:done', (d) => {
      store.getState().jobDone(d);
      void store.getState().loadBackups(d.serverId);
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** The running (not yet done) job of a server, if any. */
export const selectActiveJob =
  (serverId: string) =>
  (s: AppState): JobState | undefined =>
    Object.values(s.jobs).find((j) => j.serverId === serverId && !j.done);
