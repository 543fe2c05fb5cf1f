import { chmod, copyFile, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { BackupRecord } from '../../../shared/models/backup';
import { TidemarkError } from '../errors';
import { backupDataDir, DATA_DIR, readBackup, readRecordFile } from './catalog';
import { mapFsError } from './fs-errors';

export interface RestoreOptions {
  /** New locations by tablespace OID (absolute paths); the others go under the target. */
  readonly tablespaces?: Readonly<Record<string, string>>;
}

export interface RestoreResult {
  readonly backupId: string;
  readonly dataDir: string;
  readonly tablespaces: readonly { readonly oid: string; readonly path: string }[];
  readonly files: number;
  readonly bytes: number;
  /** What to do next, for a DBA (printed by the CLI). */
  readonly summary: string;
}

const COPY_CONCURRENCY = 8;
/** Default home of restored tablespaces, inside the target directory. */
export const RESTORED_TABLESPACES_DIR = 'tablespaces';

/**
 * Materialises a ready-to-start data directory from a DONE backup: its files, backup_label, the
 * WAL in pg_wal, tablespaces relocated (tablespace_map rewritten, links made), mode 0700, and no
 * signal file, so it starts as a primary once recovery reaches the end of the backup.
 */
export async function restoreBackup(recordPath: string, targetDir: string, opts?: RestoreOptions): Promise<RestoreResult>;
export async function restoreBackup(root: string, serverId: string, backupId: string, targetDir: string, opts?: RestoreOptions): Promise<RestoreResult>;
export async function restoreBackup(...args: unknown[]): Promise<RestoreResult> {
  let record: BackupRecord;
  let source: string;
  let targetDir: string;
  let opts: RestoreOptions;
  if (typeof args[2] === 'string' && typeof args[3] === 'string') {
    const [root, serverId, backupId] = args as string[];
    record = await readBackup(root, serverId, backupId);
    source = backupDataDir(root, serverId, backupId);
    targetDir = args[3];
    opts = (args[4] as RestoreOptions | undefined) ?? {};
  } else {
    const path = args[0] as string;
    const recordFile = path.endsWith('.json') ? path : join(path, 'backup.json');
    const r = await readRecordFile(recordFile);
    if (!r) throw new TidemarkError('NOT_FOUND', `No backup record at ${recordFile}`);
    record = r;
    source = join(recordFile, '..', DATA_DIR);
    targetDir = args[1] as string;
    opts = (args[2] as RestoreOptions | undefined) ?? {};
  }
  if (record.status !== 'DONE') {
    throw new TidemarkError('VALIDATION', `Backup ${record.id} is ${record.status}: only a complete (DONE) backup can be restored`, {
      hint: 'Choose a backup whose status is DONE (tidemark list <server>).',
    });
  }
  const target = resolve(targetDir);
  await requireEmpty(target, 'target');
  const spaces = record.tablespaces.map((t) => {
    const given = opts.tablespaces?.[t.oid];
    if (given !== undefined && !isAbsolute(given)) {
      throw new TidemarkError('VALIDATION', `The new location of tablespace ${t.oid} must be an absolute path: ${given}`, { field: 'tablespaces' });
    }
    return { oid: t.oid, path: given ?? join(target, RESTORED_TABLESPACES_DIR, t.oid) };
  });
  for (const s of spaces) await requireEmpty(s.path, `tablespace ${s.oid}`);
  const unknown = Object.keys(opts.tablespaces ?? {}).filter((oid) => !spaces.some((s) => s.oid === oid));
  if (unknown.length) throw new TidemarkError('VALIDATION', `Backup ${record.id} has no tablespace ${unknown.join(', ')}`, { field: 'tablespaces' });

  let files = 0;
  let bytes = 0;
  const jobs: { from: string; to: string }[] = [];
  const dirs: string[] = [target];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(source, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const dest = destinationOf(r, target, spaces);
      if (dest === null) continue;
      if (e.isDirectory()) {
        dirs.push(dest);
        await walk(r);
      } else if (e.isFile()) jobs.push({ from: join(source, r), to: dest });
    }
  };
  try {
    await walk('');
    for (const d of dirs) await mkdir(d, { recursive: true, mode: 0o700 });
    let next = 0;
    await Promise.all(
      Array.from({ length: COPY_CONCURRENCY }, async () => {
        while (next < jobs.length) {
          const j = jobs[next++];
          await copyFile(j.from, j.to);
          bytes += (await stat(j.to)).size;
          files++;
        }
      }),
    );
    if (spaces.length) {
      // PostgreSQL recreates pg_tblspc/<oid> from tablespace_map at start-up; the links also
      // let tools that read them (and a start without the map) find the relocated tablespaces.
      await writeFile(join(target, 'tablespace_map'), spaces.map((s) => `${s.oid} ${s.path}\n`).join(''), { mode: 0o600 });
      await mkdir(join(target, 'pg_tblspc'), { recursive: true, mode: 0o700 });
      for (const s of spaces) await symlink(s.path, join(target, 'pg_tblspc', s.oid));
    }
    await chmod(target, 0o700);
  } catch (e) {
    throw mapFsError(e, target);
  }
  const lines = [
    `Restored backup ${record.id} of ${record.serverName} (PostgreSQL ${record.pgVersion}) into ${target}: ${files} files.`,
    ...spaces.map((s) => `Tablespace ${s.oid} → ${s.path}`),
    'It starts as a primary: recovery replays the WAL in pg_wal up to the end of the backup.',
    `The data directory must belong to the OS user that runs PostgreSQL (chown -R postgres: ${target}${spaces.length ? ' and the tablespace folders' : ''}).`,
    `To make it a standby instead, before starting it: touch ${join(target, 'standby.signal')} and set primary_conninfo (in postgresql.auto.conf).`,
  ];
  return { backupId: record.id, dataDir: target, tablespaces: spaces, files, bytes, summary: lines.join('\n') };
}

/** Where a file of the backup's data folder goes; null for what a restore leaves out. */
function destinationOf(rel: string, target: string, spaces: readonly { oid: string; path: string }[]): string | null {
  if (rel === 'backup_manifest' || rel === 'tablespace_map') return null;
  const m = /^pg_tblspc\/([^/]+)(?:\/(.*))?$/.exec(rel);
  if (m) {
    const space = spaces.find((s) => s.oid === m[1]);
    if (!space) return join(target, rel);
    return m[2] === undefined ? space.path : join(space.path, m[2]);
  }
  return join(target, rel);
}

async function requireEmpty(dir: string, what: string): Promise<void> {
  try {
    const entries = await readdir(dir);
    if (entries.length > 0) {
      throw new TidemarkError('VALIDATION', `The ${what} directory ${dir} is not empty`, {
        field: what === 'target' ? 'target' : 'tablespaces',
        hint: 'Restore into a new or empty directory: Tidemark never overwrites files.',
      });
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new TidemarkError('VALIDATION', `The ${what} ${dir} is a file, not a directory`, { field: 'target' });
    }
    throw e;
  }
}

