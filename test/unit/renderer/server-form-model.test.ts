import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerView } from '../../../shared/models/server';
import {
  formFieldFor,
  initialValues,
  parsePort,
  toServerInput,
  validateServerForm,
  type ServerFormValues,
} from '../../../renderer/features/servers/server-form-model';

const existing: ServerView = {
  id: 's1',
  name: 'db1',
  host: 'db1.example.com',
  port: 5432,
  user: 'postgres',
  database: 'postgres',
  sslMode: 'prefer',
  transport: {
    kind: 'ssh',
    host: 'db1.example.com',
    port: 22,
    user: 'postgres',
    auth: 'key',
    keyPath: '/home/dba/.ssh/id_ed25519',
    knownHostKey: { fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', acceptedAt: '2024-01-01T00:00:00Z' },
  },
  mode: 'exclusive',
  hasPassword: true,
  hasPassphrase: false,
};

const valid = (over: Partial<ServerFormValues> = {}): ServerFormValues => ({
  ...initialValues(),
  name: 'db2',
  host: '127.0.0.1',
  ...over,
});

describe('server form model', () => {
  it('starts with libpq defaults', () => {
    const v = initialValues();
    assert.equal(v.port, '5432');
    assert.equal(v.user, 'postgres');
    assert.equal(v.database, 'postgres');
    assert.equal(v.transport, 'local');
  });

  it('accepts ports 1-65535 only', () => {
    assert.equal(parsePort('1'), 1);
    assert.equal(parsePort(' 65535 '), 65535);
    for (const bad of ['0', '65536', '70000', '-1', '5432.5', '', 'abc', '1e3']) assert.equal(parsePort(bad), undefined, bad);
  });

  it('requires a name, unique regardless of case, but allows keeping its own', () => {
    assert.match(validateServerForm(valid({ name: '  ' }), [existing]).name ?? '', /Enter a name/);
    assert.match(validateServerForm(valid({ name: 'DB1' }), [existing]).name ?? '', /already named/);
    assert.equal(validateServerForm(valid({ name: 'db1' }), [existing], 's1').name, undefined);
  });

  it('reports every invalid field at once', () => {
    const e = validateServerForm(valid({ host: '', port: '70000', user: '', database: '' }), []);
    assert.deepEqual(Object.keys(e).sort(), ['database', 'host', 'port', 'user']);
  });

  it('checks SSH fields only for SSH, and the key path only for key auth', () => {
    assert.deepEqual(validateServerForm(valid({ sshHost: '', keyPath: '' }), []), {});
    const e = validateServerForm(valid({ transport: 'ssh', sshHost: '', sshPort: '0', sshUser: '', keyPath: '' }), []);
    assert.deepEqual(Object.keys(e).sort(), ['keyPath', 'sshHost', 'sshPort', 'sshUser']);
    assert.equal(validateServerForm(valid({ transport: 'ssh', sshHost: 'h', sshAuth: 'agent', keyPath: '' }), []).keyPath, undefined);
  });

  it('builds a ServerInput: trimmed, secrets kept unless typed or forgotten', () => {
    const input = toServerInput(valid({ name: ' db2 ', port: '5433' }));
    assert.equal(input.id, undefined);
    assert.equal(input.name, 'db2');
    assert.equal(input.port, 5433);
    assert.deepEqual(input.transport, { kind: 'local' });
    assert.equal(input.password, undefined);
    assert.equal(toServerInput(valid({ password: 'pw' })).password, 'pw');
    assert.equal(toServerInput(valid({ forgetPassword: true })).password, null);
  });

  it('keeps what the form does not show when editing', () => {
    const same = toServerInput({ ...initialValues(existing), password: '' }, existing);
    assert.equal(same.id, 's1');
    assert.equal(same.mode, 'exclusive');
    assert.equal(same.password, undefined);
    assert.deepEqual(same.transport, { kind: 'ssh', host: 'db1.example.com', port: 22, user: 'postgres', auth: 'key', keyPath: '/home/dba/.ssh/id_ed25519' });
  });

  it('maps engine field names onto form fields', () => {
    assert.equal(formFieldFor('transport.keyPath'), 'keyPath');
    assert.equal(formFieldFor('port'), 'port');
    assert.equal(formFieldFor('nonsense'), undefined);
    assert.equal(formFieldFor(undefined), undefined);
  });
});
