import { mkdirSync } from 'node:fs';
import type { ServerInput, ServerView } from '../../../shared/models/server';
import { MemorySecretStore } from '../secrets/secret-store';
import { ServerService } from '../servers/server-service';
import { factsOf, testServer } from '../servers/server-test';
import { confFactory } from '../settings/conf-factory';
import { SettingsStore } from '../settings/settings-store';
import type { SandboxServer } from './sandbox';
import type { SandboxLayout } from './sandbox-layout';

/**
 * The sandbox servers as Tidemark servers: reached over their Unix socket (trust authentication,
 * so no password is stored anywhere), files read locally. Known names are updated in place
 * (ports may have moved), so registering twice adds nothing.
 */
export async function registerSandboxServers(servers: ServerService, sandbox: readonly SandboxServer[]): Promise<ServerView[]> {
  const views: ServerView[] = [];
  for (const s of sandbox) {
    const existing = servers.list().find((v) => v.name.toLowerCase() === s.name.toLowerCase());
    const input: ServerInput = {
      ...(existing && { id: existing.id }),
      name: s.name,
      host: s.socketDir,
      port: s.port,
      user: 'postgres',
      database: 'postgres',
      sslMode: 'disable',
      transport: { kind: 'local' },
      ...(existing?.mode && { mode: existing.mode }),
    };
    const saved = await servers.save(input);
    // Tested at once, as a user would: the list shows role and version, and the mode toggle knows
    // that exclusive is out for the PG 17 servers. A failed test only leaves it "not tested".
    const report = await testServer(servers.get(saved.id), new MemorySecretStore()).catch(() => undefined);
    if (report) await servers.updateFacts(saved.id, factsOf(report));
    views.push(servers.view(servers.get(saved.id)));
  }
  return views;
}

/** The demo's own settings file: the sandbox servers and a backup catalog inside the sandbox folder. */
export function openDemoSettings(layout: SandboxLayout): { settings: SettingsStore; servers: ServerService } {
  mkdirSync(layout.appDataDir, { recursive: true, mode: 0o700 });
  const settings = new SettingsStore(layout.settingsFile, confFactory);
  if (settings.current.settings.backupRoot !== layout.backupRoot) {
    settings.update((doc) => ({ ...doc, settings: { ...doc.settings, backupRoot: layout.backupRoot } }));
  }
  return { settings, servers: new ServerService(settings, new MemorySecretStore()) };
}
