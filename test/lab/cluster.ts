import { existsSync, readFileSync, realpathSync, rmSync, statSync, unlinkSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { exec, execSyncQuiet } from './exec';
import { freePort } from './free-port';
import { debianBin, pgBinDir, pgLibDir, type LabMajor } from './pg-bin';
import { labBaseSettings, labHbaConf, settingsBlock, writeLocalSettings, type PgSettings } from './pg-conf';
import {
  chownTreeToPostgres,
  ensureTraversable,
  labOsUser,
  makePostgresDir,
  postgresIds,
  writePostgresFile,
} from './os-user';
import { tablespaceLinks } from './tablespace';
import { onProcessExit } from './process-exit';

export type LabRole = 'primary' | 'standby';

/** Everything needed to reach or drive a lab cluster; what lab.json stores. */
export interface LabClusterInfo {
  readonly name: string;
  readonly major: LabMajor;
  readonly role: LabRole;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly pgdata: string;
  readonly binDir: string;
  readonly osUser: 'postgres';
  readonly superuser: 'postgres';
  readonly password: string;
  readonly logFile: string;
  /** '' when the server listens on TCP only. */
  readonly socketDir: string;
  /** Location of the lab_ts tablespace (absent for adopted dirs). */
  readonly tablespaceDir?: string;
}

export interface SqlOptions {
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
  readonly timeoutMs?: number;
}

export interface LabConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface InitOptions {
  readonly name: string;
  /** Lab directory: the cluster lives in <dir>/<name>/, sockets in <dir> (if postgres owns it). */
  readonly dir: string;
  readonly settings?: PgSettings;
  readonly port?: number;
  readonly password?: string;
}

export interface AdoptOptions {
  readonly name: string;
  readonly port?: number;
  /** The superuser password the data dir was created with (its pg_authid is what counts). */
  readonly password?: string;
  readonly socketDir?: string;
  readonly logFile?: string;
}

export class LabCluster implements LabClusterInfo {
  readonly name: string;
  readonly major: LabMajor;
  readonly role: LabRole;
  readonly host = '127.0.0.1' as const;
  private currentPort: number;
  readonly pgdata: string;
  readonly binDir: string;
  readonly osUser = 'postgres' as const;
  readonly superuser = 'postgres' as const;
  readonly password: string;
  readonly logFile: string;
  readonly socketDir: string;
  readonly tablespaceDir?: string;
  /** Clusters this process created are stopped when it exits; attached ones (fromInfo) are not. */
  private readonly ownedByProcess: boolean;
  /** A port we picked may be taken by someone else before the first start: then pick another. */
  private portMayMove: boolean;
  private unregisterExit?: () => void;

  constructor(
    info: Omit<LabClusterInfo, 'host' | 'osUser' | 'superuser'> & Partial<LabClusterInfo>,
    options: { readonly attached?: boolean; readonly portMayMove?: boolean } = {},
  ) {
    this.ownedByProcess = !options.attached;
    this.portMayMove = options.portMayMove ?? false;
    this.name = info.name;
    this.major = info.major;
    this.role = info.role;
    this.currentPort = info.port;
    this.pgdata = info.pgdata;
    this.binDir = info.binDir;
    this.password = info.password;
    this.logFile = info.logFile;
    this.socketDir = info.socketDir;
    if (info.tablespaceDir) this.tablespaceDir = info.tablespaceDir;
  }

  /** initdb a fresh cluster (not started): checksums, SCRAM superuser password, lab settings. */
  static async init(major: LabMajor, opts: InitOptions): Promise<LabCluster> {
    const clusterDir = makePostgresDir(join(opts.dir, opts.name), 0o755);
    ensureTraversable(clusterDir);
    // Sockets go in the lab dir when postgres may write there, else beside the cluster.
    const socketDir = statSync(opts.dir).uid === postgresIds().uid ? opts.dir : clusterDir;
    const pgdata = join(clusterDir, 'data');
    const logFile = join(clusterDir, 'server.log');
    const password = opts.password ?? randomBytes(12).toString('hex');
    const port = opts.port ?? (await freePort());
    const binDir = pgBinDir(major);
    const pwFile = join(clusterDir, 'pwfile');
    writePostgresFile(pwFile, `${password}\n`);
    try {
      await exec(
        join(binDir, 'initdb'),
        ['-D', pgdata, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
          '--data-checksums', '-E', 'UTF8', '--locale=C', '--no-sync'],
        { asUser: labOsUser, env: libEnv(major) },
      );
    } finally {
      rmSync(pwFile, { force: true });
    }
    const extra = opts.settings ? `\n${settingsBlock(opts.settings)}` : '';
    appendFileSync(join(pgdata, 'postgresql.conf'), `\n# --- tidemark lab ---\n${settingsBlock(labBaseSettings())}${extra}\n`);
    writePostgresFile(join(pgdata, 'pg_hba.conf'), labHbaConf);
    writeLocalSettings(pgdata, port, socketDir);
    writePostgresFile(logFile, '', 0o640);
    const tablespaceDir = join(clusterDir, 'tablespace');
    return new LabCluster(
      { name: opts.name, major, role: 'primary', port, pgdata, binDir, password, logFile, socketDir, tablespaceDir },
      { portMayMove: opts.port === undefined },
    );
  }

  /**
   * Adopts an existing data directory (a restored backup, a copy): postgres ownership and 0700,
   * this machine's port and socket settings, no stale postmaster.pid. Keeps standby.signal and
   * primary_conninfo as they are, so the dir starts as whatever it was restored as.
   */
  static async fromDataDir(pgdata: string, major: LabMajor, opts: AdoptOptions): Promise<LabCluster> {
    pgdata = resolve(pgdata);
    if (!existsSync(join(pgdata, 'PG_VERSION'))) throw new Error(`${pgdata} is not a PostgreSQL data directory (no PG_VERSION)`);
    const version = readFileSync(join(pgdata, 'PG_VERSION'), 'utf8').trim();
    if (version !== String(major)) throw new Error(`${pgdata} holds PostgreSQL ${version}, not ${major}`);
    const port = opts.port ?? (await freePort());
    const socketDir = opts.socketDir ?? '';
    const logFile = opts.logFile ?? join(dirname(pgdata), `${opts.name}.log`);

    ensureTraversable(pgdata);
    await chownTreeToPostgres(pgdata);
    for (const target of tablespaceTargets(pgdata)) {
      ensureTraversable(target);
      await chownTreeToPostgres(target);
    }
    await exec('chmod', ['0700', pgdata]);
    removeStalePid(pgdata);
    writeLocalSettings(pgdata, port, socketDir);
    if (!existsSync(logFile)) writePostgresFile(logFile, '', 0o640);
    else await exec('chown', [`${labOsUser}:${labOsUser}`, logFile]);
    const role: LabRole = existsSync(join(pgdata, 'standby.signal')) ? 'standby' : 'primary';
    return new LabCluster(
      { name: opts.name, major, role, port, pgdata, binDir: pgBinDir(major), password: opts.password ?? '', logFile, socketDir },
      { portMayMove: opts.port === undefined },
    );
  }

  /** A handle on a cluster another process runs (lab.json): never stopped on this process's exit. */
  static fromInfo(info: LabClusterInfo): LabCluster {
    return new LabCluster(info, { attached: true });
  }

  get port(): number {
    return this.currentPort;
  }

  async start(): Promise<void> {
    if (this.ownedByProcess && !this.unregisterExit) this.unregisterExit = onProcessExit(() => this.stopSync('immediate'));
    for (let attempt = 1; ; attempt++) {
      const logBefore = this.logText().length;
      try {
        await this.pgCtl(['-l', this.logFile, '-w', '-t', '300', 'start'], 320_000);
        this.portMayMove = false;
        return;
      } catch (error) {
        const log = this.logText().slice(logBefore);
        if (this.portMayMove && attempt < 4 && /could not bind|Address already in use/i.test(log)) {
          this.currentPort = await freePort();
          writeLocalSettings(this.pgdata, this.currentPort, this.socketDir);
          continue;
        }
        throw new Error(`${(error as Error).message}\n--- ${this.logFile} (tail) ---\n${tail(log || this.logText(), 30)}`);
      }
    }
  }

  async stop(mode: 'fast' | 'immediate' | 'smart' = 'fast'): Promise<void> {
    if (await this.isRunning()) await this.pgCtl(['-m', mode, '-w', '-t', '120', 'stop'], 130_000);
    this.unregisterExit?.();
    this.unregisterExit = undefined;
  }

  /** For process 'exit' handlers: immediate stop, synchronously, never throws. */
  stopSync(mode: 'fast' | 'immediate' = 'immediate'): void {
    if (!existsSync(join(this.pgdata, 'postmaster.pid'))) return;
    execSyncQuiet(join(this.binDir, 'pg_ctl'), ['-D', this.pgdata, '-m', mode, '-w', '-t', '30', 'stop'], {
      asUser: labOsUser,
      env: libEnv(this.major),
    });
  }

  async isRunning(): Promise<boolean> {
    if (!existsSync(join(this.pgdata, 'postmaster.pid'))) return false;
    try {
      await this.pgCtl(['status'], 30_000);
      return true;
    } catch {
      return false;
    }
  }

  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  /** Runs SQL with Debian's psql over TCP; returns unaligned, tuples-only output without the last newline. */
  async sql(query: string, opts: SqlOptions = {}): Promise<string> {
    const { stdout } = await exec(
      debianBin('psql'),
      ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', this.host, '-p', String(this.port),
        '-U', opts.user ?? this.superuser, '-d', opts.database ?? 'postgres', '-f', '-'],
      {
        input: query,
        env: { PGPASSWORD: opts.password ?? this.password, PGCONNECT_TIMEOUT: '10', PGAPPNAME: 'tidemark-lab', PGSSLMODE: 'disable' },
        timeoutMs: opts.timeoutMs ?? 120_000,
      },
    );
    return stdout.replace(/\n$/, '');
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.sql('select 1', { timeoutMs: 15_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms: ${(error as Error).message}`);
        await sleep(250);
      }
    }
  }

  /** Waits until this standby's WAL receiver reports 'streaming'. */
  async waitStreaming(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        last = await this.sql('select status from pg_stat_wal_receiver', { timeoutMs: 15_000 });
        if (last === 'streaming') return;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name} not streaming after ${timeoutMs} ms (${last || 'no WAL receiver'})\n${tail(this.logText(), 20)}`);
      }
      await sleep(250);
    }
  }

  /** Waits until this standby has replayed everything the given primary had written when called. */
  async waitCaughtUp(primary: LabCluster, timeoutMs = 60_000): Promise<void> {
    const target = await primary.sql('select pg_current_wal_lsn()');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind = await this.sql(`select pg_last_wal_replay_lsn() < '${target}'::pg_lsn`);
      if (behind === 'f') return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not replay up to ${target} within ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  connection(database = 'postgres'): LabConnection {
    return { host: this.host, port: this.port, user: this.superuser, password: this.password, database };
  }

  /** libpq environment for Debian tools (pg_basebackup, pgbench, pg_isready…). */
  clientEnv(database = 'postgres'): Record<string, string> {
    return {
      PGHOST: this.host,
      PGPORT: String(this.port),
      PGUSER: this.superuser,
      PGPASSWORD: this.password,
      PGDATABASE: database,
      PGSSLMODE: 'disable',
    };
  }

  toJSON(): LabClusterInfo {
    const { name, major, role, host, port, pgdata, binDir, osUser, superuser, password, logFile, socketDir, tablespaceDir } = this;
    return { name, major, role, host, port, pgdata, binDir, osUser, superuser, password, logFile, socketDir, ...(tablespaceDir ? { tablespaceDir } : {}) };
  }

  private async pgCtl(args: readonly string[], timeoutMs: number): Promise<void> {
    await exec(join(this.binDir, 'pg_ctl'), ['-D', this.pgdata, ...args], {
      asUser: labOsUser,
      env: libEnv(this.major),
      timeoutMs,
    });
  }
}

