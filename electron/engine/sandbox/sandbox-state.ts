import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { SandboxClusterKey } from './sandbox-layout';

export interface ClusterState {
  readonly port: number;
  /** initdb done, sample data loaded (primary) or copied (standby): nothing left to do but start. */
  readonly ready: boolean;
}

/** sandbox.json: what the next run reuses. Mode 0600: it holds the superuser password. */
export interface SandboxState {
  readonly version: 1;
  /** The superuser's password, for TCP clients (sockets use trust). */
  readonly password: string;
  /** pgbench scale of the PG 17 primary, fixed when its data is loaded. */
  readonly scale: number;
  readonly clusters: Readonly<Partial<Record<SandboxClusterKey, ClusterState>>>;
}

export function newState(scale: number): SandboxState {
  return { version: 1, password: randomBytes(18).toString('base64url'), scale, clusters: {} };
}

/** undefined when there is no (readable) state: the sandbox is then made afresh. */
export function readState(path: string): SandboxState | undefined {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<SandboxState>;
    if (raw.version !== 1 || typeof raw.password !== 'string' || typeof raw.scale !== 'number' || typeof raw.clusters !== 'object') return undefined;
    return raw as SandboxState;
  } catch {
    return undefined;
  }
}

export function writeState(path: string, state: SandboxState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function withCluster(state: SandboxState, key: SandboxClusterKey, cluster: ClusterState | undefined): SandboxState {
  const clusters = { ...state.clusters };
  if (cluster) clusters[key] = cluster;
  else delete clusters[key];
  return { ...state, clusters };
}

/** The remembered port when it is still free, else one the kernel picks (never one of `taken`). */
export async function choosePort(remembered: number | undefined, taken: readonly number[] = []): Promise<number> {
  if (remembered && !taken.includes(remembered) && (await portFree(remembered))) return remembered;
  for (;;) {
    const port = await listenOn(0);
    if (port && !taken.includes(port)) return port;
  }
}

export async function portFree(port: number): Promise<boolean> {
  return (await listenOn(port)) === port;
}

/** Listens on 127.0.0.1:port for a moment; the port it got, or 0 when it could not. */
function listenOn(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(0));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const got = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(got));
    });
  });
}
