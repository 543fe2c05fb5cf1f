import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  parseKeyValues,
  parseOdUint64,
  postmasterAlive,
  probeLabel,
  probePgdata,
  readControlSystemIdentifier,
  toolVersions,
} from '../../../../electron/engine/checks/remote-probes';
import { LocalTransport } from '../../../../electron/engine/transport/local-transport';

let dir: string;
const transport = new LocalTransport();

/** A fake data directory: just the files the probes look at. */
function fakePgdata(name: string, systemId: bigint): string {
  const pgdata = join(dir, name, "data dir's");
  mkdirSync(join(pgdata, 'global'), { recursive: true });
  const control = Buffer.alloc(64);
  control.writeBigUInt64LE(systemId, 0);
  writeFileSync(join(pgdata, 'global', 'pg_control'), control);
  writeFileSync(join(pgdata, 'PG_VERSION'), '17\n');
  return pgdata;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-probes-'));
});
after(async () => {
  await transport.close();
  rmSync(dir, { recursive: true, force: true });
});

test('parseOdUint64 reads od -An -tu8 output, and refuses anything else', () => {
  assert.equal(parseOdUint64('  7312345678901234567\n'), '7312345678901234567');
  assert.throws(() => parseOdUint64('head: cannot open'), /system identifier/);
});

test('parseKeyValues keeps values containing "="', () => {
  const kv = parseKeyValues('a=1\nb = x=y\nnoise\n');
  assert.equal(kv.get('a'), '1');
  assert.equal(kv.get('b'), 'x=y');
  assert.equal(kv.size, 2);
});

test('the system identifier is read from the first 8 bytes of global/pg_control', async () => {
  const pgdata = fakePgdata('sysid', 7312345678901234567n);
  assert.equal(await readControlSystemIdentifier(transport, pgdata), '7312345678901234567');
});

test('probePgdata tells a readable data directory from a missing one', async () => {
  const pgdata = fakePgdata('access', 1n);
  const okState = await probePgdata(transport, pgdata);
  assert.equal(okState.state, 'ok');
  assert.equal(okState.pgVersion, '17');
  assert.equal((await probePgdata(transport, join(dir, 'nope'))).state, 'missing');
  mkdirSync(join(dir, 'empty'));
  assert.equal((await probePgdata(transport, join(dir, 'empty'))).state, 'no-pg-control');
});

test('probeLabel: no label, then a label with a postmaster.pid naming a dead process', async () => {
  const pgdata = fakePgdata('label', 1n);
  let p = await probeLabel(transport, pgdata);
  assert.equal(p.dir, 'ok');
  assert.equal(p.label, false);
  assert.equal(p.pidFile, false);

  writeFileSync(join(pgdata, 'backup_label'), 'START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\nSTART TIME: 2024-05-01 10:00:00 UTC\nLABEL: nightly\n');
  // A PID that surely does not exist: a child that has already exited.
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  writeFileSync(join(pgdata, 'postmaster.pid'), `${child.pid}\n${pgdata}\n`);
  p = await probeLabel(transport, pgdata);
  assert.equal(p.label, true);
  assert.ok(p.labelMtime && Math.abs(p.labelMtime * 1000 - Date.now()) < 60_000);
  assert.match(p.labelText ?? '', /LABEL: nightly/);
  assert.equal(p.pidFile, true);
  assert.equal(p.pid, child.pid);
  assert.equal(postmasterAlive(p), false);

  // A live process that is not postgres (this test runner) does not count either.
  writeFileSync(join(pgdata, 'postmaster.pid'), `${process.pid}\n`);
  p = await probeLabel(transport, pgdata);
  assert.ok(p.command, 'the command of a live PID is reported');
  assert.equal(postmasterAlive(p), false);
});

test('toolVersions finds GNU tar, find and zstd here', async () => {
  const v = await toolVersions(transport);
  assert.match(v.tar ?? '', /GNU tar/);
  assert.match(v.find ?? '', /GNU findutils/);
  assert.match(v.zstd ?? '', /Zstandard CLI/);
});
