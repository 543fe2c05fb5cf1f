import { TidemarkError } from '../errors';
import type { Transport } from '../transport/transport';

/**
 * Once a remote read (tar of files, dd of a byte range) has exited, throws if it did not finish:
 * an error already worded for the DBA as it is, a dropped connection (no exit status) as
 * SSH_CONNECT, anything else that broke the stream (`cause`) as a failed read of `what`.
 */
export function throwIfReadFailed(transport: Transport, exitCode: number | null, cause: unknown, what: string): asserts exitCode is number {
  if (cause instanceof TidemarkError) throw cause;
  if (exitCode === null) {
    throw new TidemarkError('SSH_CONNECT', `The connection to the database host (${transport.description}) was lost during the copy`, {
      ...(cause !== undefined && { cause }),
      hint: 'Check the network and the SSH server, then start the backup again.',
    });
  }
  if (cause === undefined) return;
  const detail = cause instanceof Error ? cause.message : String(cause);
  throw new TidemarkError('BACKUP_FAILED', `Reading ${what} from ${transport.description} failed: ${detail}`, { cause });
}

/** A file of the data directory the SSH user may not read; `detail` is the remote tool's message. */
export const unreadableFile = (detail: string): TidemarkError =>
  new TidemarkError('IO', `A file of the data directory is not readable: ${detail}`, {
    hint: "The SSH user must be able to read every file of the data directory: connect as the user that runs PostgreSQL (usually postgres), or fix the file's owner and mode.",
  });
