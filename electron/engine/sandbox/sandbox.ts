import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { SandboxProgress } from '../../../shared/models/sandbox';
import { TidemarkError } from '../errors';
import { copyAsStandby } from './cold-standby';
import { LocalCluster, type PgSettings } from './local-cluster';
import { findPgInstall, sandboxUnavailableReason, type SandboxMajor } from './pg-install';
import { loadSampleData, DEFAULT_SCALE } from './sample-data';
import { SANDBOX_CLUSTERS, SandboxLayout, defaultSandboxDir, type SandboxClusterKey, type SandboxClusterSpec } from './sandbox-layout';
import { withSandboxLock } from './sandbox-lock';
import { choosePort, newState, readState, withCluster, writeState, type SandboxState } from './sandbox-state';
import { makeServerDir, serverUser, unreachableAncestor, type ServerUser } from './server-user';
import { startWriteLoad, type WriteLoad } from './write-load';

export interface SandboxOptions {
  /** Default: defaultSandboxDir(). */
  readonly folder?: string;
  /** pgbench scale of the PG 17 primary (about 16 MB each), used when its data is first loaded. */
  readonly scale?: number;
  /** Write-load transactions a second on each primary; 0 for none. */
  readonly loadRate?: number;
  readonly onProgress?: (progress: SandboxProgress) => void;
}

/** A sandbox server as Tidemark reaches it. */
export interface SandboxServer {
  readonly key: SandboxClusterKey;
  readonly name: string;
  readonly major: SandboxMajor;
  readonly role: 'primary' | 'standby';
  readonly port: number;
  /** The `host` to connect with: the socket folder (trust authentication). */
  readonly socketDir: string;
  readonly pgdata: string;
  readonly logFile: string;
}

export interface RunningSandbox {
  readonly layout: SandboxLayout;
  readonly servers: readonly SandboxServer[];
  readonly loads: readonly string[];
  /** Stops the write load and the servers this run started; `all`: every sandbox server. */
  stop(opts?: { readonly all?: boolean }): Promise<void>;
  /** For 'exit' handlers: the load, then every server this run started, synchronously. */
  stopSync(): void;
}

/** Settings every sandbox server runs with (before port and sockets, see LocalCluster.configure). */
const BASE_SETTINGS: PgSettings = {
  wal_level: 'replica',
  max_wal_senders: 10,
  max_replication_slots: 10,
  hot_standby: true,
  full_page_writes: true,
  // Enough for the standby to catch up after a restart; small enough to keep the folder lean.
  wal_keep_size: '128MB',
  max_wal_size: '256MB',
  shared_buffers: '64MB',
  max_connections: 40,
  logging_collector: false,
  log_line_prefix: '%m [%p] %q%u@%d ',
  log_checkpoints: true,
};

const TOTAL_STEPS = 6;

