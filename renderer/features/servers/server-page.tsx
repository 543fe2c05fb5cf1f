import { useEffect, useState } from 'react';
import { BackupHeader } from '../backup/backup-header';
import { ChecksBanner } from '../checks/checks-banner';
import { ChecksPanel } from '../checks/checks-panel';
import { HistoryPanel } from '../history/history-panel';
import { ErrorMessage } from '../../components/error-message';
import type { AppError } from '../../../shared/result';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { ConnectionTestPanel } from './connection-test';
import { describeConnection, describeTransport } from './server-describe';
import { ServerDeleteDialog } from './server-delete-dialog';
import { ServerFacts } from './server-facts';
import { selectServer, selectTest } from './servers-slice';

/**
 * One server: a banner for a backup left behind, its connection, the backup header with the mode
 * toggle and the live job, the checks, the history, and what the last test learned.
 */
export function ServerPage({ id }: { readonly id: string }) {
  const server = useAppStore(selectServer(id));
  const test = useAppStore(selectTest(id));
  const readOnly = useAppStore(selectReadOnly);
  const deleting = useAppStore((s) => s.deleting === id);
  const testServer = useAppStore((s) => s.testServer);
  const navigate = useAppStore((s) => s.navigate);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<AppError | null>(null);
  const runChecks = useAppStore((s) => s.runChecks);
  const exists = Boolean(server);
  // The checks run whenever the page opens: what they found may have changed since.
  useEffect(() => {
    if (exists) void runChecks(id);
  }, [id, exists, runChecks]);

  if (!server) {
    return (
      <section className="page">
        <p role="status">This server no longer exists.</p>
      </section>
    );
  }
  const busy = test?.status === 'testing' || test?.status === 'trusting';

  return (
    <section className="page" aria-labelledby="server-title">
      <ChecksBanner serverId={id} />
      <header className="page-header">
        <div className="page-title">
          <h1 id="server-title">{server.name}</h1>
          <p className="subtitle mono">
            {describeConnection(server)} · {describeTransport(server)}
          </p>
        </div>
        <div className="page-actions">
          <button type="button" className="button-primary" onClick={() => void testServer(id)} disabled={busy} aria-busy={busy}>
            {busy ? 'Testing…' : 'Test connection'}
          </button>
          <button type="button" onClick={() => navigate({ page: 'edit-server', id })} disabled={readOnly}>
            Edit
          </button>
          <button type="button" className="button-danger-quiet" onClick={() => setConfirming(true)} disabled={readOnly || deleting}>
            Delete…
          </button>
        </div>
      </header>

      <BackupHeader server={server} />
      {deleteError && <ErrorMessage error={deleteError} title="The server was not deleted" onDismiss={() => setDeleteError(null)} />}
      <ConnectionTestPanel server={server} />
      <ChecksPanel serverId={id} />
      <HistoryPanel serverId={id} />
      <ServerFacts server={server} />

      {confirming && (
        <ServerDeleteDialog
          server={server}
          onClose={(error) => {
            setConfirming(false);
            setDeleteError(error);
          }}
        />
      )}
    </section>
  );
}
