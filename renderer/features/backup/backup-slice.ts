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
  readonly mode?: BackupMode;
  readonly progress?: JobProgress;
  /** Copy rates as they arrived, for the throughput chart (after a reload the chart starts afresh). */
  readonly samples: readonly RateSample[];
  readonly log: readonly JobLog[];
  readonly done?: JobDone;
}

export interface RateSample {
  /** Wall-clock milliseconds when the progress event arrived. */
  readonly at: number;
  readonly rate: number;
}

/** Enough lines to follow a job; the full log lives with the backup in the catalog. */
const LOG_LIMIT = 500;
/** About four progress events a second: two minutes of chart. */
export const SAMPLE_LIMIT = 480;

export interface BackupSlice {
  readonly jobs: Readonly<Record<string, JobState>>;
  /** serverId → a backup:start call in flight. */
  readonly starting: Readonly<Record<string, boolean>>;
  readonly startErrors: Readonly<Record<string, AppError | undefined>>;
  loadJobs(): Promise<void>;
  startBackup(serverId: string, mode?: BackupMode): Promise<Result<{ jobId: string; backupId: string }>>;
  cancelBackup(jobId: string): Promise<Result<null>>;
  jobProgress(p: JobProgress, now?: number): void;
  jobLog(l: JobLog): void;
  jobDone(d: JobDone): void;
  /** Forgets a finished job (its outcome notice was dismissed). */
  dismissJob(jobId: string): void;
}

const fromView = (v: JobView): JobState => ({
  jobId: v.jobId,
  serverId: v.serverId,
  backupId: v.backupId,
  mode: v.mode,
  progress: v.progress,
  samples: [],
  log: v.log,
});

const blank = (jobId: string, serverId: string, backupId: string): JobState => ({ jobId, serverId, backupId, samples: [], log: [] });

/** Adds a throughput sample while files are being copied (the other phases have no rate). */
export function withSample(samples: readonly RateSample[], p: JobProgress, now: number): readonly RateSample[] {
  if (p.phase !== 'copy') return samples;
  return [...samples, { at: now, rate: p.rateBytesPerSec }].slice(-SAMPLE_LIMIT);
}

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
      if (!r.ok) return;
      const jobs = { ...get().jobs };
      const running = new Set(r.data.map((v) => v.jobId));
      // A job this window followed that the engine no longer runs ended while the window was away.
      for (const j of Object.values(jobs)) {
        if (j.done || running.has(j.jobId)) continue;
        delete jobs[j.jobId];
        void get().loadBackups(j.serverId);
      }
      for (const v of r.data) {
        // The engine may send a job's job:done before the list it took while the job still ran:
        // the job has ended, whatever the list says.
        if (jobs[v.jobId]?.done) continue;
        jobs[v.jobId] = { ...fromView(v), samples: jobs[v.jobId]?.samples ?? [] };
      }
      set({ jobs });
    },

    async startBackup(serverId, mode) {
      set({ starting: { ...get().starting, [serverId]: true }, startErrors: { ...get().startErrors, [serverId]: undefined } });
      // A new backup replaces the outcome notice of the previous one.
      const jobs = Object.fromEntries(Object.entries(get().jobs).filter(([, j]) => !(j.serverId === serverId && j.done)));
      set({ jobs });
      const r = await api.invoke('backup:start', { serverId, mode });
      set({ starting: { ...get().starting, [serverId]: false } });
      if (r.ok) updateJob(r.data.jobId, (j) => j ?? { ...blank(r.data.jobId, serverId, r.data.backupId), ...(mode && { mode }) });
      else set({ startErrors: { ...get().startErrors, [serverId]: r.error } });
      return r;
    },

    cancelBackup: (jobId) => api.invoke('backup:cancel', { jobId }),

    jobProgress(p, now = Date.now()) {
      updateJob(p.jobId, (j) => {
        const base = j ?? blank(p.jobId, p.serverId, p.backupId);
        return { ...base, progress: p, samples: withSample(base.samples, p, now) };
      });
    },
    jobLog(l) {
      updateJob(l.jobId, (j) => j && { ...j, log: [...j.log, l].slice(-LOG_LIMIT) });
    },
    jobDone(d) {
      updateJob(d.jobId, (j) => ({ ...(j ?? blank(d.jobId, d.serverId, d.backupId)), done: d }));
    },
    dismissJob(jobId) {
      const jobs = { ...get().jobs };
      delete jobs[jobId];
      set({ jobs });
    },
  };
};

/** Engine events feed the slice; a finished job also refreshes that server's history and checks. */
export function attachBackupEvents(store: AppStore, api: Api): () => void {
  const offs = [
    api.on('job:progress', (p) => store.getState().jobProgress(p)),
    api.on('job:log', (l) => store.getState().jobLog(l)),
    api.on('job:done', (d) => {
      store.getState().jobDone(d);
      void store.getState().loadBackups(d.serverId);
      // A backup refreshes the facts it learned (version, role) on the stored server, and the
      // catalog checks (age of the last backup, failed attempts) see a new entry.
      void store.getState().loadServers();
      if (store.getState().checks[d.serverId]?.results) void store.getState().runChecks(d.serverId);
    }),
  ];
  return () => offs.forEach((off) => off());
}

/** The running (not yet done) job of a server, if any. */
export const selectActiveJob =
  (serverId: string) =>
  (s: AppState): JobState | undefined =>
    Object.values(s.jobs).find((j) => j.serverId === serverId && !j.done);

/** The job of a server that ended while this window watched, until its notice is dismissed. */
export const selectFinishedJob =
  (serverId: string) =>
  (s: AppState): JobState | undefined =>
    Object.values(s.jobs).find((j) => j.serverId === serverId && j.done);