/** Starts the three servers, making what is missing (initdb, sample data, the standby), and the write load. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const layout = new SandboxLayout(opts.folder ?? defaultSandboxDir());
  let done = 0;
  const progress = (step: string, message: string, advance = true): void => {
    if (advance) done++;
    opts.onProgress?.({ step, done: Math.min(done, TOTAL_STEPS), total: TOTAL_STEPS, message });
  };
  progress('prepare', `Preparing the sandbox in ${layout.folder}`, false);
  const reason = sandboxUnavailableReason();
  if (reason) throw new TidemarkError('UNSUPPORTED', reason);
  const user = serverUser();
  prepareFolder(layout, user);

  const started: LocalCluster[] = [];
  const clusters = new Map<SandboxClusterKey, LocalCluster>();
  const loads: WriteLoad[] = [];
  await withSandboxLock(layout.lockFile, async () => {
    let state = readState(layout.stateFile) ?? newState(opts.scale ?? DEFAULT_SCALE);
    const save = (next: SandboxState): void => {
      state = next;
      writeState(layout.stateFile, state);
    };
    save(state);
    try {
      const taken: number[] = [];
      for (const spec of SANDBOX_CLUSTERS) {
        progress(spec.key, `Starting ${spec.serverName} (PostgreSQL ${spec.major})`);
        const remembered = state.clusters[spec.key];
        const probe = cluster(layout, user, spec, remembered?.port ?? 0);
        const port = probe.isRunning() && remembered ? remembered.port : await choosePort(remembered?.port, taken);
        taken.push(port);
        const c = cluster(layout, user, spec, port);
        clusters.set(spec.key, c);
        const fresh = !remembered?.ready || !c.initialised();
        if (fresh) {
          if (c.isRunning()) await c.stop('immediate');
          if (spec.standbyOf) progress(spec.key, `Copying ${spec.standbyOf} to make ${spec.serverName} (the primary restarts)`, false);
          await createCluster(layout, user, spec, c, clusters, state.password);
          // A new primary makes any standby of it obsolete.
          for (const s of SANDBOX_CLUSTERS.filter((x) => x.standbyOf === spec.key)) save(withCluster(state, s.key, undefined));
          save(withCluster(state, spec.key, { port, ready: false }));
        }
        c.configure(settingsFor(spec, clusters));
        const wasRunning = c.isRunning();
        await c.start();
        if (!wasRunning) started.push(c);
        if (fresh && !spec.standbyOf) {
          const scale = Math.max(1, Math.round(state.scale * spec.dataShare));
          progress('data', `Loading sample data into ${spec.serverName}: pgbench tables (scale ${scale}, ≈${scale * 16} MB) and a tablespace`, false);
          makeServerDir(user, layout.tablespaceDir(spec.key));
          await loadSampleData(c, scale, layout.tablespaceDir(spec.key));
        }
        save(withCluster(state, spec.key, { port, ready: true }));
      }
      progress('streaming', 'Waiting for the standby to stream from its primary');
      for (const spec of SANDBOX_CLUSTERS.filter((s) => s.standbyOf)) await waitStreaming(clusters.get(spec.key)!);
      writePgpass(layout, state);

      const rate = opts.loadRate ?? 5;
      progress('load', rate > 0 ? `Starting a write load (${rate} transactions/s per primary)` : 'No write load');
      if (rate > 0) {
        writeFileSync(layout.loadLog, '', { mode: 0o600 });
        for (const spec of SANDBOX_CLUSTERS.filter((s) => !s.standbyOf)) {
          loads.push(startWriteLoad(clusters.get(spec.key)!, { rate, logFile: layout.loadLog }));
        }
      }
    } catch (e) {
      await Promise.allSettled(loads.map((l) => l.stop()));
      await stopClusters(started);
      throw e;
    }
  });

  const servers = SANDBOX_CLUSTERS.map((spec) => describe(layout, spec, clusters.get(spec.key)!));
  progress('ready', `The sandbox is running: ${servers.map((s) => `${s.name} on port ${s.port}`).join(', ')}`);
  return {
    layout,
    servers,
    loads: loads.map((l) => l.description),
    async stop(stopOpts = {}) {
      await Promise.allSettled(loads.map((l) => l.stop()));
      const which = stopOpts.all ? [...clusters.values()] : started;
      await stopClusters(which);
    },
    stopSync() {
      for (const l of loads) l.stopSync();
      for (const c of [...started].reverse()) c.stopSync('fast');
    },
  };
}

/** Whether every sandbox server runs (as far as this folder tells). */
export function sandboxRunning(folder: string = defaultSandboxDir()): boolean {
  const layout = new SandboxLayout(folder);
  const state = readState(layout.stateFile);
  if (!state) return false;
  const user = safeServerUser();
  if (!user) return false;
  return SANDBOX_CLUSTERS.every((spec) => cluster(layout, user, spec, state.clusters[spec.key]?.port ?? 0).isRunning());
}

/** Stops every server of the sandbox (pg_ctl stop -m fast); true when one was running. */
export async function stopSandbox(folder: string = defaultSandboxDir()): Promise<boolean> {
  const layout = new SandboxLayout(folder);
  const user = safeServerUser();
  if (!user || !existsSync(layout.stateFile)) return false;
  return withSandboxLock(layout.lockFile, async () => {
    const state = readState(layout.stateFile);
    const all = SANDBOX_CLUSTERS.map((spec) => cluster(layout, user, spec, state?.clusters[spec.key]?.port ?? 0));
    const running = all.filter((c) => c.isRunning());
    await stopClusters(running);
    return running.length > 0;
  });
}

/** Stops the servers, then deletes the whole sandbox folder (servers, sample data, demo settings, backups). */
export async function removeSandbox(folder: string = defaultSandboxDir()): Promise<void> {
  const layout = new SandboxLayout(folder);
  await stopSandbox(layout.folder);
  rmSync(layout.folder, { recursive: true, force: true });
}

/** Standbys first: a stopped primary would only make them retry. */
async function stopClusters(which: readonly LocalCluster[]): Promise<void> {
  const order = SANDBOX_CLUSTERS.map((s) => s.key).reverse();
  const sorted = [...which].sort((a, b) => order.indexOf(a.name as SandboxClusterKey) - order.indexOf(b.name as SandboxClusterKey));
  for (const c of sorted) await c.stop('fast').catch(() => c.stopSync('immediate'));
}

