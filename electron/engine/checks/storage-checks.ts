import { randomBytes } from 'node:crypto';
import { rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { serverDir } from '../backup/catalog';
import { failed, formatBytes, ok, Unavailable, warning, type Check, type CheckContext } from './check';
import { errorMessage } from './check-context';
import { duBytes } from './remote-probes';

/** The deepest folder of `path` that exists (the backup root may not be created yet). */
async function nearestExisting(path: string): Promise<string> {
  let p = resolve(path);
  for (;;) {
    try {
      await stat(p);
      return p;
    } catch (e) {
      const parent = dirname(p);
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === p) return p;
      p = parent;
    }
  }
}

const whoAmI = (): string => {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
};

export const backupRootCheck: Check = {
  id: 'backup-root',
  title: 'Backup root writable',
  critical: true,
  timeoutMs: 3000,
  needs: [],
  async run(ctx) {
    const root = ctx.settings.backupRoot;
    const target = serverDir(root, ctx.server.id);
    const existing = await nearestExisting(target);
    const probe = join(existing, `.tidemark-check-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await writeFile(probe, 'tidemark write test\n', { flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why =
        code === 'EACCES' || code === 'EPERM'
          ? `is not writable by ${whoAmI()}`
          : code === 'EROFS'
            ? 'is on a read-only file system'
            : code === 'ENOTDIR'
              ? 'is not a directory'
              : code === 'ENOSPC'
                ? 'is on a full file system'
                : `cannot be written (${errorMessage(e)})`;
      return failed(`${existing} ${why}.`, 'Choose another backup root in the settings, or fix that folder\'s ownership and permissions.');
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
    return ok(existing === target ? `${target} is writable.` : `${existing} is writable; Tidemark creates ${target} at the first backup.`);
  },
};

/** The cluster's size, from the cheapest source the role may use. */
async function estimateClusterBytes(ctx: CheckContext): Promise<{ bytes: number; how: string }> {
  const reasons: string[] = [];
  try {
    const client = await ctx.pg();
    for (const [sql, how] of [
      ['SELECT sum(pg_tablespace_size(oid))::bigint::text AS n FROM pg_tablespace', 'sum of tablespace sizes'],
      ['SELECT sum(pg_database_size(oid))::bigint::text AS n FROM pg_database', 'sum of database sizes'],
    ] as const) {
      try {
        const { rows } = await client.query<{ n: string | null }>(sql);
        if (rows[0].n !== null) return { bytes: Number(rows[0].n), how };
      } catch (e) {
        reasons.push(errorMessage(e));
      }
    }
  } catch (e) {
    if (!(e instanceof Unavailable)) throw e;
    reasons.push(e.reason);
  }
  try {
    const [transport, pgdata] = await Promise.all([ctx.transport(), ctx.pgdata()]);
    return { bytes: await duBytes(transport, pgdata, 2500), how: `du on ${transport.description}` };
  } catch (e) {
    reasons.push(e instanceof Unavailable ? e.reason : errorMessage(e));
  }
  throw new Unavailable(`Cannot estimate the cluster's size: ${reasons.join('; ')}`);
}

export const freeSpaceCheck: Check = {
  id: 'free-space',
  title: 'Free space in the backup root',
  critical: false,
  timeoutMs: 4000,
  needs: ['pg', 'transport'],
  async run(ctx) {
    const existing = await nearestExisting(ctx.settings.backupRoot);
    const fs = await statfs(existing);
    const free = Number(fs.bavail) * Number(fs.bsize);
    const { bytes, how } = await estimateClusterBytes(ctx);
    const facts = `${formatBytes(free)} free in ${existing}; the cluster is about ${formatBytes(bytes)} (${how}).`;
    if (free >= bytes) return ok(facts);
    return warning(
      `Not enough room for a full backup: ${facts}`,
      'Free some space or choose a backup root on a bigger disk. A backup also holds the WAL written while it runs, so leave some margin.',
    );
  },
};
