import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCheckService } from '../../../../electron/engine/checks/check-service';
import type { EngineContext } from '../../../../electron/engine/context';
import { TidemarkError } from '../../../../electron/engine/errors';
import { EventBus } from '../../../../electron/engine/events';
import { MemorySecretStore } from '../../../../electron/engine/secrets/secret-store';
import { defaultAppSettings } from '../../../../electron/engine/settings/defaults';
import { offlineServer } from './offline-context';

const engine: EngineContext = {
  bus: new EventBus(),
  secrets: new MemorySecretStore(),
  settings: defaultAppSettings,
  server: (id) => {
    if (id !== offlineServer.id) throw new TidemarkError('NOT_FOUND', `No server with id "${id}".`);
    return offlineServer;
  },
  updateFacts: async () => {},
};

test('fix refuses an action no check offers, before connecting anywhere', async () => {
  const service = createCheckService(engine, { runningJob: () => undefined });
  await assert.rejects(service.fix(offlineServer.id, 'wal-level', 'raise-it'), (e: TidemarkError) => {
    assert.equal(e.code, 'NOT_FOUND');
    assert.equal(e.message, 'The check "wal-level" has no action "raise-it".');
    return true;
  });
  await assert.rejects(service.run('nope'), { code: 'NOT_FOUND' });
});
