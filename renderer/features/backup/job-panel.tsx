import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { Sparkline } from '../../components/sparkline';
import type { AppError } from '../../../shared/result';
import { formatBytes, formatDuration, formatRate } from '../../format';
import { useAppStore } from '../../store';
import type { JobState } from './backup-slice';
import { copiedPercent, phaseLabel, phaseSteps } from './job-phases';
import { useNow } from '../../components/use-now';

/** A running backup: the phases, the bytes copied, the rate and its chart, and Cancel. */
export function JobPanel({ job, serverName }: { readonly job: JobState; readonly serverName: string }) {
  const cancelBackup = useAppStore((s) => s.cancelBackup);
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<AppError | null>(null);
  // Ticks once a second so the elapsed time moves between progress events.
  useNow(1000);
  const p = job.progress;
  const percent = copiedPercent(p);
  const elapsed = p ? Math.max(0, (Date.now() - Date.parse(p.startedAt)) / 1000) : undefined;
  const rates = job.samples.map((s) => s.rate);

  return (
    <section className="job-panel" aria-labelledby={`job-title-${job.jobId}`} data-phase={p?.phase ?? 'starting'}>
      <div className="job-panel-head">
        <h2 id={`job-title-${job.jobId}`}>
          Backing up <span className="mono">{job.backupId}</span>
          {job.mode && <span className="muted"> · {job.mode}</span>}
        </h2>
        <button type="button" className="button-danger-quiet" onClick={() => setConfirming(true)} disabled={cancelling} aria-busy={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel backup…'}
        </button>
      </div>

      <ol className="stepper" aria-label="Backup phases">
        {phaseSteps(p?.phase).map((s) => (
          <li key={s.phase} className={`step step-${s.state}`} aria-current={s.state === 'current' ? 'step' : undefined}>
            <span className="step-dot" aria-hidden="true">
              {s.state === 'done' ? '✓' : ''}
            </span>
            <span className="step-label">{s.label}</span>
            {s.state === 'done' && <span className="visually-hidden"> (done)</span>}
          </li>
        ))}
      </ol>

      <div
        className={`progressbar${percent === undefined ? ' progressbar-indeterminate' : ''}`}
        role="progressbar"
        aria-label="Bytes copied"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={p && p.bytesTotal > 0 ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}` : `${p ? phaseLabel(p.phase) : 'Starting'}…`}
      >
        <div className="progressbar-fill" style={{ width: `${percent ?? 0}%` }} />
      </div>

      <dl className="job-stats">
        <div>
          <dt>Copied</dt>
          <dd data-stat="bytes">{p && p.bytesTotal > 0 ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}${percent !== undefined ? ` (${Math.floor(percent)} %)` : ''}` : '—'}</dd>
        </div>
        <div>
          <dt>Files</dt>
          <dd data-stat="files">{p && p.filesTotal > 0 ? `${p.filesDone} of ${p.filesTotal}` : '—'}</dd>
        </div>
        <div>
          <dt>Rate</dt>
          <dd data-stat="rate" className="job-rate">
            <span>{p && p.rateBytesPerSec > 0 ? formatRate(p.rateBytesPerSec) : '—'}</span>
            <Sparkline values={rates} label={`Copy rate, ${rates.length} samples`} />
          </dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd data-stat="eta">{p?.etaSeconds != null && p.phase === 'copy' ? `about ${formatDuration(Math.max(1, p.etaSeconds))}` : '—'}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd data-stat="elapsed">{elapsed !== undefined ? formatDuration(elapsed) : '—'}</dd>
        </div>
      </dl>
      <p className="job-current" role="status" aria-live="off">
        <span className="muted">{p ? phaseLabel(p.phase) : 'Starting'}:</span>{' '}
        <span className="mono" data-stat="current-file" title={p?.currentFile ?? undefined}>
          {p?.currentFile ?? (p?.phase === 'copy' ? 'listing files…' : '—')}
        </span>
      </p>
      {job.log.length > 0 && (
        <details className="job-log">
          <summary>Log ({job.log.length} line{job.log.length === 1 ? '' : 's'})</summary>
          <pre className="scroll-box" tabIndex={0} aria-label="Job log">
            {job.log.map((l) => `${l.at.slice(11, 19)} ${l.level.toUpperCase().padEnd(5)} ${l.message}`).join('\n')}
          </pre>
        </details>
      )}
      {cancelError && <ErrorMessage error={cancelError} title="The backup was not cancelled" onDismiss={() => setCancelError(null)} />}

      {confirming && (
        <ConfirmDialog
          title={`Cancel the backup of ${serverName}?`}
          confirmLabel="Cancel backup"
          pendingLabel="Cancelling…"
          dismissLabel="Keep running"
          pending={false}
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            setCancelling(true);
            const r = await cancelBackup(job.jobId);
            if (!r.ok) {
              setCancelling(false);
              setCancelError(r.error);
            }
          }}
        >
          <p>
            The copy stops, the files copied so far are removed and PostgreSQL ends backup <span className="mono">{job.backupId}</span>.
            The attempt stays in the history as CANCELLED.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
