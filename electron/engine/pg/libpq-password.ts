import pgpass from 'pgpass';
import type { PgTarget } from './session';

/**
 * The password libpq would use when none is stored: $PGPASSWORD, then the first matching line
 * of $PGPASSFILE or ~/.pgpass (ignored unless mode 0600 or stricter, as libpq does).
 * pg only reads ~/.pgpass through a path deprecated for pg@9, so Tidemark looks it up itself.
 */
export function libpqPassword(target: Pick<PgTarget, 'host' | 'port' | 'user' | 'database'>): Promise<string | undefined> {
  const env = process.env.PGPASSWORD;
  if (env !== undefined) return Promise.resolve(env);
  // libpq matches a Unix-socket connection against `localhost` lines.
  const host = target.host.startsWith('/') ? 'localhost' : target.host;
  return new Promise((resolve) =>
    pgpass({ host, port: target.port, database: target.database, user: target.user }, resolve),
  );
}
