import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerConfig } from '../../shared/models/server';
import { MemorySecretStore } from '../../electron/engine/secrets/secret-store';
import { connectSsh } from '../../electron/engine/ssh/ssh-connect';
import { openTransport } from '../../electron/engine/transport/open-transport';
import { shellQuote, type RemoteProcess, type Transport } from '../../electron/engine/transport/transport';
import { crc32c } from '@node-rs/crc32';
import { crc32cHex } from '../../electron/engine/backup/checksum';
import { SlotPool } from '../../electron/engine/backup/file-sink';
import { RANGE_UNIT, rangeCopy } from '../../electron/engine/backup/range-copy';
import { labSshTransport } from '../lab/lab-server';
import { getLab, type Lab } from '../lab/lab';

const SIZE = 50 * 1024 * 1024;
let lab: Lab;
let dir: string;
let nastyDir: string;
let bigFile: string;
let bigHash: string;

before(async () => {
  lab = await getLab();
  // Readable and writable by the lab's SSH user (postgres) as well as by us.
  dir = mkdtempSync(join(tmpdir(), 'tidemark-transport-'));
  chmodSync(dir, 0o777);
  // Any shell expansion of this name (quotes, $(), backticks) yields another path, and cat fails.
  nastyDir = join(dir, `it's a "dir" with $(exit 7) $HOME and ünïcødé`);
  mkdirSync(nastyDir, { mode: 0o777 });
  chmodSync(nastyDir, 0o777);
  bigFile = join(nastyDir, 'base 16384 `x`.bin');
  const data = randomBytes(SIZE);
  writeFileSync(bigFile, data);
  chmodSync(bigFile, 0o644);
  bigHash = sha256(data);
});
after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await lab?.stop();
});

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function server(kind: 'local' | 'ssh'): ServerConfig {
  const ssh = lab.ssh!;
  return {
    id: randomUUID(),
    name: kind,
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    sslMode: 'disable',
    transport: kind === 'local' ? { kind: 'local' } : labSshTransport(ssh),
  };
}

/** Hash and count a stream as it arrives. */
async function digest(stream: Readable): Promise<{ bytes: number; hash: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { bytes, hash: hash.digest('hex') };
}

const settled = (p: Promise<unknown>): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 0))]);

for (const kind of ['local', 'ssh'] as const) {
  describe(`${kind} transport`, () => {
    let t: Transport;
    before(async () => {
      t = await openTransport(server(kind), new MemorySecretStore());
    });
    after(async () => {
      await t?.close();
    });

    test('streams a 50 MB file byte for byte through spawn(cat), path with spaces and quotes', async () => {
      const proc = t.spawn(`cat ${shellQuote(bigFile)}`);
      proc.stderr.resume();
      const [got, exit] = await Promise.all([digest(proc.stdout), proc.exit]);
      assert.deepEqual(exit, { code: 0 });
      assert.equal(got.bytes, SIZE);
      assert.equal(got.hash, bigHash);
    });

    test('respects backpressure: a paused reader holds the command back', async () => {
      const proc = t.spawn(`cat ${shellQuote(bigFile)}`);
      proc.stderr.resume();
      // Do not read for a while: the command must wait, and little may pile up here.
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await settled(proc.exit), false, 'the command ran to its end with nobody reading');
      assert.ok(proc.stdout.readableLength < 8 * 1024 * 1024, `buffered ${proc.stdout.readableLength} bytes`);
      const got = await digest(proc.stdout);
      assert.deepEqual(await proc.exit, { code: 0 });
      assert.equal(got.hash, bigHash);
    });

    test('stdin streams in too', async () => {
      const dest = join(nastyDir, `upload ${kind} 'copy'.bin`);
      const proc = t.spawn(`cat > ${shellQuote(dest)}`);
      proc.stdout.resume();
      proc.stderr.resume();
      await pipeline(createReadStream(bigFile), proc.stdin);
      assert.deepEqual(await proc.exit, { code: 0 });
      assert.equal(statSync(dest).size, SIZE);
      assert.equal(sha256(readFileSync(dest)), bigHash);
      rmSync(dest);
    });

    test('exec: quoted paths, exit codes, stderr', async () => {
      const r = await t.exec(`wc -c < ${shellQuote(bigFile)}; ls ${shellQuote(join(nastyDir, 'missing'))}`);
      assert.equal(r.stdout.toString().trim(), String(SIZE));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /missing/);
    });

    test('exec: timeout and abort', async () => {
      const started = Date.now();
      await assert.rejects(t.exec('sleep 20', { timeoutMs: 300 }), { code: 'TIMEOUT' });
      await assert.rejects(t.exec('sleep 20', { signal: AbortSignal.timeout(300) }), { code: 'CANCELLED' });
      assert.ok(Date.now() - started < 5000);
    });

    test('kill() ends a running command', async () => {
      const proc: RemoteProcess = t.spawn('sleep 30');
      proc.stdout.resume();
      proc.stderr.resume();
      setTimeout(() => proc.kill(), 200);
      const started = Date.now();
      const exit = await proc.exit;
      assert.notEqual(exit.code, 0);
      assert.ok(Date.now() - started < 5000);
    });

    test('kill() at once, or an aborted signal, ends the command even before it has started', async () => {
      for (const how of ['kill', 'signal'] as const) {
        const started = Date.now();
        const proc = how === 'kill' ? t.spawn('sleep 30') : t.spawn('sleep 30', { signal: AbortSignal.abort() });
        if (how === 'kill') proc.kill(); // the channel is not open yet
        proc.stdout.resume();
        proc.stderr.resume();
        const exit = await proc.exit;
        assert.notEqual(exit.code, 0, how);
        assert.ok(Date.now() - started < 4000, `${how}: took ${Date.now() - started} ms`);
      }
    });

    test('kill() ends a command whose output nobody reads', async () => {
      const proc = t.spawn(`cat ${shellQuote(bigFile)}`);
      proc.stderr.resume();
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      proc.kill();
      const exit = await proc.exit;
      assert.notEqual(exit.code, 0);
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    });
  });
}

