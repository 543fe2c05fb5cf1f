import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { BackupHeader } from '../backup/backup-header';
import { ErrorMessage } from '../../components/error-message';
import type { AppError } from '../../../shared/result';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { ConnectionTestPanel } from './connection-test';
import { describeConnection, describeTransport } from './server-describe';
import { ServerFacts } from './server-facts';
import { selectServer, selectTest } from './servers-slice';

/**
 * One server: its connection, what the last test learned, and (issue 5) the backup header with
 * the mode toggle, live job progress, the checks panel and the history, each from its feature.
 */
export function ServerPage({ id }: { readonly id: string }) {
  const server = useAppStore(selectServer(id));
  const test = useAppStore(selectTest(id));
  const readOnly = useAppStore(selectReadOnly);
  const deleting = useAppStore((s) => s.deleting === id);
  const testServer = useAppStore((s) => s.testServer);
  const deleteServer = useAppStore((s) => s.deleteServer);
  const navigate = useAppStore((s) => s.navigate);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<AppError | null>(null);

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
      <ServerFacts server={server} />
      {/* Issue 5 spots: features/checks (checks panel) and features/history (backups) render here. */}

      {confirming && (
        <ConfirmDialog
          title={`Delete ${server.name}?`}
          confirmLabel="Delete server"
          pendingLabel="Deleting…"
          pending={deleting}
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            const r = await deleteServer(id);
            setConfirming(false);
            if (!r.ok) setDeleteError(r.error);
          }}
        >
          <p>
            Tidemark forgets <strong>{server.name}</strong> ({describeConnection(server)}) and its stored secrets. Backups already in
            the catalog stay on disk.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
