import { constants as fsc } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupRecord } from '../../../shared/models/backup';
import { TidemarkError } from '../errors';

/**
 * The catalog on disk: <root>/<serverId>/<backupId>/ holding backup.json (the record),
 * backup.log (the job's log) and data/ (the data directory copy with its backup_manifest).
 */
export const RECORD_FILE = 'backup.json';
export const LOG_FILE = 'backup.log';
export const DATA_DIR = 'data';

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkId(what: string, id: string): void {
  if (!SAFE_ID.test(id)) throw new TidemarkError('VALIDATION', `Not a valid ${what}: ${JSON.stringify(id)}`, { field: what });
}

export function serverDir(root: string, serverId: string): string {
  checkId('serverId', serverId);
  return join(root, serverId);
}

export function backupDir(root: string, serverId: string, backupId: string): string {
  checkId('backupId', backupId);
  return join(serverDir(root, serverId), backupId);
}

export function backupDataDir(root: string, serverId: string, backupId: string): string {
  return join(backupDir(root, serverId, backupId), DATA_DIR);
}

/** Every backup of a server that has a readable record, newest first (ids sort by time). */
export async function listBackups(root: string, serverId: string): Promise<BackupRecord[]> {
  let names: string[];
  try {
    names = await readdir(serverDir(root, serverId));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const records: BackupRecord[] = [];
  for (const name of names.sort().reverse()) {
    if (!SAFE_ID.test(name)) continue;
    const r = await readRecordFile(join(root, serverId, name, RECORD_FILE));
    if (r) records.push(r);
  }
  return records;
}

/** One record; NOT_FOUND when the backup folder or its record is missing. */
export async function readBackup(root: string, serverId: string, backupId: string): Promise<BackupRecord> {
  const r = await readRecordFile(join(backupDir(root, serverId, backupId), RECORD_FILE));
  if (!r) throw new TidemarkError('NOT_FOUND', `No backup ${backupId} for this server in ${root}`);
  return r;
}

/** Reads a backup.json by path (a catalog path given on a command line, for instance). */
export async function readRecordFile(path: string): Promise<BackupRecord | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as BackupRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return null;
    throw e;
  }
}

/** Writes backup.json so that a crash leaves either the old or the new record, never half of one. */
export async function writeBackupRecord(root: string, record: BackupRecord): Promise<void> {
  const dir = backupDir(root, record.serverId, record.id);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(join(path, '..'));
}

export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, fsc.O_RDONLY | (fsc.O_DIRECTORY ?? 0));
    await fh.sync();
  } catch (e) {
    // Some platforms (and file systems) cannot fsync a directory; the rename is then as durable as it gets.
    if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await fh?.close();
  }
}

export async function removeBackupDir(root: string, serverId: string, backupId: string): Promise<void> {
  await rm(backupDir(root, serverId, backupId), { recursive: true, force: true });
}
