import type { BackupStatus } from '../../../shared/models/backup';

const TONE: Readonly<Record<BackupStatus, string>> = {
  DONE: 'ok',
  FAILED: 'danger',
  CANCELLED: 'warning',
  STARTED: 'accent',
  COPYING: 'accent',
  FINALIZING: 'accent',
};

export function StatusBadge({ status }: { readonly status: BackupStatus }) {
  return <span className={`badge badge-${TONE[status]} badge-status`}>{status}</span>;
}
