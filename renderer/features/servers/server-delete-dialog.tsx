import type { ServerView } from '../../../shared/models/server';
import type { AppError } from '../../../shared/result';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useAppStore } from '../../store';
import { describeConnection } from './server-describe';

/** "Delete this server?" — from the server page and from the sidebar. `onClose` gets the engine's refusal, if any. */
export function ServerDeleteDialog({ server, onClose }: { readonly server: ServerView; readonly onClose: (error: AppError | null) => void }) {
  const deleting = useAppStore((s) => s.deleting === server.id);
  const deleteServer = useAppStore((s) => s.deleteServer);
  return (
    <ConfirmDialog
      title={`Delete ${server.name}?`}
      confirmLabel="Delete server"
      pendingLabel="Deleting…"
      pending={deleting}
      danger
      onCancel={() => onClose(null)}
      onConfirm={async () => {
        const r = await deleteServer(server.id);
        onClose(r.ok ? null : r.error);
      }}
    >
      <p>
        Tidemark forgets <strong>{server.name}</strong> ({describeConnection(server)}) and its stored secrets. Backups already in the
        catalog stay on disk.
      </p>
    </ConfirmDialog>
  );
}
