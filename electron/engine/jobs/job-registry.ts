import { randomUUID } from 'node:crypto';
import { initialProgress, type JobDone, type JobLog, type JobPhase, type JobProgress, type JobView } from '../../../shared/models/job';
import type { BackupMode } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import type { EventBus } from '../events';
import { Throttle } from './progress-throttle';

const PROGRESS_INTERVAL_MS = 250;
const LOG_LINES_KEPT = 500;

export interface ProgressUpdate {
  readonly bytesDone?: number;
  readonly bytesTotal?: number;
  readonly filesDone?: number;
  readonly filesTotal?: number;
  readonly currentFile?: string | null;
}

/** One running job: its progress, its log, how to cancel it. */
export class Job {
  readonly jobId = randomUUID();
  readonly controller = new AbortController();
  readonly startedAt = new Date().toISOString();
  private progress: JobProgress;
  private readonly logLines: JobLog[] = [];
  private readonly throttle: Throttle;
  private rateFrom: { at: number; bytes: number } | null = null;
  private readonly logSinks: ((line: JobLog) => void)[] = [];

  constructor(
    private readonly bus: EventBus,
    readonly serverId: string,
    readonly backupId: string,
    readonly mode: BackupMode,
  ) {
    this.progress = initialProgress({ jobId: this.jobId, serverId, backupId, startedAt: this.startedAt });
    this.throttle = new Throttle(PROGRESS_INTERVAL_MS, () => this.bus.emit('job:progress', this.progress));
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  phase(phase: JobPhase): void {
    this.progress = { ...this.progress, phase, currentFile: null };
    if (phase === 'copy') this.rateFrom = { at: Date.now(), bytes: this.progress.bytesDone };
    this.throttle.flush();
  }

  update(u: ProgressUpdate): void {
    const p = { ...this.progress, ...u };
    let rate = this.progress.rateBytesPerSec;
    let eta = this.progress.etaSeconds;
    if (this.rateFrom && p.phase === 'copy') {
      const secs = (Date.now() - this.rateFrom.at) / 1000;
      if (secs > 0.2) {
        rate = Math.round((p.bytesDone - this.rateFrom.bytes) / secs);
        eta = rate > 0 ? Math.max(0, Math.round((p.bytesTotal - p.bytesDone) / rate)) : null;
      }
    }
    this.progress = { ...p, rateBytesPerSec: rate, etaSeconds: eta };
    this.throttle.request();
  }

  log(level: JobLog['level'], message: string): void {
    const line: JobLog = { jobId: this.jobId, at: new Date().toISOString(), level, message };
    this.logLines.push(line);
    if (this.logLines.length > LOG_LINES_KEPT) this.logLines.shift();
    for (const sink of this.logSinks) sink(line);
    this.bus.emit('job:log', line);
  }

  onLog(sink: (line: JobLog) => void): void {
    this.logSinks.push(sink);
  }

  view(): JobView {
    return { jobId: this.jobId, serverId: this.serverId, backupId: this.backupId, mode: this.mode, progress: this.progress, log: [...this.logLines] };
  }

  /** The last progress event goes out before job:done. */
  settle(): void {
    this.throttle.flush();
    this.throttle.cancel();
  }
}

/** The jobs this process runs; it lives in the main process so a reloaded window finds them. */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly finished = new Map<string, JobDone>();
  private readonly waiters = new Map<string, ((d: JobDone) => void)[]>();

  constructor(private readonly bus: EventBus) {}

  /** Refuses a second job for the same server. */
  create(serverId: string, serverName: string, backupId: string, mode: BackupMode): Job {
    const running = this.byServer(serverId);
    if (running) {
      throw new TidemarkError('BACKUP_BUSY', `A backup of ${serverName} is already running (${running.backupId})`, {
        hint: 'Only one backup per server runs at a time. Wait for it to finish, or cancel it first.',
        details: { jobId: running.jobId, backupId: running.backupId },
      });
    }
    const job = new Job(this.bus, serverId, backupId, mode);
    this.jobs.set(job.jobId, job);
    return job;
  }

  get(jobId: string): Job | undefined {
    return this.jobs.get(jobId);
  }

  byServer(serverId: string): Job | undefined {
    for (const j of this.jobs.values()) if (j.serverId === serverId) return j;
    return undefined;
  }

  list(): JobView[] {
    return [...this.jobs.values()].map((j) => j.view());
  }

  finish(job: Job, done: JobDone): void {
    job.settle();
    this.jobs.delete(job.jobId);
    this.finished.set(job.jobId, done);
    this.bus.emit('job:done', done);
    for (const w of this.waiters.get(job.jobId) ?? []) w(done);
    this.waiters.delete(job.jobId);
  }

  wait(jobId: string): Promise<JobDone> {
    const done = this.finished.get(jobId);
    if (done) return Promise.resolve(done);
    if (!this.jobs.has(jobId)) return Promise.reject(new TidemarkError('NOT_FOUND', `No job ${jobId}`));
    return new Promise((resolve) => this.waiters.set(jobId, [...(this.waiters.get(jobId) ?? []), resolve]));
  }

  running(): Job[] {
    return [...this.jobs.values()];
  }
}
