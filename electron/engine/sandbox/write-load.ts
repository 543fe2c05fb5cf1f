import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type pg from 'pg';
import type { LocalCluster } from './local-cluster';

/** A light, steady stream of pgbench transactions, so backups have WAL to collect. */
export interface WriteLoad {
  readonly description: string;
  stop(): Promise<void>;
  /** For 'exit' handlers. */
  stopSync(): void;
}

/** pgbench from PATH, else the newest Debian/Ubuntu one; undefined when there is none. */
export function findPgbench(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, 'pgbench'))) return join(dir, 'pgbench');
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, 'bin', 'pgbench')).find((p) => existsSync(p));
}

/** `rate` transactions a second on the pgbench tables: with pgbench when installed, else from here. */
export function startWriteLoad(cluster: LocalCluster, opts: { readonly rate: number; readonly logFile: string; readonly pgbench?: string }): WriteLoad {
  const pgbench = opts.pgbench ?? findPgbench();
  return pgbench ? pgbenchLoad(cluster, pgbench, opts.rate, opts.logFile) : sqlLoad(cluster, opts.rate);
}

function pgbenchLoad(cluster: LocalCluster, pgbench: string, rate: number, logFile: string): WriteLoad {
  const log = openSync(logFile, 'a');
  const args = ['-n', '-c', '1', '-j', '1', '-R', String(rate), '-T', '2000000', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', 'postgres'];
  const child = spawn(pgbench, args, { stdio: ['ignore', log, log], env: { ...process.env, PGAPPNAME: 'tidemark-sandbox-load' } });
  closeSync(log);
  child.on('error', () => {});
  const done = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return {
    description: `pgbench at ${rate} transactions/s on ${cluster.name} (log: ${logFile})`,
    async stop() {
      if (alive()) child.kill('SIGINT');
      await done;
    },
    stopSync() {
      if (alive()) child.kill('SIGKILL');
    },
  };
}

/** pgbench's TPC-B-like transaction, so its ledger invariant keeps holding. */
function sqlLoad(cluster: LocalCluster, rate: number): WriteLoad {
  let stopped = false;
  let client: pg.Client | undefined;
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const loop = (async () => {
    while (!stopped) {
      try {
        client ??= await cluster.connect();
        const scale = Number((await client.query('SELECT count(*) AS n FROM pgbench_branches')).rows[0].n) || 1;
        while (!stopped) {
          await transaction(client, scale);
          await pause(1000 / rate);
        }
      } catch {
        await client?.end().catch(() => {});
        client = undefined;
        if (!stopped) await pause(1000);
      }
    }
    await client?.end().catch(() => {});
  })();
  return {
    description: `${rate} pgbench-style transactions/s on ${cluster.name} (pgbench is not installed)`,
    async stop() {
      stopped = true;
      await loop;
    },
    stopSync() {
      stopped = true;
    },
  };
}

async function transaction(client: pg.Client, scale: number): Promise<void> {
  const pick = (n: number): number => 1 + Math.floor(Math.random() * n);
  const aid = pick(100_000 * scale);
  const tid = pick(10 * scale);
  const bid = pick(scale);
  const delta = pick(10_001) - 5_001;
  await client.query('BEGIN');
  try {
    await client.query('UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2', [delta, aid]);
    await client.query('UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2', [delta, tid]);
    await client.query('UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2', [delta, bid]);
    await client.query('INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)', [tid, bid, aid, delta]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}
