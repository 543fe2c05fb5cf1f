import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Api } from '../../../shared/contract';
import type { ServerView } from '../../../shared/models/server';
import { dispatch } from '../../../electron/engine/dispatch';
import { TidemarkError } from '../../../electron/engine/errors';
import { EventBus } from '../../../electron/engine/events';
import { createAppStore } from '../../../renderer/store';
import { fakeHandlers } from './fake-handlers';

const server: ServerView = {
  id: 's1',
  name: 'db1',
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'postgres',
  sslMode: 'prefer',
  transport: { kind: 'ssh', host: '127.0.0.1', port: 2222, user: 'postgres', auth: 'agent' },
  hasPassword: false,
  hasPassphrase: false,
};
const FP = 'SHA256:' + 'A'.repeat(43);

function storeWith(handlers: Parameters<typeof fakeHandlers>[0]) {
  const bus = new EventBus();
  const h = fakeHandlers(handlers);
  const api: Api = { invoke: (c, r) => dispatch(h, c, r), on: (e, l) => bus.on(e, l) };
  return { store: createAppStore(api), bus };
}

describe('servers slice', () => {
  it('asks about an unknown host key, trusts it, then tests again', async () => {
    let trusted: string | undefined;
    const { store } = storeWith({
      'servers:list': async () => [server],
      'servers:test': async () => {
        if (!trusted) throw new TidemarkError('SSH_HOSTKEY_UNKNOWN', 'Unknown host key', { details: { fingerprint: FP, keyType: 'ssh-ed25519' } });
        return { version: '17.2', versionNum: 170002, role: 'primary', dataDirectory: '/d', systemIdentifier: '1', timeline: 1, durationMs: 5 };
      },
      'servers:trust-host-key': async ({ fingerprint, keyType }) => {
        trusted = fingerprint;
        return { ...server, transport: { ...server.transport, knownHostKey: { fingerprint, keyType, acceptedAt: 'now' } } } as ServerView;
      },
    });
    await store.getState().loadServers();
    await store.getState().testServer('s1');
    const t = store.getState().tests.s1;
    assert.equal(t?.status === 'failed' && t.error.details?.fingerprint, FP);
    await store.getState().trustHostKey('s1', FP, 'ssh-ed25519');
    assert.equal(trusted, FP);
    assert.equal(store.getState().tests.s1?.status, 'ok');
  });

  it('keeps the list when a save is refused, and clears a stale test on success', async () => {
    const { store } = storeWith({
      'servers:list': async () => [server],
      'servers:save': async (input) => {
        if (input.port === 1) throw new TidemarkError('VALIDATION', 'bad port', { field: 'port' });
        return { ...server, ...input, id: 's1', database: 'postgres', sslMode: 'prefer', hasPassword: false, hasPassphrase: false } as ServerView;
      },
    });
    await store.getState().loadServers();
    store.setState({ tests: { s1: { status: 'testing' } } });
    const refused = await store.getState().saveServer({ ...server, port: 1 });
    assert.equal(!refused.ok && refused.error.field, 'port');
    assert.equal(store.getState().servers[0]?.port, 5432);
    const saved = await store.getState().saveServer({ ...server, port: 5433 });
    assert.equal(saved.ok, true);
    assert.equal(store.getState().servers[0]?.port, 5433);
    assert.equal(store.getState().tests.s1, undefined);
    assert.equal(store.getState().saving, false);
  });

  it('marks the app ready after the initial load, even when a call fails, and opens the first server', async () => {
    const { store } = storeWith({
      'servers:list': async () => [server],
      'settings:get': async () => {
        throw new TidemarkError('SETTINGS_INVALID', 'broken');
      },
    });
    await store.getState().init();
    assert.equal(store.getState().appState, 'ready');
    assert.equal(store.getState().loadError?.code, 'UNSUPPORTED');
    assert.deepEqual(store.getState().view, { page: 'server', id: 's1' });
  });
});
