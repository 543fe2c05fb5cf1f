import { useEffect, useState } from 'react';
import type { BackupRecord } from '../../../shared/models/backup';
import type { AppError } from '../../../shared/result';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { formatBytes, formatDateTime, formatDuration, formatRate, formatWire } from '../../format';
import { useAppStore } from '../../store';
import { selectActiveJob } from '../backup/backup-slice';
import { selectReadOnly } from '../app/app-slice';
import { selectDetails } from './history-slice';
import { durationOf } from './history-sort';
import { StatusBadge } from './status-badge';

/** Rendering a multi-megabyte manifest would freeze the window; the start shows what it holds. */
const MANIFEST_SHOWN = 200_000;

/** One backup in full: LSNs, timeline, the label file, the manifest and the log; delete. */
export function BackupDetailsPane({ serverId, backup: b, onClose }: { readonly serverId: string; readonly backup: BackupRecord; readonly onClose: () => void }) {
  const details = useAppStore(selectDetails(serverId, b.id));
  const loadDetails = useAppStore((s) => s.loadDetails);
  const deleteBackup = useAppStore((s) => s.deleteBackup);
  const readOnly = useAppStore(selectReadOnly);
  const running = useAppStore(selectActiveJob(serverId))?.backupId === b.id;
  const [confirming, setConfirming] = useState(false);
  const wire = b.copy ? formatWire(b.copy) : null;
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<AppError | null>(null);
  useEffect(() => {
    void loadDetails(serverId, b.id);
  }, [serverId, b.id, b.status, loadDetails]);
  const d = details?.data;
  const secs = durationOf(b);
  const manifest = d?.manifest;

  return (
    <section className="backup-details" aria-labelledby="details-title" data-backup-id={b.id}>
      <div className="card-head">
        <h3 id="details-title">
          Backup <span className="mono">{b.id}</span> <StatusBadge status={b.status} />
        </h3>
        <div className="page-actions">
          <button type="button" className="button-danger-quiet" onClick={() => setConfirming(true)} disabled={readOnly || running || deleting}>
            Delete backup…
          </button>
          <button type="button" onClick={onClose}>
            Close details
          </button>
        </div>
      </div>
      {b.error && <ErrorMessage error={b.error} title={b.status === 'CANCELLED' ? 'Cancelled' : 'Why it failed'} />}
      {deleteError && <ErrorMessage error={deleteError} title="The backup was not deleted" onDismiss={() => setDeleteError(null)} />}
      <dl className="facts details-facts">
        <dt>Label</dt>
        <dd className="mono">{b.label}</dd>
        <dt>Mode · source</dt>
        <dd>
          {b.mode} · {b.sourceRole}, PostgreSQL {b.pgVersion || '?'}
        </dd>
        <dt>Started · ended</dt>
        <dd>
          {formatDateTime(b.startedAt)} · {b.endedAt ? formatDateTime(b.endedAt) : '—'}
          {secs !== undefined && ` (${formatDuration(secs)})`}
        </dd>
        <dt>Timeline</dt>
        <dd data-fact="timeline">{b.timeline ?? '—'}</dd>
        <dt>Start LSN</dt>
        <dd className="mono" data-fact="start-lsn">
          {b.startLsn ?? '—'}
        </dd>
        <dt>Stop LSN</dt>
        <dd className="mono" data-fact="stop-lsn">
          {b.stopLsn ?? '—'}
        </dd>
        <dt>WAL</dt>
        <dd className="mono">
          {b.startWal ? `${b.startWal} … ${b.stopWal ?? '?'}${b.walFileCount ? ` (${b.walFileCount} segments)` : ''}` : '—'}
        </dd>
        <dt>Size</dt>
        <dd>
          {formatBytes(b.sizeBytes)}, {b.fileCount} files{b.copy ? ` — copied at ${formatRate(b.copy.throughputBytesPerSec)}` : ''}
          {wire ? `; ${wire}` : ''}
        </dd>
        {b.tablespaces.length > 0 && (
          <>
            <dt>Tablespaces</dt>
            <dd>
              {b.tablespaces.map((t) => (
                <div key={t.oid} className="mono">
                  {t.oid} → {t.location} ({formatBytes(t.sizeBytes)})
                </div>
              ))}
            </dd>
          </>
        )}
        <dt>System identifier</dt>
        <dd className="mono">{b.systemIdentifier || '—'}</dd>
        {d && (
          <>
            <dt>Folder</dt>
            <dd className="mono">{d.path}</dd>
          </>
        )}
      </dl>
      {details?.loading && !d && <p className="muted" role="status">Reading the backup folder…</p>}
      {details?.error && <ErrorMessage error={details.error} title="The backup folder could not be read" />}
      {d && (
        <div className="details-files">
          <FileBox title="backup_label" text={d.labelFile} empty="No backup_label (the backup did not get that far)." />
          {d.tablespaceMap !== undefined && <FileBox title="tablespace_map" text={d.tablespaceMap} />}
          <FileBox
            title="backup_manifest"
            text={manifest && manifest.length > MANIFEST_SHOWN ? `${manifest.slice(0, MANIFEST_SHOWN)}\n… (${formatBytes(manifest.length)} in all; the file is in the backup folder)` : manifest}
            empty="No manifest (written last, only for a complete backup)."
            tall
            wide
          />
          <FileBox title="Log" text={d.log.join('\n')} empty="No log lines." tall wide />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete backup ${b.id}?`}
          confirmLabel="Delete backup"
          pendingLabel="Deleting…"
          pending={deleting}
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setDeleting(true);
            const r = await deleteBackup(serverId, b.id);
            setDeleting(false);
            setConfirming(false);
            if (r.ok) onClose();
            else setDeleteError(r.error);
          }}
        >
          <p>
            The folder of this backup{d ? <> (<span className="mono">{d.path}</span>)</> : ''} is removed from disk
            {b.status === 'DONE' ? ', and it can no longer be restored' : ''}. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function FileBox(props: { readonly title: string; readonly text?: string; readonly empty?: string; readonly tall?: boolean; readonly wide?: boolean }) {
  const { title, text, empty, tall, wide } = props;
  return (
    <section className={`file-box${wide ? ' file-box-wide' : ''}`} aria-label={title}>
      <h4 className="mono">{title}</h4>
      {text ? (
        <pre className={`scroll-box${tall ? ' scroll-box-tall' : ''}`} tabIndex={0} aria-label={`${title} contents`}>
          {text}
        </pre>
      ) : (
        <p className="muted">{empty ?? 'Empty.'}</p>
      )}
    </section>
  );
}
