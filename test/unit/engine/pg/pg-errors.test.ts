import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { TidemarkError } from '../../../../electron/engine/errors';
import { mapPgError } from '../../../../electron/engine/pg/pg-errors';

const target = { host: 'db1', port: 5433, user: 'backup', database: 'postgres' };

function serverError(code: string, message: string, extra: { hint?: string; detail?: string } = {}): Error {
  const e = new pg.DatabaseError(message, message.length, 'error');
  e.code = code;
  e.severity = 'FATAL';
  Object.assign(e, extra);
  return e;
}
const socketError = (code: string, message = code): Error => Object.assign(new Error(message), { code });

test('wrong password: PG_AUTH naming role and host, hint about the stored password', () => {
  const e = mapPgError(serverError('28P01', 'password authentication failed for user "backup"'), { ...target, password: 'x' });
  assert.equal(e.code, 'PG_AUTH');
  assert.match(e.message, /"backup".*db1:5433/);
  assert.match(e.hint!, /password stored/);
});

test('wrong password from ~/.pgpass: the hint says where the password came from', () => {
  const e = mapPgError(serverError('28P01', 'password authentication failed for user "backup"'), target);
  assert.equal(e.code, 'PG_AUTH');
  assert.match(e.hint!, /pgpass/);
});

test('no pg_hba.conf entry: PG_AUTH with a pg_hba line to add', () => {
  const e = mapPgError(
    serverError('28000', 'no pg_hba.conf entry for host "10.0.0.5", user "backup", database "postgres", no encryption'),
    target,
  );
  assert.equal(e.code, 'PG_AUTH');
  assert.match(e.message, /pg_hba\.conf/);
  assert.match(e.hint!, /host postgres backup .*pg_reload_conf/);
});

test('no such role: PG_AUTH', () => {
  const e = mapPgError(serverError('28000', 'role "backup" does not exist'), target);
  assert.equal(e.code, 'PG_AUTH');
  assert.equal(e.message, 'Role "backup" does not exist on db1:5433');
  assert.equal(e.field, 'user');
});

test('network failures: PG_CONNECT naming host:port', () => {
  for (const [code, pattern] of [
    ['ECONNREFUSED', /refused by db1:5433/],
    ['ENOTFOUND', /"db1" not found/],
    ['EHOSTUNREACH', /db1:5433 is unreachable/],
    ['ECONNRESET', /db1:5433 closed the connection/],
  ] as const) {
    const e = mapPgError(socketError(code), target);
    assert.equal(e.code, 'PG_CONNECT', code);
    assert.match(e.message, pattern);
    assert.ok(e.hint);
  }
  assert.equal(mapPgError(new Error('Connection terminated unexpectedly'), target).code, 'PG_CONNECT');
  const socket = mapPgError(socketError('ENOENT', 'connect ENOENT /run/pg/.s.PGSQL.5433'), { ...target, host: '/run/pg' });
  assert.equal(socket.code, 'PG_CONNECT');
  assert.match(socket.message, /No PostgreSQL server is listening at .*\/run\/pg.*socket file is missing/);
});

test('TLS problems: PG_CONNECT', () => {
  const noTls = mapPgError(new Error('The server does not support SSL connections'), target);
  assert.equal(noTls.code, 'PG_CONNECT');
  assert.equal(noTls.field, 'sslMode');
  const handshake = mapPgError(socketError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), target);
  assert.equal(handshake.code, 'PG_CONNECT');
  assert.match(handshake.message, /^TLS with db1:5433 failed/);
});

test('timeouts: TIMEOUT', () => {
  assert.equal(mapPgError(new Error('Connection terminated due to connection timeout'), target).code, 'TIMEOUT');
  assert.equal(mapPgError(new Error('timeout expired'), target).code, 'TIMEOUT');
});

test('no password known while the server asks for one: PG_AUTH with the libpq ways to give one', () => {
  const e = mapPgError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), target);
  assert.equal(e.code, 'PG_AUTH');
  assert.match(e.hint!, /\.pgpass.*PGPASSWORD/);
});

test('permission denied: PG_PRIVILEGE', () => {
  const e = mapPgError(serverError('42501', 'permission denied for function pg_backup_start'), target);
  assert.equal(e.code, 'PG_PRIVILEGE');
  assert.match(e.message, /pg_backup_start/);
});

test('start-up, slots and unknown database: PG_CONNECT', () => {
  assert.equal(mapPgError(serverError('57P03', 'the database system is starting up'), target).code, 'PG_CONNECT');
  assert.equal(mapPgError(serverError('53300', 'sorry, too many clients already'), target).code, 'PG_CONNECT');
  const db = mapPgError(serverError('3D000', 'database "nope" does not exist'), { ...target, database: 'nope' });
  assert.equal(db.code, 'PG_CONNECT');
  assert.equal(db.field, 'database');
});

test('anything else: PG_QUERY with the server message, detail and hint', () => {
  const e = mapPgError(serverError('55000', 'a backup is already in progress', { hint: 'Run pg_backup_stop()', detail: 'x' }), target);
  assert.equal(e.code, 'PG_QUERY');
  assert.equal(e.message, 'a backup is already in progress (x)');
  assert.equal(e.hint, 'Run pg_backup_stop()');
  assert.equal(mapPgError('weird', target).code, 'PG_QUERY');
});

test('TidemarkErrors pass through', () => {
  const original = new TidemarkError('TIMEOUT', 'slow');
  assert.equal(mapPgError(original, target), original);
});
