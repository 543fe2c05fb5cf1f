import { existsSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LocalCluster } from './local-cluster';
import { runCommand } from './run-command';
import { writeServerFile, type ServerUser } from './server-user';

/**
 * Seeds a standby by copying its primary's files while the primary is stopped: no client tool
 * needed (Debian's pg_basebackup 15 refuses PostgreSQL 17). Tablespaces are copied to their new
 * homes and the pg_tblspc links re-pointed. The primary is started again, whatever happens.
 */
export async function copyAsStandby(
  primary: LocalCluster,
  standby: LocalCluster,
  opts: { readonly user: ServerUser; readonly relocate: (oid: string, target: string) => string },
): Promise<void> {
  const asUser = opts.user.runAs;
  await primary.stop('fast');
  try {
    rmSync(standby.pgdata, { recursive: true, force: true });
    await runCommand('cp', ['-a', primary.pgdata, standby.pgdata], { asUser, timeoutMs: 600_000 });
    for (const { oid, target } of tablespaceLinks(standby.pgdata)) {
      const moved = opts.relocate(oid, target);
      rmSync(moved, { recursive: true, force: true });
      await runCommand('cp', ['-a', target, moved], { asUser, timeoutMs: 600_000 });
      await runCommand('ln', ['-sfn', moved, join(standby.pgdata, 'pg_tblspc', oid)], { asUser });
    }
    for (const f of ['postmaster.pid', 'postmaster.opts']) rmSync(join(standby.pgdata, f), { force: true });
    writeServerFile(opts.user, join(standby.pgdata, 'standby.signal'), '');
  } finally {
    await primary.start();
  }
}

/** The pg_tblspc/<oid> symlinks of a data directory and where they point. */
export function tablespaceLinks(pgdata: string): { oid: string; target: string }[] {
  const dir = join(pgdata, 'pg_tblspc');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((oid) => ({ oid, target: resolve(dir, readlinkSync(join(dir, oid))) }));
}
