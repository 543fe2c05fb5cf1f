import { spawn } from 'node:child_process';
import { sleep, type LabCluster } from './cluster';
import { debianBin } from './pg-bin';

/**
 * Starts an exclusive backup (PG ≤ 14) from a psql that is then killed, as a crashed backup tool
 * would be: the server is left with an exclusive backup in progress and a backup_label in PGDATA.
 */
export async function leaveExclusiveBackup(cluster: LabCluster, label: string): Promise<void> {
  const psql = spawn(
    debianBin('psql'),
    ['-X', '-h', cluster.host, '-p', String(cluster.port), '-U', cluster.superuser, '-d', 'postgres',
      '-c', `select pg_start_backup('${label}', true, true)`, '-c', 'select pg_sleep(600)'],
    { env: { ...process.env, PGPASSWORD: cluster.password, PGSSLMODE: 'disable' }, stdio: 'ignore' },
  );
  try {
    const deadline = Date.now() + 30_000;
    while ((await cluster.sql('select pg_is_in_backup()')).trim() !== 't') {
      if (Date.now() > deadline) throw new Error('the exclusive backup did not start');
      await sleep(100);
    }
  } finally {
    psql.kill('SIGKILL');
    // Its backend sleeps on, unaware: end it too, as the server would once it tried to answer.
    await cluster.sql("select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_sleep(600)%' and pid <> pg_backend_pid()");
  }
}
