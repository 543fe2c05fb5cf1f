import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './cluster';

/** Every lab folder starts with this; stopStaleLabs only looks there. */
export const labDirPrefix = '/tmp/tidemark-lab-';
export const ownerFileName = 'owner.pid';

/**
 * Stops servers left behind by a lab whose owning process died (crash, SIGKILL) and removes its
 * folder. Labs whose owner still runs — another engineer's test run — are left alone.
 * Returns the folders removed.
 */
export async function stopStaleLabs(): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of readdirSync('/tmp')) {
    const dir = join('/tmp', entry);
    if (!dir.startsWith(labDirPrefix) || !isDir(dir) || ownerAlive(dir)) continue;
    const pids = processesUnder(dir);
    signalAll(pids, 'SIGQUIT'); // postmaster: immediate shutdown; sshd/pgbench: quit
    const deadline = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < deadline) await sleep(100);
    signalAll(pids.filter(alive), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function ownerAlive(dir: string): boolean {
  const file = join(dir, ownerFileName);
  if (!existsSync(file)) {
    // A folder being created right now has no owner file yet: give it a minute.
    return Date.now() - statSync(dir).mtimeMs < 60_000;
  }
  const pid = Number(readFileSync(file, 'utf8').trim());
  return pid > 0 && alive(pid) && cmdline(pid).includes('node');
}

/** Processes whose working directory, pid file or command line ties them to dir. */
function processesUnder(dir: string): number[] {
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // Process gone or not ours to inspect.
    }
    if (cwd.startsWith(dir + '/') || cwd === dir || cmdline(pid).includes(dir + '/')) pids.add(pid);
  }
  return [...pids];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
