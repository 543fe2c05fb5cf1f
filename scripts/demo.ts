/**
 * `npm run demo`: a sandbox of real PostgreSQL servers (PG 17 primary + streaming standby, PG 14
 * primary) with sample data and a light write load, registered in a demo settings file, then
 * Tidemark on top: the Electron window where it can start, browser mode otherwise. Ctrl-C stops
 * everything cleanly; the next run reuses the servers and their ports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../electron/engine/engine';
import { removeSandbox, startSandbox, stopSandbox, type RunningSandbox } from '../electron/engine/sandbox/sandbox';
import { defaultSandboxDir, SandboxLayout } from '../electron/engine/sandbox/sandbox-layout';
import { openDemoSettings, registerSandboxServers } from '../electron/engine/sandbox/sandbox-servers';
import { runningAsRoot, serverUser } from '../electron/engine/sandbox/server-user';
import { startWebServer, type WebServer } from '../electron/web/server';

const root = join(__dirname, '..');

const USAGE = `Usage: npm run demo -- [options]

  --dir DIR      sandbox folder (default: $TIDEMARK_SANDBOX_DIR, else ${defaultSandboxDir()})
  --scale N      sample data of a new sandbox: pgbench scale of the PG 17 primary, ≈16 MB each (default 12)
  --rate N       write-load transactions a second on each primary (default 5; 0: none)
  --web          browser mode even where the Electron window could open
  --port N       browser mode's port (default: a free one)
  --no-open      start the servers only (and print how to reach them)
  --stop         stop the sandbox servers and exit
  --remove       stop them and delete the sandbox folder (servers, data, demo settings, backups)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      scale: { type: 'string' },
      rate: { type: 'string' },
      web: { type: 'boolean', default: false },
      port: { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      stop: { type: 'boolean', default: false },
      remove: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const folder = values.dir ?? defaultSandboxDir();
  // The app opened below (and its "Try with a sandbox") must use the same folder.
  process.env.TIDEMARK_SANDBOX_DIR = folder;
  const layout = new SandboxLayout(folder);
  const pidFile = join(layout.folder, 'demo.pid');
  if (values.remove || values.stop) await stopRunningDemo(pidFile);
  if (values.remove) {
    await removeSandbox(folder);
    console.log(`Removed the sandbox ${folder}.`);
    return 0;
  }
  if (values.stop) {
    console.log((await stopSandbox(folder)) ? `Stopped the sandbox servers in ${folder}.` : `No sandbox server was running in ${folder}.`);
    return 0;
  }

  console.log(`Tidemark sandbox in ${layout.folder}`);
  if (runningAsRoot()) console.log(`(running as root: the servers run as the "${serverUser().name}" OS user, so the sandbox must live where that user can reach it)`);
  // Until the servers are up there is nothing to stop yet: note the wish, act on it right after.
  let interrupted = false;
  const early = (): void => {
    if (interrupted) return;
    interrupted = true;
    console.log('\nStopping as soon as the servers are up…');
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, early);
  mkdirSync(layout.folder, { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  const sandbox = await startSandbox({
    folder,
    scale: number(values.scale, 'scale'),
    loadRate: number(values.rate, 'rate'),
    onProgress: (p) => console.log(`  [${p.done}/${p.total}] ${p.message}`),
  }).catch((e: unknown) => {
    rmSync(pidFile, { force: true });
    throw e;
  });
  const stopOnExit = (): void => {
    sandbox.stopSync();
    rmSync(pidFile, { force: true });
  };
  process.on('exit', stopOnExit);

  let app: { close(): Promise<void> } | undefined;
  let stopping = false;
  const shutdown = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      console.log('\nStopping the sandbox (pg_ctl stop -m fast)…');
      await app?.close().catch(() => {});
      await sandbox.stop({ all: true });
      process.off('exit', stopOnExit);
      rmSync(pidFile, { force: true });
      console.log(`Stopped. \`npm run demo\` starts them again; \`npm run demo -- --remove\` deletes ${layout.folder}.`);
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.off(signal, early);
    // Repeated signals change nothing: conf's when-exit re-raises the first one, and a second
    // Ctrl-C must not leave the servers half stopped.
    process.on(signal, () => void (stopping || shutdown(0)));
  }
  if (interrupted) return shutdown(0);

  try {
    const demo = openDemoSettings(layout);
    await registerSandboxServers(demo.servers, sandbox.servers);
    printSummary(sandbox, layout);
    if (!values['no-open']) app = await openTidemark(layout, { web: values.web, port: number(values.port, 'port') }, () => void shutdown(0));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    return shutdown(1);
  }
  // The test harness (and the curious) wait for this line.
  console.log('Sandbox ready. Press Ctrl-C to stop the servers.');
  // Runs until a signal (or the window closing) calls shutdown().
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}

/** `--stop` and `--remove` first end a demo still running on the folder: it stops its servers itself. */
async function stopRunningDemo(pidFile: string): Promise<void> {
  let pid = 0;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
    // A pid file that outlived its demo may name someone else's process by now.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('demo')) return;
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // no demo, or it is gone
  }
  console.log(`Stopping the demo that runs this sandbox (pid ${pid})…`);
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function printSummary(sandbox: RunningSandbox, layout: SandboxLayout): void {
  const settings = layout.settingsFile;
  console.log('');
  for (const s of sandbox.servers) {
    console.log(`  ${s.name.padEnd(22)} PostgreSQL ${s.major} ${s.role.padEnd(8)} port ${s.port}  data ${s.pgdata}`);
  }
  for (const load of sandbox.loads) console.log(`  write load: ${load}`);
  console.log(`  settings:   ${settings} (backups go to ${layout.backupRoot})`);
  console.log(`  psql:       psql -h ${layout.socketDir} -p ${sandbox.servers[0].port} -U postgres`);
  console.log(`  CLI:        npx tidemark --config ${settings} check sandbox-pg17-standby`);
  console.log(`              npx tidemark --config ${settings} backup sandbox-pg17-standby`);
  console.log('');
}