describe('ssh connection', () => {
  test('negotiates AES-GCM, the fastest cipher on AES-NI machines', async () => {
    const t = server('ssh').transport as Extract<ServerConfig['transport'], { kind: 'ssh' }>;
    const { client, cipher, hostKey } = await connectSsh(t);
    client.end();
    assert.equal(cipher, 'aes128-gcm@openssh.com');
    assert.equal(hostKey.fingerprint, lab.ssh!.hostKeyFingerprint);
  });
});

describe('ssh transport, connection lost', () => {
  test('a dropped connection resolves exit with code null; later commands fail cleanly', async () => {
    const t = await openTransport(server('ssh'), new MemorySecretStore());
    try {
      // The parent of the remote shell is this connection's sshd session process.
      const sessionPid = Number((await t.exec('echo $PPID')).stdout.toString().trim());
      assert.ok(sessionPid > 1);
      const proc = t.spawn('echo $$; exec sleep 30');
      proc.stderr.resume();
      const sleeperPid = await new Promise<number>((resolve) => proc.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))));
      proc.stdout.resume();
      try {
        process.kill(sessionPid, 'SIGKILL');
        assert.deepEqual(await proc.exit, { code: null });
      } finally {
        // The remote sleep outlives its session: it is ours to end.
        try {
          process.kill(sleeperPid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      const late = t.spawn('true');
      late.stdout.resume();
      let stderr = '';
      late.stderr.on('data', (c: Buffer) => (stderr += c));
      const stderrDone = new Promise((resolve) => late.stderr.once('end', resolve));
      assert.deepEqual(await late.exit, { code: null });
      await stderrDone;
      assert.match(stderr, /closed|Not connected/);
    } finally {
      await t.close();
    }
  });
});

describe('byte ranges over ssh', () => {
  test('a range of a file whose name needs quoting arrives exact, plain and zstd-compressed; a dropped connection mid-range fails with SSH_CONNECT', async () => {
    const t = await openTransport(server('ssh'), new MemorySecretStore());
    const localDir = mkdtempSync(join(tmpdir(), 'tidemark-range-ssh-'));
    try {
      const name = 'base 16384 `x`.bin';
      const range = { path: name, mtime: 0, fileSize: SIZE, offset: RANGE_UNIT, length: 20 * RANGE_UNIT };
      const stream = (onBytes: (n: number) => void = () => {}) => ({ pool: new SlotPool(), algorithm: 'CRC32C' as const, onBytes });
      const want = readFileSync(bigFile).subarray(RANGE_UNIT, 21 * RANGE_UNIT);
      for (const compression of ['none', 'zstd'] as const) {
        rmSync(join(localDir, name), { force: true });
        let wire = 0;
        const ok = await rangeCopy({ transport: t, remoteDir: nastyDir, range, localDir, signal: new AbortController().signal, stream: stream(), compression, onWireBytes: (n) => (wire += n) });
        assert.deepEqual(ok, { vanished: false, checksum: crc32cHex(crc32c(want)) }, compression);
        assert.ok(readFileSync(join(localDir, name)).subarray(RANGE_UNIT).equals(want), compression);
        // Random bytes do not compress: zstd sends them as raw blocks, a few bytes of framing more.
        assert.ok(compression === 'none' ? wire === want.length : wire > want.length && wire < want.length * 1.01, `${compression}: ${wire} bytes on the wire`);
      }

      // The sshd session of this connection is the parent of the remote shell.
      const sessionPid = Number((await t.exec('echo $PPID')).stdout.toString().trim());
      let killed = false;
      const cut = stream((n) => {
        // Called as bytes arrive: the range is mid-flight when the connection dies.
        if (!killed && n > 0) {
          killed = true;
          process.kill(sessionPid, 'SIGKILL');
        }
      });
      await assert.rejects(
        rangeCopy({ transport: t, remoteDir: nastyDir, range: { ...range, length: SIZE - RANGE_UNIT }, localDir, signal: new AbortController().signal, stream: cut, compression: 'zstd' }),
        (e: Error & { code?: string }) => e.code === 'SSH_CONNECT' && /connection to the database host .* was lost/.test(e.message),
      );
      assert.ok(killed);
    } finally {
      await t.close();
      rmSync(localDir, { recursive: true, force: true });
    }
  });
});