function cluster(layout: SandboxLayout, user: ServerUser, spec: SandboxClusterSpec, port: number): LocalCluster {
  const install = findPgInstall(spec.major);
  if (!install) throw new TidemarkError('UNSUPPORTED', sandboxUnavailableReason() ?? `PostgreSQL ${spec.major} binaries not found`);
  return new LocalCluster({
    name: spec.key,
    install,
    user,
    pgdata: layout.pgdata(spec.key),
    logFile: layout.logFile(spec.key),
    socketDir: layout.socketDir,
    port,
  });
}

/** initdb for a primary, a cold copy of its primary for a standby; nothing of an earlier attempt is kept. */
async function createCluster(
  layout: SandboxLayout,
  user: ServerUser,
  spec: SandboxClusterSpec,
  c: LocalCluster,
  clusters: ReadonlyMap<SandboxClusterKey, LocalCluster>,
  password: string,
): Promise<void> {
  rmSync(layout.clusterDir(spec.key), { recursive: true, force: true });
  makeServerDir(user, layout.clusterDir(spec.key));
  if (spec.standbyOf) {
    const primaryTs = layout.tablespaceDir(spec.standbyOf);
    const relocate = (oid: string, target: string): string =>
      target === primaryTs ? layout.tablespaceDir(spec.key) : `${layout.tablespaceDir(spec.key)}-${oid}`;
    await copyAsStandby(clusters.get(spec.standbyOf)!, c, { user, relocate });
  } else {
    rmSync(layout.tablespaceDir(spec.key), { recursive: true, force: true });
    await c.init(password, layout.clusterDir(spec.key));
  }
}

function settingsFor(spec: SandboxClusterSpec, clusters: ReadonlyMap<SandboxClusterKey, LocalCluster>): PgSettings {
  if (!spec.standbyOf) return BASE_SETTINGS;
  const primary = clusters.get(spec.standbyOf)!;
  return {
    ...BASE_SETTINGS,
    primary_conninfo: `host=${primary.socketDir} port=${primary.port} user=postgres application_name=${spec.serverName}`,
  };
}

function describe(layout: SandboxLayout, spec: SandboxClusterSpec, c: LocalCluster): SandboxServer {
  return {
    key: spec.key,
    name: spec.serverName,
    major: spec.major,
    role: spec.standbyOf ? 'standby' : 'primary',
    port: c.port,
    socketDir: c.socketDir,
    pgdata: c.pgdata,
    logFile: layout.logFile(spec.key),
  };
}

function prepareFolder(layout: SandboxLayout, user: ServerUser): void {
  const blocked = unreachableAncestor(user, layout.folder);
  if (blocked) {
    throw new TidemarkError('UNSUPPORTED', `The sandbox servers run as the "${user.name}" OS user, who cannot enter ${blocked}.`, {
      hint: `Choose a sandbox folder that user can reach with TIDEMARK_SANDBOX_DIR (or --dir), e.g. /var/tmp/tidemark-sandbox.`,
    });
  }
  mkdirSync(layout.folder, { recursive: true });
  // The owner only; as root, the postgres user may pass through to its own folders.
  chmodSync(layout.folder, user.runAs ? 0o711 : 0o700);
  makeServerDir(user, layout.socketDir);
  makeServerDir(user, layout.tablespaceDir('pg17-primary').replace(/\/[^/]+$/, ''));
}

/** For psql over TCP: `PGPASSFILE=<folder>/pgpass psql -h 127.0.0.1 -p PORT -U postgres`. */
function writePgpass(layout: SandboxLayout, state: SandboxState): void {
  const password = state.password.replace(/([:\\])/g, '\\$1');
  const lines = Object.values(state.clusters).map((c) => `127.0.0.1:${c!.port}:*:postgres:${password}`);
  writeFileSync(layout.pgpassFile, `${lines.join('\n')}\n`, { mode: 0o600 });
}

async function waitStreaming(standby: LocalCluster, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const [r] = await standby.sql(['SELECT status FROM pg_stat_wal_receiver']);
      last = String(r.rows[0]?.status ?? 'no WAL receiver');
      if (last === 'streaming') return;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${standby.name} is not streaming from its primary after ${timeoutMs / 1000} s (${last}); see ${standby.opts.logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function safeServerUser(): ServerUser | undefined {
  try {
    return serverUser();
  } catch {
    return undefined;
  }
}
