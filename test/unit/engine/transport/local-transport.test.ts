import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';
import { EXEC_STDOUT_CAP } from '../../../../electron/engine/transport/collect-exec';

const t = new LocalTransport();

test('exec collects stdout as bytes, stderr as text and the exit code', async () => {
  const r = await t.exec("printf 'a\\0b'; echo oops >&2; exit 3");
  assert.equal(r.code, 3);
  assert.deepEqual(r.stdout, Buffer.from('a\0b'));
  assert.equal(r.stderr, 'oops\n');
});

test('exec timeout kills the whole pipeline and rejects with TIMEOUT', async () => {
  const started = Date.now();
  await assert.rejects(t.exec('sleep 30 | cat', { timeoutMs: 300 }), { code: 'TIMEOUT' });
  assert.ok(Date.now() - started < 5000);
});

test('exec abort rejects with CANCELLED', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  await assert.rejects(t.exec('sleep 30', { signal: ac.signal }), { code: 'CANCELLED' });
  await assert.rejects(t.exec('true', { signal: AbortSignal.abort() }), { code: 'CANCELLED' });
});

test('exec refuses unbounded output', async () => {
  await assert.rejects(t.exec(`head -c ${EXEC_STDOUT_CAP + 1} /dev/zero`), { code: 'IO' });
});

test('spawn: stdin in, stdout out, kill ends it with a signal', async () => {
  const cat = t.spawn('tr a-z A-Z');
  const chunks: Buffer[] = [];
  cat.stdout.on('data', (c: Buffer) => chunks.push(c));
  cat.stdin.end('hello');
  assert.deepEqual(await cat.exit, { code: 0 });
  assert.equal(Buffer.concat(chunks).toString(), 'HELLO');

  const sleeper = t.spawn('sleep 30');
  sleeper.stdout.resume();
  sleeper.stderr.resume();
  setTimeout(() => sleeper.kill(), 100);
  const exit = await sleeper.exit;
  assert.equal(exit.code, null);
  assert.equal(exit.signal, 'SIGTERM');
});
