import { failed, majorOf, ok, type Check } from './check';

/** Temporary replication slots (PG 10) keep a backup's WAL; older servers cannot be backed up safely. */
export const MIN_VERSION_NUM = 100000;

export const postgresqlCheck: Check = {
  id: 'postgresql',
  title: 'PostgreSQL',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const error = await ctx.pgError();
    if (error) return failed(error.message, error.hint);
    const { rows } = await (await ctx.pg()).query<{ user: string; db: string }>(
      'SELECT current_user AS user, current_database() AS db',
    );
    const { server } = ctx;
    return ok(`Connected to ${server.host}:${server.port} as ${rows[0].user}, database ${rows[0].db}.`);
  },
};

export const versionCheck: Check = {
  id: 'version',
  title: 'PostgreSQL version',
  critical: true,
  timeoutMs: 3000,
  needs: ['pg'],
  async run(ctx) {
    const { version, versionNum } = await ctx.facts();
    const min = majorOf(MIN_VERSION_NUM);
    if (versionNum < MIN_VERSION_NUM) {
      return failed(
        `PostgreSQL ${version} is not supported: Tidemark needs PostgreSQL ${min} or later.`,
        `PostgreSQL ${majorOf(versionNum)} has no temporary replication slots, which keep a backup's WAL from being recycled. Upgrade the server to PostgreSQL ${min} or later.`,
      );
    }
    return ok(`PostgreSQL ${version} (supported: ${min} and later).`);
  },
};
