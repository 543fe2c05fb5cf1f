import { ErrorMessage } from '../../components/error-message';
import { formatBytes, formatDuration, secondsBetween } from '../../format';
import { useAppStore } from '../../store';
import type { ReactNode } from 'react';
import type { JobState } from './backup-slice';

function OutcomeNotice(props: { readonly tone: 'ok' | 'warning'; readonly title: ReactNode; readonly children: ReactNode; readonly onClose: () => void }) {
  return (
    <div className={`notice notice-${props.tone}`} role="status" data-testid="job-outcome">
      <div className="notice-body">
        <p className="notice-title">{props.title}</p>
        {props.children}
      </div>
      <button type="button" className="button-quiet" onClick={props.onClose} aria-label="Dismiss the backup result">
        ×
      </button>
    </div>
  );
}

/** How the last backup this window watched ended, until dismissed or the next one starts. */
export function JobOutcome({ job }: { readonly job: JobState }) {
  const dismiss = useAppStore((s) => s.dismissJob);
  const done = job.done;
  if (!done) return null;
  const close = (): void => dismiss(job.jobId);
  if (done.status === 'DONE') {
    const b = done.backup;
    const took = secondsBetween(b.startedAt, b.endedAt);
    return (
      <OutcomeNotice tone="ok" title={<>Backup <span className="mono">{done.backupId}</span> is complete</>} onClose={close}>
        <p>
          {formatBytes(b.sizeBytes)}, {b.fileCount} files{b.walFileCount ? ` and ${b.walFileCount} WAL segment${b.walFileCount === 1 ? '' : 's'}` : ''}
          {took !== undefined ? ` in ${formatDuration(took)}` : ''}.
        </p>
      </OutcomeNotice>
    );
  }
  if (done.status === 'CANCELLED') {
    return (
      <OutcomeNotice tone="warning" title={<>Backup <span className="mono">{done.backupId}</span> was cancelled</>} onClose={close}>
        {done.error?.hint && <p className="error-hint">{done.error.hint}</p>}
      </OutcomeNotice>
    );
  }
  return (
    <ErrorMessage
      error={done.error ?? { code: 'BACKUP_FAILED', message: `Backup ${done.backupId} ended as ${done.status}.` }}
      title={`Backup ${done.backupId} failed`}
      onDismiss={close}
    />
  );
}
