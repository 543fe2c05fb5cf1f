import type { BackupMode } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import { shellQuote, type Transport } from '../transport/transport';
import { isIncluded } from './exclusions';

export interface RemoteFile {
  /** Relative to the data directory; tablespaces appear under pg_tblspc/<oid>/. */
  readonly path: string;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
}

export interface RemoteTablespace {
  readonly oid: string;
  readonly location: string;
}

export interface DataDirListing {
  readonly files: readonly RemoteFile[];
  /** Directories to create, parents first. */
  readonly dirs: readonly string[];
  readonly tablespaces: readonly RemoteTablespace[];
  readonly totalBytes: number;
}

/**
 * Lists the data directory on the database host with GNU find, following symlinks so that
 * tablespaces (pg_tblspc/<oid> → their location) are listed where a backup keeps them. Entries
 * are NUL-terminated, so no file name can break the parsing.
 */
export async function listDataDir(transport: Transport, pgdata: string, mode: BackupMode, signal?: AbortSignal): Promise<DataDirListing> {
  const q = shellQuote(pgdata);
  const command =
    `cd ${q} || exit 3; LC_ALL=C find -L . -mindepth 1 \\( -type f -o -type d \\) -printf '%y %s %T@ %P\\0'; ` +
    `printf '\\0'; LC_ALL=C find pg_tblspc -mindepth 1 -maxdepth 1 -type l -printf '%f\\t%l\\0' 2>/dev/null; exit 0`;
  const res = await transport.exec(command, { signal });
  if (res.code !== 0) {
    throw new TidemarkError('SSH_COMMAND', `Listing the data directory ${pgdata} on ${transport.description} failed: ${res.stderr.trim() || `exit ${res.code}`}`, {
      hint: 'Check the data directory path in the server settings and that the SSH user can read it.',
    });
  }
  const text = res.stdout.toString('utf8');
  const split = text.indexOf('\0\0');
  const listPart = split === -1 ? text : text.slice(0, split + 1);
  const tsPart = split === -1 ? '' : text.slice(split + 2);
  const files: RemoteFile[] = [];
  const dirs: string[] = [];
  let totalBytes = 0;
  for (const rec of listPart.split('\0')) {
    if (!rec) continue;
    const s1 = rec.indexOf(' ');
    const s2 = rec.indexOf(' ', s1 + 1);
    const s3 = rec.indexOf(' ', s2 + 1);
    const type = rec.slice(0, s1);
    const path = rec.slice(s3 + 1);
    if (type === 'd') {
      if (isIncluded(path, 'dir', mode)) dirs.push(path);
    } else if (type === 'f' && isIncluded(path, 'file', mode)) {
      const size = Number(rec.slice(s1 + 1, s2));
      files.push({ path, size, mtime: Math.floor(Number(rec.slice(s2 + 1, s3))) });
      totalBytes += size;
    }
  }
  if (!files.some((f) => f.path === 'PG_VERSION')) {
    throw new TidemarkError('VALIDATION', `${pgdata} on ${transport.description} is not a PostgreSQL data directory (no PG_VERSION)`, {
      field: 'pgdata',
      hint: 'Set the data directory as the database host sees it (SHOW data_directory).',
    });
  }
  const tablespaces = tsPart
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const tab = rec.indexOf('\t');
      return { oid: rec.slice(0, tab), location: rec.slice(tab + 1) };
    });
  return { files, dirs, tablespaces, totalBytes };
}
