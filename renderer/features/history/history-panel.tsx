import { Fragment, useEffect, useState } from 'react';
import type { BackupRecord } from '../../../shared/models/backup';
import { ErrorMessage } from '../../components/error-message';
import { formatBytes, formatDateTime, formatDuration } from '../../format';
import { useAppStore } from '../../store';
import { BackupDetailsPane } from './backup-details';
import { HistoryChart } from './history-chart';
import { selectHistory } from './history-slice';
import { chartPoints, DEFAULT_SORT, durationOf, nextSort, sortBackups, walTail, type Sort, type SortKey } from './history-sort';
import { StatusBadge } from './status-badge';

const COLUMNS: readonly { readonly key: SortKey; readonly label: string; readonly className?: string }[] = [
  { key: 'id', label: 'Backup' },
  { key: 'status', label: 'Status' },
  { key: 'started', label: 'Started' },
  { key: 'duration', label: 'Duration', className: 'num' },
  { key: 'mode', label: 'Mode' },
  { key: 'role', label: 'Source' },
  { key: 'size', label: 'Size', className: 'num' },
  { key: 'wal', label: 'WAL range' },
];

/** Every backup attempt of a server, sortable, with a chart and the details of the chosen one. */
export function HistoryPanel({ serverId }: { readonly serverId: string }) {
  const history = useAppStore(selectHistory(serverId));
  const loadBackups = useAppStore((s) => s.loadBackups);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [selected, setSelected] = useState<string | undefined>();
  useEffect(() => {
    void loadBackups(serverId);
  }, [serverId, loadBackups]);

  const backups = history?.backups ?? [];
  const rows = sortBackups(backups, sort);
  const chosen = backups.find((b) => b.id === selected);

  return (
    <section className="card history-panel" aria-labelledby="history-title">
      <div className="card-head">
        <div>
          <h2 id="history-title">History</h2>
          <p className="muted card-subtitle">
            {history?.backups ? `${backups.length} attempt${backups.length === 1 ? '' : 's'}, ${backups.filter((b) => b.status === 'DONE').length} usable` : 'Loading…'}
          </p>
        </div>
        <button type="button" onClick={() => void loadBackups(serverId)} disabled={history?.loading} aria-busy={history?.loading}>
          Refresh
        </button>
      </div>
      {history?.error && <ErrorMessage error={history.error} title="The backup history could not be read" />}
      {history?.backups && backups.length === 0 && <p className="muted">No backups yet: “Back up now” takes the first one.</p>}
      {backups.length > 0 && (
        <>
          <HistoryChart points={chartPoints(backups)} />
          <div className="table-scroll">
            <table className="history-table" aria-labelledby="history-title">
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c.key} scope="col" aria-sort={sort.key === c.key ? sort.dir : undefined} className={c.className}>
                      <button type="button" className="sort-button" onClick={() => setSort(nextSort(sort, c.key))}>
                        {c.label}
                        <span className="sort-arrow" aria-hidden="true">
                          {sort.key === c.key ? (sort.dir === 'ascending' ? '▲' : '▼') : ''}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((b) => (
                  <HistoryRow key={b.id} backup={b} selected={b.id === selected} onSelect={() => setSelected(b.id === selected ? undefined : b.id)} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {chosen && <BackupDetailsPane serverId={serverId} backup={chosen} onClose={() => setSelected(undefined)} />}
    </section>
  );
}

function HistoryRow({ backup: b, selected, onSelect }: { readonly backup: BackupRecord; readonly selected: boolean; readonly onSelect: () => void }) {
  const secs = durationOf(b);
  return (
    <Fragment>
      <tr className={selected ? 'row-selected' : undefined} data-backup-id={b.id} data-status={b.status} aria-selected={selected}>
        <td>
          <button type="button" className="link-button mono" onClick={onSelect} aria-expanded={selected} aria-label={`Details of backup ${b.id}`}>
            {b.id}
          </button>
        </td>
        <td data-col="status">
          <StatusBadge status={b.status} />
        </td>
        <td className="nowrap two-line">
          <span>{formatDateTime(b.startedAt).slice(0, 10)}</span>
          <span>{formatDateTime(b.startedAt).slice(11)}</span>
        </td>
        <td className="num nowrap">{secs === undefined ? '—' : formatDuration(secs)}</td>
        <td data-col="mode">{b.mode}</td>
        <td data-col="role">{b.sourceRole}</td>
        <td className="num nowrap" data-col="size">
          {b.status === 'DONE' ? formatBytes(b.sizeBytes) : '—'}
        </td>
        <td className="mono wal-range" title={b.startWal ? `${b.startWal} … ${b.stopWal ?? '?'}` : undefined}>
          {b.startWal ? (
            <>
              <span>{walTail(b.startWal, b.stopWal)}</span>
              {b.stopWal && b.stopWal !== b.startWal && <span>→ {walTail(b.stopWal, b.startWal)}</span>}
            </>
          ) : (
            '—'
          )}
        </td>
      </tr>
      {b.error && (
        <tr className="row-error" data-error-for={b.id}>
          <td colSpan={COLUMNS.length}>
            <span className="error-message">{b.error.message}</span>
            {b.error.hint && <span className="error-hint"> — {b.error.hint}</span>}
          </td>
        </tr>
      )}
    </Fragment>
  );
}
