import { spawn } from 'node:child_process';
import { exec } from './exec';
import { debianBin } from './pg-bin';
import type { LabCluster } from './cluster';
import { onProcessExit } from './process-exit';

export interface PgbenchInitOptions {
  readonly scale: number;
  readonly database?: string;
}

export interface PgbenchRunOptions {
  readonly clients: number;
  /** Runs until stop() when omitted. */
  readonly seconds?: number;
  readonly database?: string;
}

export interface PgbenchRun {
  /**
   * Interrupts pgbench (if still running) and waits for it; in-flight transactions roll back.
   * Rejects if pgbench had already failed by itself (no load ran, or it lost its server).
   */
  stop(): Promise<void>;
  /** Resolves when pgbench ends by itself or is stopped; carries its exit code and output. */
  readonly done: Promise<{ code: number | null; output: string }>;
}

/** `pgbench -i` with Debian's pgbench 15 (fine against 14 and 17); recreates the tables. */
export async function initPgbench(cluster: LabCluster, opts: PgbenchInitOptions): Promise<void> {
  await exec(debianBin('pgbench'), ['-i', '-q', '-s', String(opts.scale)], {
    env: cluster.clientEnv(opts.database ?? 'postgres'),
    timeoutMs: 600_000,
  });
}

/** Starts a TPC-B-like load in the background. */
export function runPgbench(cluster: LabCluster, opts: PgbenchRunOptions): PgbenchRun {
  const args = ['-n', '-c', String(opts.clients), '-j', String(Math.min(opts.clients, 2)), '-T', String(opts.seconds ?? 86_400)];
  const child = spawn(debianBin('pgbench'), args, {
    env: { ...process.env, ...cluster.clientEnv(opts.database ?? 'postgres') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const unregister = onProcessExit(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let interrupted = false;
  const done = new Promise<{ code: number | null; output: string }>((resolve) => {
    child.once('close', (code) => {
      unregister();
      resolve({ code, output });
    });
  });
  return {
    done,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        interrupted = true;
        child.kill('SIGINT');
      }
      const { code } = await done;
      if (!interrupted && code !== 0) throw new Error(`pgbench on ${cluster.name} failed (exit ${code}):\n${output.trim()}`);
    },
  };
}

/** True iff the pgbench ledger balances: accounts, branches and tellers each sum to the history. */
export async function pgbenchInvariant(cluster: LabCluster, database = 'postgres'): Promise<boolean> {
  const result = await cluster.sql(
    `with h as (select coalesce(sum(delta), 0) as total from pgbench_history)
     select (select coalesce(sum(abalance), 0) from pgbench_accounts) = h.total
        and (select coalesce(sum(bbalance), 0) from pgbench_branches) = h.total
        and (select coalesce(sum(tbalance), 0) from pgbench_tellers) = h.total
       from h`,
    { database },
  );
  return result === 't';
}
