import type { SandboxStatus } from '../../../shared/models/sandbox';
import type { EventBus } from '../events';
import type { ServerService } from '../servers/server-service';
import type { SettingsStore } from '../settings/settings-store';
import { TidemarkError } from '../errors';

export interface SandboxService {
  status(): SandboxStatus;
  start(): Promise<SandboxStatus>;
  close(): Promise<void>;
}

export function createSandboxService(_deps: { bus: EventBus; settings: SettingsStore; servers: ServerService }): SandboxService {
  const status = (): SandboxStatus => ({ available: false, running: false, folder: '', reason: 'The sandbox is not part of this build yet.' });
  return {
    status,
    async start() {
      throw new TidemarkError('UNSUPPORTED', status().reason ?? 'Sandbox unavailable');
    },
    async close() {},
  };
}
