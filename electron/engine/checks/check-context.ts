import type pg from 'pg';
import type { BackupRecord } from '../../../shared/models/backup';
import type { BackupMode, ServerConfig } from '../../../shared/models/server';
import type { AppSettings } from '../../../shared/models/settings';
import { listBackups } from '../backup/catalog';
import { TidemarkError } from '../errors';
import { openPgSession, pgTargetFor } from '../pg/session';
import { queryServerFacts, type ServerFactsSnapshot } from '../pg/server-facts';
import type { SecretStore } from '../secrets/secret-store';
import { openTransport } from '../transport/open-transport';
import type { Transport } from '../transport/transport';
import { sqlIdent, Unavailable, type CheckContext, type RunningJob, type SqlSession } from './check';

export interface CheckContextInput {
  readonly server: ServerConfig;
  readonly settings: AppSettings;
  readonly mode: BackupMode;
  readonly runningJob: RunningJob | undefined;
  readonly secrets: SecretStore;
  /** Bounds opening the session and the transport (both at once, in parallel). */
  readonly connectTimeoutMs: number;
  /** Caps every statement of the shared session, so one stuck query cannot hold the others. */
  readonly statementTimeoutMs: number;
}

export interface OpenCheckContext extends CheckContext {
  close(): Promise<void>;
}

const CLOSE_BOUND_MS = 1500;

/** Starts opening the session and the transport at once; checks await what they need. */
export function openCheckContext(input: CheckContextInput): OpenCheckContext {
  const { server, settings } = input;

  const pgOpening = settle(
    (async () => {
      const client = await openPgSession(await pgTargetFor(server, input.secrets), {
        connectTimeoutMs: input.connectTimeoutMs,
        applicationName: 'tidemark checks',
      });
      try {
        await client.query(`SET statement_timeout = ${Math.round(input.statementTimeoutMs)}`);
      } catch (e) {
        await endClient(client);
        throw e;
      }
      return client;
    })(),
  );
  const transportOpening = settle(openTransport(server, input.secrets, { timeoutMs: input.connectTimeoutMs }));

  const pg = async (): Promise<QueuedSession> => {
    const r = await pgOpening;
    if (r.ok) return serialized(r.value);
    throw new Unavailable(`PostgreSQL is not reachable: ${r.error.message}`, r.error.hint, r.error.code);
  };
  const transport = async (): Promise<Transport> => {
    const r = await transportOpening;
    if (r.ok) return r.value;
    throw new Unavailable(`The database host's files are not reachable: ${r.error.message}`, r.error.hint, r.error.code);
  };

  const facts = once(async (): Promise<ServerFactsSnapshot> => {
    const session = await pg();
    try {
      return await session.exclusive(queryServerFacts);
    } catch (e) {
      throw new Unavailable(`Could not read the server's version, role and identity: ${errorMessage(e)}`);
    }
  });

  const pgdata = once(async (): Promise<string> => {
    if (server.pgdata) return server.pgdata;
    let live: string | null = null;
    try {
      live = (await facts()).dataDirectory;
    } catch {
      // PostgreSQL is down: the last known data directory still lets us look at its files.
    }
    const known = live ?? server.facts?.dataDirectory;
    if (known) return known;
    throw new Unavailable(
      'The data directory (PGDATA) is unknown: it is not set for this server and the role may not read data_directory.',
      `Set the data directory in the server's settings, or GRANT pg_read_all_settings TO ${sqlIdent(server.user)};`,
    );
  });

  const backups = once(async (): Promise<readonly BackupRecord[]> => {
    try {
      return [...(await listBackups(settings.backupRoot, server.id))].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    } catch (e) {
      throw new Unavailable(`Could not read the backup catalog in ${settings.backupRoot}: ${errorMessage(e)}`);
    }
  });

  return {
    server,
    settings,
    mode: input.mode,
    runningJob: input.runningJob,
    pg,
    transport,
    pgError: async () => {
      const r = await pgOpening;
      return r.ok ? undefined : r.error;
    },
    transportError: async () => {
      const r = await transportOpening;
      return r.ok ? undefined : r.error;
    },
    facts,
    pgdata,
    backups,
    async close() {
      const [p, t] = await Promise.all([pgOpening, transportOpening]);
      await Promise.all([p.ok ? endClient(p.value) : undefined, t.ok ? bounded(t.value.close()) : undefined]);
    },
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: TidemarkError };

function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (e: unknown) => ({
      ok: false as const,
      error: e instanceof TidemarkError ? e : new TidemarkError('INTERNAL', errorMessage(e), { cause: e }),
    }),
  );
}

/** A session whose statements queue up; `exclusive` runs a multi-statement helper in one turn. */
interface QueuedSession extends SqlSession {
  exclusive<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
}

const queues = new WeakMap<pg.Client, QueuedSession>();

/** Queues the statements of parallel checks on one client, one at a time. */
export function serialized(client: pg.Client): QueuedSession {
  let session = queues.get(client);
  if (!session) {
    let tail: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
      const run = tail.then(() => fn(client));
      tail = run.catch(() => undefined);
      return run;
    };
    session = {
      exclusive,
      query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => exclusive((c) => c.query<R>(text, values)),
    };
    queues.set(client, session);
  }
  return session;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

async function endClient(client: pg.Client): Promise<void> {
  const ended = await bounded(client.end().then(() => true, () => true));
  if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Resolves true if `p` settles within the bound, false otherwise; never rejects. */
function bounded(p: Promise<unknown>, ms = CLOSE_BOUND_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(() => true, () => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
