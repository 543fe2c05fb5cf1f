import pg from 'pg';
import type { ServerConfig, SslMode } from '../../../shared/models/server';
import { TidemarkError } from '../errors';
import type { SecretStore } from '../secrets/secret-store';
import { libpqPassword } from './libpq-password';
import { mapPgError } from './pg-errors';

export { mapPgError } from './pg-errors';

/** Where and as whom to connect. No password means libpq's conventions: PGPASSWORD, ~/.pgpass. */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly sslMode: SslMode;
  readonly password?: string;
}

export interface PgSessionOptions {
  /** Bounds TCP connect, TLS, authentication and session set-up together. Default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly applicationName?: string;
  /**
   * A session that holds a backup open for as long as the copy takes: the server's timeouts
   * would otherwise kill it (and, for a non-exclusive backup, abort the backup with it).
   */
  readonly backup?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// Dead peers (a laptop going to sleep, a NAT dropping state) are noticed in about a minute.
const KEEPALIVE_IDLE_MS = 30_000;

export async function pgTargetFor(server: ServerConfig, secrets: SecretStore): Promise<PgTarget> {
  const password = await secrets.get(server.id, 'password');
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
    sslMode: server.sslMode,
    ...(password !== undefined && { password }),
  };
}

/**
 * A connected client. Throws a TidemarkError (PG_CONNECT, PG_AUTH, TIMEOUT, …) that a DBA can act
 * on. With sslMode `prefer`, TLS is tried first and plain TCP only if the server has no TLS.
 */
export async function openPgSession(target: PgTarget, opts: PgSessionOptions = {}): Promise<pg.Client> {
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const attempts: boolean[] =
    target.sslMode === 'disable' ? [false] : target.sslMode === 'require' ? [true] : [true, false];
  let lastError: unknown;
  for (const tls of attempts) {
    try {
      return await connectOnce(target, opts, tls, deadline, timeoutMs);
    } catch (e) {
      lastError = e;
      const serverHasNoTls = e instanceof Error && /does not support SSL/i.test(e.message);
      if (!(tls && serverHasNoTls && target.sslMode === 'prefer')) break;
    }
  }
  throw mapPgError(lastError, target);
}

async function connectOnce(
  target: PgTarget,
  opts: PgSessionOptions,
  tls: boolean,
  deadline: number,
  timeoutMs: number,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // A function, so pg never falls back to its own (deprecated) ~/.pgpass reading.
    // Returning undefined lets pg proceed without one (the server may not ask); pg's types omit that.
    password: (async () => target.password ?? (await libpqPassword(target))) as () => Promise<string>,
    // libpq's `prefer` and `require` encrypt without verifying the certificate.
    ssl: tls ? { rejectUnauthorized: false } : false,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    application_name: opts.applicationName ?? 'tidemark',
  });
  // Until connect settles, errors reach us through its promise; afterwards a dropped
  // connection must not crash the process: callers see it on their next query.
  client.on('error', () => {});

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      destroySocket(client);
      reject(
        new TidemarkError('TIMEOUT', `No answer from PostgreSQL at ${target.host}:${target.port} within ${formatMs(timeoutMs)}`, {
          hint: 'The port accepts connections but nothing answers like PostgreSQL. Check the host and port, and any proxy or firewall in between.',
        }),
      );
    }, Math.max(deadline - Date.now(), 0));
  });
  const connecting = client.connect();
  connecting.catch(() => {}); // it may lose the race and reject later
  try {
    await Promise.race([connecting, timeout]);
    if (opts.backup) await Promise.race([disableSessionTimeouts(client), timeout]);
    return client;
  } catch (e) {
    destroySocket(client);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** statement_timeout and friends set in postgresql.conf or on the role would end a long backup. */
async function disableSessionTimeouts(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
  const settings = ['statement_timeout', 'idle_in_transaction_session_timeout', 'lock_timeout'];
  if (rows[0].v >= 140000) settings.push('idle_session_timeout');
  await client.query(settings.map((s) => `SET ${s} = 0`).join('; '));
}

/**
 * Ends a session politely, or cuts it when the server does not confirm in time (a query still
 * running, a dead peer): pg's end() would wait for ever.
 */
export async function closePgSession(client: pg.Client, graceMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        destroySocket(client);
        resolve();
      }, graceMs);
    }),
  ]);
  clearTimeout(timer);
}

function destroySocket(client: pg.Client): void {
  // pg exposes no way to abort a connect in progress; its socket is the only handle.
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection;
  connection?.stream?.destroy();
}

const formatMs = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);
