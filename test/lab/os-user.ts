import { chmodSync, chownSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { exec } from './exec';

/** The OS account every lab server runs as (PostgreSQL refuses root). */
export const labOsUser = 'postgres';

let cachedIds: { uid: number; gid: number } | undefined;

export function postgresIds(): { uid: number; gid: number } {
  if (!cachedIds) {
    const uid = Number(execFileSync('id', ['-u', labOsUser], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', labOsUser], { encoding: 'utf8' }).trim());
    cachedIds = { uid, gid };
  }
  return cachedIds;
}

/** mkdir -p, then hand the leaf to postgres with the given mode. */
export function makePostgresDir(path: string, mode = 0o700): string {
  mkdirSync(path, { recursive: true });
  const { uid, gid } = postgresIds();
  chownSync(path, uid, gid);
  chmodSync(path, mode);
  return path;
}

export function writePostgresFile(path: string, content: string, mode = 0o600): void {
  writeFileSync(path, content, { mode });
  const { uid, gid } = postgresIds();
  chownSync(path, uid, gid);
  chmodSync(path, mode);
}

export async function chownTreeToPostgres(path: string): Promise<void> {
  await exec('chown', ['-R', `${labOsUser}:${labOsUser}`, path]);
}

/**
 * postgres must be able to walk down to a data directory. mkdtemp makes 0700 root-owned dirs
 * under /tmp, so grant search (never read) on those; anywhere else refuse with a clear message
 * rather than loosen permissions on the tester's own folders.
 */
export function ensureTraversable(path: string): void {
  const { uid } = postgresIds();
  let dir = dirname(resolve(path));
  while (dir !== '/') {
    const stat = statSync(dir);
    const searchable = stat.uid === uid ? (stat.mode & 0o100) !== 0 : (stat.mode & 0o001) !== 0;
    if (!searchable) {
      if (dir.startsWith('/tmp/')) chmodSync(dir, (stat.mode & 0o7777) | 0o001);
      else throw new Error(`${dir} is not searchable by the ${labOsUser} OS user; put lab data under /tmp`);
    }
    dir = dirname(dir);
  }
}
