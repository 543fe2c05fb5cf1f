import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import type { ServerInput } from '../../../../shared/models/server';
import { TidemarkError } from '../../../../electron/engine/errors';
import { MemorySecretStore } from '../../../../electron/engine/secrets/secret-store';
import { ServerService } from '../../../../electron/engine/servers/server-service';
import { confFactory } from '../../../../electron/engine/settings/conf-factory';
import { SettingsStore } from '../../../../electron/engine/settings/settings-store';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-servers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const input = (over: Partial<ServerInput> = {}): ServerInput => ({
  name: 'prod', host: 'db1', port: 5432, user: 'postgres', transport: { kind: 'local' }, ...over,
});
const fingerprint = `SHA256:${'A'.repeat(43)}`;

function fieldOf(fn: () => unknown): Promise<string | undefined> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => assert.fail('expected a validation error'),
      (e: unknown) => {
        assert.ok(e instanceof TidemarkError, String(e));
        assert.equal(e.code, 'VALIDATION');
        return e.field;
      },
    );
}

describe('ServerService', () => {
  let path: string;
  let service: ServerService;
  let secrets: MemorySecretStore;
  let i = 0;
  beforeEach(() => {
    path = join(dir, `settings-${i++}.json`);
    secrets = new MemorySecretStore();
    service = new ServerService(new SettingsStore(path, confFactory), secrets);
  });

  it('saves a server, keeps the password out of the file, and tells the renderer only hasPassword', async () => {
    const saved = await service.save(input({ password: 's3cret!' }));
    assert.equal(saved.hasPassword, true);
    assert.equal((saved as unknown as Record<string, unknown>).password, undefined);
    assert.doesNotMatch(readFileSync(path, 'utf8'), /s3cret/);
    assert.equal(await secrets.get(saved.id, 'password'), 's3cret!');
    const kept = await service.save({ ...input(), id: saved.id, port: 5433 });
    assert.equal(kept.hasPassword, true, 'undefined password keeps the stored one');
    const cleared = await service.save({ ...input(), id: saved.id, password: null });
    assert.equal(cleared.hasPassword, false);
  });

  it('rejects each bad field with one clear error and saves nothing', async () => {
    assert.equal(await fieldOf(() => service.save(input({ name: '  ' }))), 'name');
    assert.equal(await fieldOf(() => service.save(input({ port: 70000 }))), 'port');
    assert.equal(await fieldOf(() => service.save(input({ port: 0 }))), 'port');
    assert.equal(await fieldOf(() => service.save(input({ host: '' }))), 'host');
    assert.equal(await fieldOf(() => service.save(input({ transport: { kind: 'ssh', host: 'h', port: 22, user: 'u', auth: 'key' } }))), 'transport.keyPath');
    assert.equal(await fieldOf(() => service.save(input({ transport: { kind: 'ssh', host: 'h', port: 99999, user: 'u', auth: 'agent' } }))), 'transport.port');
    assert.equal(await fieldOf(() => service.save(input({ pgdata: 'relative/path' }))), 'pgdata');
    assert.deepEqual(service.list(), []);
  });

  it('refuses a duplicate name, whatever its case, and keeps the first server', async () => {
    await service.save(input());
    assert.equal(await fieldOf(() => service.save(input({ name: 'PROD', host: 'other' }))), 'name');
    assert.equal(service.list().length, 1);
    assert.equal(service.list()[0].host, 'db1');
  });

  it('keeps an accepted host key only while the SSH endpoint stays the same', async () => {
    const ssh = { kind: 'ssh' as const, host: 'db1', port: 22, user: 'postgres', auth: 'agent' as const };
    const s = await service.save(input({ transport: ssh }));
    service.trustHostKey(s.id, fingerprint, 'ssh-ed25519');
    const same = await service.save({ ...input({ transport: ssh }), id: s.id, name: 'renamed' });
    assert.equal(same.transport.kind === 'ssh' && same.transport.knownHostKey?.fingerprint, fingerprint);
    const moved = await service.save({ ...input({ transport: { ...ssh, host: 'db2' } }), id: s.id });
    assert.equal(moved.transport.kind === 'ssh' && moved.transport.knownHostKey, undefined);
  });

  it('ignores a host key smuggled in through the form', async () => {
    const s = await service.save(
      input({ transport: { kind: 'ssh', host: 'db1', port: 22, user: 'u', auth: 'agent', knownHostKey: { fingerprint, keyType: 'x', acceptedAt: '' } } }),
    );
    assert.equal(s.transport.kind === 'ssh' && s.transport.knownHostKey, undefined);
  });

  it('deletes a server with its secrets and finds servers by name or id', async () => {
    const s = await service.save(input({ password: 'x' }));
    assert.equal(service.find('PROD').id, s.id);
    assert.equal(service.find(s.id).name, 'prod');
    await service.delete(s.id);
    assert.equal(secrets.has(s.id, 'password'), false);
    assert.throws(() => service.find('prod'), /No server named "prod"/);
  });
});
