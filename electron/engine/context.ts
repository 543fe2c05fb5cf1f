import type { AppSettings } from '../../shared/models/settings';
import type { ServerConfig } from '../../shared/models/server';
import type { EventBus } from './events';
import type { SecretStore } from './secrets/secret-store';

/** What engine services need from their surroundings; built once by createEngine(). */
export interface EngineContext {
  readonly bus: EventBus;
  readonly secrets: SecretStore;
  /** Current settings (re-read on every call: the user may change them at any time). */
  settings(): AppSettings;
  /** A stored server; throws TidemarkError NOT_FOUND. */
  server(id: string): ServerConfig;
  /** Record what a successful connection learned (version, role, …) on the stored server. */
  updateFacts(id: string, facts: ServerConfig['facts']): Promise<void>;
}