/** The Electron window where Electron can start, else browser mode in this process. */
async function openTidemark(layout: SandboxLayout, opts: { web: boolean; port?: number }, onExit: () => void): Promise<{ close(): Promise<void> }> {
  const electron = opts.web ? undefined : electronBinary();
  if (electron && hasDisplay()) {
    // Its own user-data folder: the shell then reads the demo settings, and a Tidemark the
    // user already runs (with its single-instance lock) is left alone.
    const args = [...(runningAsRoot() ? ['--no-sandbox'] : []), join(root, 'dist', 'electron', 'main.cjs'), `--user-data-dir=${layout.appDataDir}`];
    const child: ChildProcess = spawn(electron, args, { stdio: 'inherit', env: process.env });
    child.once('exit', onExit);
    console.log('Opening the Tidemark window (Electron)…');
    return {
      async close() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      },
    };
  }
  const staticDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`${staticDir} is missing: run \`npm run build\` (npm run demo does).`);
  const engine: Engine = createEngine({ shell: 'web', settingsPath: layout.settingsFile });
  const web: WebServer = await startWebServer({ engine, port: opts.port ?? 0, host: '127.0.0.1', staticDir, log: (line) => console.error(line) });
  const why = opts.web ? '' : electron ? ' (no display for the Electron window)' : ' (the Electron binary is not installed)';
  console.log(`Tidemark in browser mode${why}. Open: ${web.url}`);
  return {
    async close() {
      await web.close();
      await engine.close();
    },
  };
}

function electronBinary(): string | undefined {
  try {
    // The electron package exports the binary's path, and throws when it was never downloaded.
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function hasDisplay(): boolean {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not "${value}"`);
  return n;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
