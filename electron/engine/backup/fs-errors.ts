import { TidemarkError } from '../errors';

/** A local file system error as something a DBA can act on. */
export function mapFsError(e: unknown, path: string): TidemarkError {
  if (e instanceof TidemarkError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new TidemarkError('DISK_FULL', `The backup destination is full: could not write ${path}`, {
      cause: e,
      hint: 'Free some space on the disk that holds the backup root (or delete old backups), or choose another backup root in Settings.',
    });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new TidemarkError('IO', `Cannot write to the backup destination: ${path} (${code})`, {
      cause: e,
      hint: 'Check that the backup root is writable by the user running Tidemark.',
    });
  }
  return new TidemarkError('IO', `Writing ${path} failed: ${message}`, { cause: e });
}
