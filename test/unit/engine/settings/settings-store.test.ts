import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { confFactory } from '../../../../electron/engine/settings/conf-factory';
import { SettingsStore } from '../../../../electron/engine/settings/settings-store';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-settings-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content?: string): string => {
  const p = join(dir, `s${n++}.json`);
  if (content !== undefined) writeFileSync(p, content);
  return p;
};
const server = (over: Record<string, unknown> = {}) => ({
  id: 'a', name: 'prod', host: 'db1', port: 5432, user: 'postgres', database: 'postgres', sslMode: 'prefer',
  transport: { kind: 'local' }, ...over,
});

describe('SettingsStore', () => {
  it('starts with defaults when there is no file, and writes on the first change', () => {
    const path = file();
    const store = new SettingsStore(path, confFactory);
    assert.equal(store.problem, undefined);
    assert.equal(store.current.settings.defaultMode, 'concurrent');
    assert.deepEqual(store.current.servers, []);
    store.update((d) => ({ ...d, servers: [server()] as never }));
    const onDisk = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(onDisk.servers[0].name, 'prod');
    assert.equal(new SettingsStore(path, confFactory).current.servers[0].host, 'db1');
  });

  it('names the wrong field of a malformed file, runs read-only and never overwrites it', () => {
    const content = JSON.stringify({ version: 1, servers: [server({ port: 70000 })] });
    const path = file(content);
    const store = new SettingsStore(path, confFactory);
    assert.equal(store.problem?.code, 'SETTINGS_INVALID');
    assert.match(store.problem!.message, /servers\[0\] \("prod"\)\.port must be <= 65535/);
    assert.throws(() => store.update((d) => d), /port must be <= 65535/);
    assert.equal(readFileSync(path, 'utf8'), content);
  });

  it('reports invalid JSON with the parser message and leaves the file alone', () => {
    const path = file('{ "servers": [ ');
    const store = new SettingsStore(path, confFactory);
    assert.match(store.problem!.message, /is not valid JSON/);
    assert.equal(readFileSync(path, 'utf8'), '{ "servers": [ ');
  });

  it('names unknown fields and bad enums', () => {
    const typo = new SettingsStore(file(JSON.stringify({ servers: [server({ prot: 1 })] })), confFactory);
    assert.match(typo.problem!.message, /unknown field "prot"/);
    const mode = new SettingsStore(file(JSON.stringify({ settings: { defaultMode: 'fast' } })), confFactory);
    assert.match(mode.problem!.message, /settings\.defaultMode must be one of "concurrent", "exclusive"/);
  });

  it('accepts a hand-written file with only the essentials and fills the defaults', () => {
    const path = file(JSON.stringify({ servers: [{ name: 'Prod DB', host: 'db1', port: 5432, user: 'backup' }] }));
    const store = new SettingsStore(path, confFactory);
    assert.equal(store.problem, undefined);
    const s = store.current.servers[0];
    assert.equal(s.id, 'prod-db');
    assert.equal(s.database, 'postgres');
    assert.deepEqual(s.transport, { kind: 'local' });
    assert.ok(existsSync(path));
  });

  it('refuses an update that would make the document invalid, keeping the previous one', () => {
    const path = file();
    const store = new SettingsStore(path, confFactory);
    store.update((d) => ({ ...d, servers: [server()] as never }));
    assert.throws(() => store.update((d) => ({ ...d, settings: { ...d.settings, parallel: 0 } })), /parallel must be >= 1/);
    assert.equal(store.current.settings.parallel, 4);
  });
});
