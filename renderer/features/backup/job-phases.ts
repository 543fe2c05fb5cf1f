import { JOB_PHASES, type JobPhase, type JobProgress } from '../../../shared/models/job';

export type StepState = 'done' | 'current' | 'todo';

export interface PhaseStep {
  readonly phase: JobPhase;
  readonly label: string;
  readonly state: StepState;
}

const LABELS: Readonly<Record<Exclude<JobPhase, 'done'>, string>> = {
  connect: 'Connect',
  checks: 'Checks',
  start: 'Start backup · checkpoint',
  copy: 'Copy files',
  stop: 'Stop backup',
  wal: 'WAL',
  manifest: 'Manifest',
};

/** The stepper's steps for a job in `phase` (undefined: not started yet, all to do). */
export function phaseSteps(phase: JobPhase | undefined): PhaseStep[] {
  const at = phase ? JOB_PHASES.indexOf(phase) : -1;
  return JOB_PHASES.filter((p): p is Exclude<JobPhase, 'done'> => p !== 'done').map((p, i) => ({
    phase: p,
    label: LABELS[p],
    state: phase === 'done' || i < at ? 'done' : i === at ? 'current' : 'todo',
  }));
}

export const phaseLabel = (phase: JobPhase): string => (phase === 'done' ? 'Done' : LABELS[phase]);

/**
 * The share of bytes copied, 0–100 with one decimal, or undefined before the copy knows its
 * total (the progress bar is indeterminate then). After the copy it stays full.
 */
export function copiedPercent(p: JobProgress | undefined): number | undefined {
  if (!p) return undefined;
  const at = JOB_PHASES.indexOf(p.phase);
  if (at > JOB_PHASES.indexOf('copy')) return 100;
  if (p.phase !== 'copy' || p.bytesTotal <= 0) return undefined;
  return Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 1000) / 10);
}