/** The bundled binaries find their libs through RPATH; LD_LIBRARY_PATH is the safety net. */
export function libEnv(major: LabMajor): Record<string, string> {
  const current = process.env.LD_LIBRARY_PATH;
  return { LD_LIBRARY_PATH: current ? `${pgLibDir(major)}:${current}` : pgLibDir(major) };
}

/**
 * Tablespace folders a data dir will use: existing pg_tblspc links, and for a restored backup the
 * paths in tablespace_map (PostgreSQL makes the links from it at start-up).
 */
function tablespaceTargets(pgdata: string): string[] {
  const targets = tablespaceLinks(pgdata).map((link) => link.target);
  const mapFile = join(pgdata, 'tablespace_map');
  if (existsSync(mapFile)) {
    for (const line of readFileSync(mapFile, 'utf8').split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) targets.push(line.slice(space + 1).replace(/\\(.)/g, '$1'));
    }
  }
  return [...new Set(targets)].filter((target) => existsSync(target));
}

/** A copied postmaster.pid names the source's postmaster; PostgreSQL would refuse to start. */
function removeStalePid(pgdata: string): void {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && runsIn(pid, pgdata)) throw new Error(`${pgdata} is in use by running postmaster ${pid}`);
  unlinkSync(pidFile);
  rmSync(join(pgdata, 'postmaster.opts'), { force: true });
}

function runsIn(pid: number, pgdata: string): boolean {
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(pgdata);
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

