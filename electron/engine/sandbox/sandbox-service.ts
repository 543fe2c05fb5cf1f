import type { SandboxStatus } from '../../../shared/models/sandbox';
import type { EventBus } from '../events';
import type { ServerService } from '../servers/server-service';
import type { SettingsStore } from '../settings/settings-store';
import { sandboxUnavailableReason } from './pg-install';
import { sandboxRunning, startSandbox, type RunningSandbox } from './sandbox';
import { defaultSandboxDir } from './sandbox-layout';
import { registerSandboxServers } from './sandbox-servers';
import { serverUser } from './server-user';

export interface SandboxService {
  status(): SandboxStatus;
  /** Starts (or reuses) the sandbox servers and registers them in this app's settings. */
  start(): Promise<SandboxStatus>;
  /** Stops what this process started (the write load, the servers it had to start). */
  close(): Promise<void>;
}

export interface SandboxServiceDeps {
  readonly bus: EventBus;
  readonly settings: SettingsStore;
  readonly servers: ServerService;
  /** Default: defaultSandboxDir() ($TIDEMARK_SANDBOX_DIR, which the demo passes to the app it opens). */
  readonly folder?: string;
  /** pgbench scale of new sample data (tests use less). */
  readonly scale?: number;
}

/** "Try with a sandbox": the demo's servers, started from the app, with progress as `sandbox:progress`. */
export function createSandboxService(deps: SandboxServiceDeps): SandboxService {
  const folder = deps.folder ?? defaultSandboxDir();
  let reason: string | null | undefined; // computed once: it looks for binaries on disk
  let running: RunningSandbox | undefined;
  let starting: Promise<SandboxStatus> | undefined;
  let offExit: (() => void) | undefined;

  const status = (): SandboxStatus => {
    if (reason === undefined) reason = sandboxUnavailableReason() ?? serverUserProblem() ?? null;
    return {
      available: reason === null,
      running: reason === null && sandboxRunning(folder),
      folder,
      ...(reason !== null && { reason }),
    };
  };

  const start = async (): Promise<SandboxStatus> => {
    if (!running || !sandboxRunning(folder)) {
      // Whatever a previous start left (a server stopped by hand) is stopped, then started afresh.
      await running?.stop();
      running = undefined;
      running = await startSandbox({ folder, scale: deps.scale, onProgress: (p) => deps.bus.emit('sandbox:progress', p) });
    }
    const sandbox = running;
    if (!offExit) {
      // Servers must not outlive the app, however it ends.
      const onExit = (): void => running?.stopSync();
      process.on('exit', onExit);
      offExit = () => process.off('exit', onExit);
    }
    await registerSandboxServers(deps.servers, sandbox.servers);
    return status();
  };

  return {
    status,
    start() {
      starting ??= start().finally(() => {
        starting = undefined;
      });
      return starting;
    },
    async close() {
      await starting?.catch(() => {});
      const r = running;
      running = undefined;
      offExit?.();
      await r?.stop();
    },
  };
}

function serverUserProblem(): string | undefined {
  try {
    serverUser();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
