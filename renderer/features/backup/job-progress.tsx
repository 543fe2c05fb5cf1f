import type { JobState } from './backup-slice';

const MB = 1024 * 1024;

/** A running job in one line: phase, bytes and files, rate and ETA. (A fuller view comes with issue 5.) */
export function JobProgressBar({ job }: { readonly job: JobState }) {
  const p = job.progress;
  if (!p) {
    return (
      <p className="muted" role="status">
        Backup {job.backupId} starting…
      </p>
    );
  }
  const eta = p.etaSeconds === null ? '' : ` · about ${Math.max(1, Math.round(p.etaSeconds))} s left`;
  return (
    <div className="job-progress" role="status" aria-label={`Backup ${job.backupId}`}>
      <progress max={Math.max(1, p.bytesTotal)} value={p.bytesDone} aria-label="Copied" />
      <p className="muted">
        {p.phase} · {(p.bytesDone / MB).toFixed(1)} of {(p.bytesTotal / MB).toFixed(1)} MB · {p.filesDone}/{p.filesTotal} files ·{' '}
        {(p.rateBytesPerSec / MB).toFixed(1)} MB/s{eta}
      </p>
    </div>
  );
}
