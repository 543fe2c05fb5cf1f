import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../shared/models/check';
import type { ServerConfig } from '../../shared/models/server';
import type { AppSettings } from '../../shared/models/settings';
import { defaultAppSettings } from '../../electron/engine/settings/defaults';
import type { RunningJob } from '../../electron/engine/checks/check';
import { createCheckService, type CheckService } from '../../electron/engine/checks/check-service';
import type { EngineContext } from '../../electron/engine/context';
import { TidemarkError } from '../../electron/engine/errors';
import { EventBus } from '../../electron/engine/events';
import { MemorySecretStore } from '../../electron/engine/secrets/secret-store';

export { labServer } from '../lab/lab-server';

export interface ChecksEnv {
  readonly service: CheckService;
  readonly engine: EngineContext;
  readonly root: string;
  readonly servers: Map<string, ServerConfig>;
  /** What the injected runningJob() answers, per server id. */
  readonly running: Map<string, RunningJob>;
  add(server: ServerConfig, password?: string): Promise<ServerConfig>;
  dispose(): void;
}

/** A small engine context: in-memory secrets and servers, a temp backup root. */
export function checksEnv(settings: Partial<AppSettings> = {}): ChecksEnv {
  const root = mkdtempSync(join(tmpdir(), 'tidemark-checks-'));
  const servers = new Map<string, ServerConfig>();
  const running = new Map<string, RunningJob>();
  const secrets = new MemorySecretStore();
  const all: AppSettings = { ...defaultAppSettings(), backupRoot: root, parallel: 2, defaultMaxBackupAgeHours: 24, ...settings };
  const engine: EngineContext = {
    bus: new EventBus(),
    secrets,
    settings: () => all,
    server: (id) => {
      const s = servers.get(id);
      if (!s) throw new TidemarkError('NOT_FOUND', `No server with id "${id}".`);
      return s;
    },
    updateFacts: async (id, facts) => {
      const s = servers.get(id);
      if (s) servers.set(id, { ...s, facts });
    },
  };
  return {
    service: createCheckService(engine, { runningJob: (id) => running.get(id) }),
    engine,
    root,
    servers,
    running,
    async add(server, password) {
      servers.set(server.id, server);
      if (password !== undefined) await secrets.set(server.id, 'password', password);
      return server;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

export const byId = (results: readonly CheckResult[], id: string): CheckResult => {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no result for check ${id}; got ${results.map((x) => x.id).join(', ')}`);
  return r;
};

/** For assertion messages: every result on one line each. */
export const dump = (results: readonly CheckResult[]): string =>
  results.map((r) => `${r.id}: ${r.status} — ${r.detail}${r.hint ? ` [hint: ${r.hint}]` : ''}`).join('\n');
