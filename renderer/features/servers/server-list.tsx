import { useState } from 'react';
import type { CheckStatus } from '../../../shared/models/check';
import type { AppError } from '../../../shared/result';
import { ErrorMessage } from '../../components/error-message';
import type { ServerView } from '../../../shared/models/server';
import { formatAge } from '../../format';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { selectActiveJob } from '../backup/backup-slice';
import { copiedPercent } from '../backup/job-phases';
import { useNow } from '../../components/use-now';
import { worstStatus } from '../checks/checks-select';
import { selectLastGoodBackup } from '../history/history-slice';
import { majorVersion } from './server-describe';
import { ServerDeleteDialog } from './server-delete-dialog';
import { selectServers } from './servers-slice';

/** The sidebar: every server, the selected one marked, and the way to add one. */
export function ServerList() {
  const servers = useAppStore(selectServers);
  const view = useAppStore((s) => s.view);
  const navigate = useAppStore((s) => s.navigate);
  const readOnly = useAppStore(selectReadOnly);
  const loading = useAppStore((s) => s.serversLoading && s.servers.length === 0);
  // Ages ("5 min ago") move on by themselves.
  const now = useNow(30_000);
  const selectedId = 'id' in view ? view.id : undefined;

  return (
    <nav className="sidebar" aria-labelledby="server-list-title">
      <div className="sidebar-header">
        <h2 id="server-list-title">Servers</h2>
        <button
          type="button"
          className="button-primary button-small"
          onClick={() => navigate({ page: 'add-server' })}
          disabled={readOnly}
          aria-current={view.page === 'add-server' ? 'page' : undefined}
        >
          Add server
        </button>
      </div>
      {loading && <p className="sidebar-empty" role="status">Loading servers…</p>}
      {!loading && servers.length === 0 && <p className="sidebar-empty">No servers yet.</p>}
      <ul className="server-list">
        {servers.map((s) => (
          <li key={s.id}>
            <ServerItem server={s} selected={s.id === selectedId} now={now} onOpen={() => navigate({ page: 'server', id: s.id })} />
            {s.id === selectedId && <ServerItemActions server={s} readOnly={readOnly} />}
          </li>
        ))}
      </ul>
    </nav>
  );
}

const CHECK_TEXT: Readonly<Record<CheckStatus, string>> = {
  failed: 'checks failed',
  warning: 'check warnings',
  skipped: 'checks incomplete',
  ok: 'checks passed',
};

function ServerItem({ server: s, selected, now, onOpen }: { readonly server: ServerView; readonly selected: boolean; readonly now: number; readonly onOpen: () => void }) {
  const last = useAppStore(selectLastGoodBackup(s.id));
  const worst = useAppStore((st) => worstStatus(st.checks[s.id]?.results));
  const job = useAppStore(selectActiveJob(s.id));
  const percent = copiedPercent(job?.progress);
  return (
    <button type="button" className="server-item" aria-current={selected ? 'page' : undefined} onClick={onOpen}>
      <span className="server-item-name">{s.name}</span>
      <span className="server-item-host">
        {s.host}:{s.port}
      </span>
      <span className="server-item-badges">
        {s.facts ? (
          <>
            <span className="badge">PG {majorVersion(s.facts.versionNum)}</span>
            <span className={`badge badge-${s.facts.role}`}>{s.facts.role}</span>
          </>
        ) : (
          <span className="badge badge-muted">not tested</span>
        )}
        {s.transport.kind === 'ssh' && <span className="badge badge-muted">SSH</span>}
      </span>
      <span className="server-item-status">
        {job ? (
          <span className="server-item-job">Backing up{percent !== undefined ? ` · ${Math.floor(percent)} %` : '…'}</span>
        ) : (
          <span className="server-item-last" data-testid="last-backup">
            {last ? `Last backup ${formatAge(last.endedAt ?? last.startedAt, now)}` : 'No backup yet'}
          </span>
        )}
        {worst && (
          <span className={`check-dot status-${worst}`} data-testid="worst-check" data-status={worst}>
            <span aria-hidden="true">●</span> {CHECK_TEXT[worst]}
          </span>
        )}
      </span>
    </button>
  );
}

/** Edit and delete for the selected server, right where it is chosen. */
function ServerItemActions({ server, readOnly }: { readonly server: ServerView; readonly readOnly: boolean }) {
  const navigate = useAppStore((s) => s.navigate);
  const editing = useAppStore((s) => s.view.page === 'edit-server');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  return (
    <div className="server-item-actions">
      <button
        type="button"
        className="button-small"
        onClick={() => navigate({ page: 'edit-server', id: server.id })}
        disabled={readOnly}
        aria-label={`Edit ${server.name}`}
        aria-current={editing ? 'page' : undefined}
      >
        Edit
      </button>
      <button type="button" className="button-small button-danger-quiet" onClick={() => setConfirming(true)} disabled={readOnly} aria-label={`Delete ${server.name}…`}>
        Delete…
      </button>
      {error && <ErrorMessage error={error} title="Not deleted" onDismiss={() => setError(null)} />}
      {confirming && (
        <ServerDeleteDialog
          server={server}
          onClose={(e) => {
            setConfirming(false);
            setError(e);
          }}
        />
      )}
    </div>
  );
}
