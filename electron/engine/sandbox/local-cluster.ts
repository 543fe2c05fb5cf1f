import { appendFileSync, existsSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { pgEnv, type PgInstall } from './pg-install';
import { runCommand, runCommandSync } from './run-command';
import { writeServerFile, type ServerUser } from './server-user';

export type PgSettings = Readonly<Record<string, string | number | boolean>>;

/** The file this machine's settings live in; postgresql.conf includes it (rewritten at every start). */
export const SANDBOX_CONF = 'tidemark-sandbox.conf';

export interface LocalClusterOptions {
  /** For messages: `pg17-primary`. */
  readonly name: string;
  readonly install: PgInstall;
  readonly user: ServerUser;
  readonly pgdata: string;
  readonly logFile: string;
  readonly socketDir: string;
  readonly port: number;
}

/**
 * A PostgreSQL cluster on this machine, driven with initdb and pg_ctl as the server user.
 * Clients reach it over its Unix socket (trust, in a folder only the owner can enter) or over
 * 127.0.0.1 with scram-sha-256.
 */
export class LocalCluster {
  constructor(readonly opts: LocalClusterOptions) {}

  get name(): string {
    return this.opts.name;
  }
  get pgdata(): string {
    return this.opts.pgdata;
  }
  get port(): number {
    return this.opts.port;
  }
  get socketDir(): string {
    return this.opts.socketDir;
  }

  initialised(): boolean {
    return existsSync(join(this.pgdata, 'PG_VERSION'));
  }

  /** initdb with checksums and a superuser `postgres` whose password only TCP clients need. */
  async init(password: string, pwFileDir: string): Promise<void> {
    const pwFile = join(pwFileDir, '.pwfile');
    writeServerFile(this.opts.user, pwFile, `${password}\n`);
    try {
      await this.run('initdb', [
        '-D', this.pgdata, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256',
        '--data-checksums', '-E', 'UTF8', '--locale=C',
      ], 300_000);
    } finally {
      rmSync(pwFile, { force: true });
    }
    appendFileSync(join(this.pgdata, 'postgresql.conf'), `\n# Written by the Tidemark sandbox; its settings follow.\ninclude_if_exists '${SANDBOX_CONF}'\n`);
  }

  /** Writes this machine's settings (port, sockets, replication…) over the previous ones. */
  configure(settings: PgSettings): void {
    const all: PgSettings = { listen_addresses: '127.0.0.1', port: this.port, unix_socket_directories: this.socketDir, ...settings };
    const lines = Object.entries(all).map(([k, v]) => `${k} = ${formatSetting(v)}`);
    writeServerFile(this.opts.user, join(this.pgdata, SANDBOX_CONF), `# Tidemark sandbox: rewritten at every start.\n${lines.join('\n')}\n`);
  }

  async start(): Promise<void> {
    if (this.isRunning()) return;
    // A postmaster.pid left by a crash (or copied from another cluster) would block the start.
    rmSync(join(this.pgdata, 'postmaster.pid'), { force: true });
    const before = this.logSize();
    try {
      await this.run('pg_ctl', ['-D', this.pgdata, '-l', this.opts.logFile, '-w', '-t', '300', 'start'], 320_000);
    } catch (e) {
      throw new Error(`${this.name} did not start: ${(e as Error).message}\n${this.logTail(before)}`);
    }
  }

  /** `fast`: open sessions are disconnected, a shutdown checkpoint is written; the next start needs no recovery. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.isRunning()) return;
    await this.run('pg_ctl', ['-D', this.pgdata, '-m', mode, '-w', '-t', '120', 'stop'], 130_000);
  }

  /** For 'exit' handlers: synchronous, never throws. */
  stopSync(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!this.isRunning()) return;
    runCommandSync(join(this.opts.install.binDir, 'pg_ctl'), ['-D', this.pgdata, '-m', mode, '-w', '-t', '60', 'stop'], {
      asUser: this.opts.user.runAs,
      env: pgEnv(this.opts.install),
      timeoutMs: 70_000,
    });
  }

  /** The postmaster's pid when one runs in this data directory. */
  pid(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(join(this.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
    return pid > 0 && postmasterOf(pid, this.pgdata) ? pid : undefined;
  }

  isRunning(): boolean {
    return this.pid() !== undefined;
  }

  /** Runs statements one by one (CREATE TABLESPACE and VACUUM refuse a transaction block). */
  async sql(statements: readonly string[], database = 'postgres'): Promise<pg.QueryResult[]> {
    const client = await this.connect(database);
    try {
      const results: pg.QueryResult[] = [];
      for (const s of statements) results.push(await client.query(s));
      return results;
    } finally {
      await client.end().catch(() => {});
    }
  }

  async connect(database = 'postgres'): Promise<pg.Client> {
    const client = new pg.Client({ host: this.socketDir, port: this.port, user: 'postgres', database, application_name: 'tidemark-sandbox' });
    client.on('error', () => {});
    await client.connect();
    return client;
  }

  private run(bin: string, args: readonly string[], timeoutMs: number): Promise<unknown> {
    return runCommand(join(this.opts.install.binDir, bin), args, { asUser: this.opts.user.runAs, env: pgEnv(this.opts.install), timeoutMs });
  }

  private logSize(): number {
    try {
      return readFileSync(this.opts.logFile).length;
    } catch {
      return 0;
    }
  }

  private logTail(from: number): string {
    try {
      const text = readFileSync(this.opts.logFile).subarray(from).toString('utf8');
      return `--- ${this.opts.logFile} ---\n${text.split('\n').slice(-20).join('\n')}`;
    } catch {
      return '';
    }
  }
}

export function formatSetting(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

/** The pid is alive and works in this data directory (a pid from a stale file may be reused). */
function postmasterOf(pid: number, pgdata: string): boolean {
  try {
    return realpathSync(`/proc/${pid}/cwd`) === realpathSync(pgdata);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EACCES') return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
