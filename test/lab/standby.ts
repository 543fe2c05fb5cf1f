import { rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exec } from './exec';
import { freePort } from './free-port';
import { debianBin } from './pg-bin';
import { setAutoConf, writeLocalSettings } from './pg-conf';
import { labOsUser, makePostgresDir, writePostgresFile } from './os-user';
import { LabCluster } from './cluster';
import { tablespaceLinks } from './tablespace';

export interface StandbyOptions {
  /** Lab directory; defaults to the primary's. */
  readonly dir?: string;
  readonly port?: number;
  /**
   * 'basebackup' uses Debian's pg_basebackup 15, which refuses PostgreSQL 16+ servers;
   * 'cold-copy' stops the primary and copies its files. Default: basebackup for 14, cold copy otherwise.
   */
  readonly method?: 'basebackup' | 'cold-copy';
}

/** Creates, starts and waits for a streaming hot standby of a running primary. */
export async function makeStandby(primary: LabCluster, name: string, opts: StandbyOptions = {}): Promise<LabCluster> {
  const primaryDir = dirname(primary.pgdata);
  const dir = opts.dir ?? dirname(primaryDir);
  const clusterDir = makePostgresDir(join(dir, name), 0o755);
  const pgdata = join(clusterDir, 'data');
  const logFile = join(clusterDir, 'server.log');
  const port = opts.port ?? (await freePort());
  // Tablespaces under the primary's folder move to the same place under the standby's.
  const relocate = (target: string, oid: string): string =>
    target.startsWith(primaryDir + '/') ? clusterDir + target.slice(primaryDir.length) : join(clusterDir, `tablespace-${oid}`);
  const method = opts.method ?? (primary.major === 14 ? 'basebackup' : 'cold-copy');

  if (method === 'basebackup') {
    const mappings = tablespaceLinks(primary.pgdata).map(({ oid, target }) => {
      const moved = relocate(target, oid);
      makePostgresDir(dirname(moved), 0o755);
      return `--tablespace-mapping=${target}=${moved}`;
    });
    await exec(
      debianBin('pg_basebackup'),
      ['-D', pgdata, '-h', primary.host, '-p', String(primary.port), '-U', primary.superuser,
        '-X', 'stream', '-c', 'fast', '-R', '--no-sync', ...mappings],
      { asUser: labOsUser, env: { PGPASSWORD: primary.password, PGSSLMODE: 'disable' }, timeoutMs: 300_000 },
    );
  } else {
    await primary.stop('fast');
    await exec('cp', ['-a', primary.pgdata, pgdata]);
    for (const { oid, target } of tablespaceLinks(pgdata)) {
      const moved = relocate(target, oid);
      makePostgresDir(dirname(moved), 0o755);
      await exec('cp', ['-a', target, moved]);
      unlinkSync(join(pgdata, 'pg_tblspc', oid));
      symlinkSync(moved, join(pgdata, 'pg_tblspc', oid));
      await exec('chown', ['-h', `${labOsUser}:${labOsUser}`, join(pgdata, 'pg_tblspc', oid)]);
    }
    rmSync(join(pgdata, 'postmaster.pid'), { force: true });
    rmSync(join(pgdata, 'postmaster.opts'), { force: true });
    writePostgresFile(join(pgdata, 'standby.signal'), '');
    await primary.start();
  }

  setAutoConf(pgdata, {
    primary_conninfo: `host=${primary.host} port=${primary.port} user=${primary.superuser} password=${primary.password} application_name=${name} sslmode=disable`,
  });
  writeLocalSettings(pgdata, port, primary.socketDir || dir);
  await exec('chown', [`${labOsUser}:${labOsUser}`, join(pgdata, 'postgresql.conf'), join(pgdata, 'postgresql.auto.conf')]);
  writePostgresFile(logFile, '', 0o640);

  const standby = new LabCluster({
    name,
    major: primary.major,
    role: 'standby',
    port,
    pgdata,
    binDir: primary.binDir,
    password: primary.password,
    logFile,
    socketDir: primary.socketDir || dir,
    tablespaceDir: primary.tablespaceDir ? relocate(primary.tablespaceDir, 'lab') : undefined,
  }, { portMayMove: opts.port === undefined });
  try {
    await standby.start();
    await standby.waitStreaming();
  } catch (error) {
    await standby.stop('immediate').catch(() => undefined);
    throw error;
  }
  return standby;
}
