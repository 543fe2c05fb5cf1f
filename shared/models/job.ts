import type { AppError } from '../result';
import type { BackupRecord, BackupStatus } from './backup';
import type { BackupMode } from './server';

/** The phases a backup job walks through, in order. */
export const JOB_PHASES = ['connect', 'checks', 'start', 'copy', 'stop', 'wal', 'manifest', 'done'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

export interface JobProgress {
  readonly jobId: string;
  readonly serverId: string;
  readonly backupId: string;
  readonly phase: JobPhase;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly rateBytesPerSec: number;
  readonly etaSeconds: number | null;
  readonly currentFile: string | null;
  readonly startedAt: string;
}

/** A job's progress before anything happened. */
export function initialProgress(ids: Pick<JobProgress, 'jobId' | 'serverId' | 'backupId' | 'startedAt'>): JobProgress {
  return {
    ...ids,
    phase: 'connect',
    bytesDone: 0,
    bytesTotal: 0,
    filesDone: 0,
    filesTotal: 0,
    rateBytesPerSec: 0,
    etaSeconds: null,
    currentFile: null,
  };
}

export interface JobLog {
  readonly jobId: string;
  readonly at: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface JobDone {
  readonly jobId: string;
  readonly serverId: string;
  readonly backupId: string;
  readonly status: BackupStatus;
  readonly error?: AppError;
  readonly backup: BackupRecord;
}

/** A running job as the main process knows it; a reloaded window rebuilds its view from this. */
export interface JobView {
  readonly jobId: string;
  readonly serverId: string;
  readonly backupId: string;
  readonly mode: BackupMode;
  readonly progress: JobProgress;
  readonly log: readonly JobLog[];
}
