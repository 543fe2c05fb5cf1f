import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KnownHostKey, ServerConfig, TransportConfig } from '../../shared/models/server';
import { MemorySecretStore } from '../../electron/engine/secrets/secret-store';
import { testServer } from '../../electron/engine/servers/server-test';
import { openPgSession, pgTargetFor } from '../../electron/engine/pg/session';
import { getLab, type Lab } from '../lab/lab';
import type { LabCluster } from '../lab/cluster';
import { startSshd } from '../lab/sshd';
import { labSshTransport } from '../lab/lab-server';

let lab: Lab;
before(async () => {
  lab = await getLab();
});
after(async () => {
  await lab?.stop();
});

function serverFor(cluster: LabCluster, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    id: randomUUID(),
    name: cluster.name,
    host: cluster.host,
    port: cluster.port,
    user: cluster.superuser,
    database: 'postgres',
    sslMode: 'prefer',
    transport: { kind: 'local' },
    ...overrides,
  };
}

async function secretsWith(server: ServerConfig, values: { password?: string; passphrase?: string }): Promise<MemorySecretStore> {
  const secrets = new MemorySecretStore();
  if (values.password !== undefined) await secrets.set(server.id, 'password', values.password);
  if (values.passphrase !== undefined) await secrets.set(server.id, 'passphrase', values.passphrase);
  return secrets;
}

/** A TCP server that accepts and never says a word: the worst kind of wrong port. */
async function hangingServer(): Promise<{ port: number; sockets: Socket[]; ended: Set<Socket>; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const ended = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    s.on('end', () => ended.add(s));
    s.on('close', () => ended.add(s));
    s.resume(); // read and ignore, so the client's close is seen
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    sockets,
    ended,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const closedPort = async (): Promise<number> => {
  const h = await hangingServer();
  await h.close();
  return h.port;
};

async function expectCode(p: Promise<unknown>, code: string): Promise<Error & { code: string; hint?: string; details?: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    assert.equal((e as { code?: string }).code, code, `expected ${code}, got ${(e as Error).message}`);
    return e as Error & { code: string };
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

describe('testServer against PostgreSQL', () => {
  for (const major of [14, 17] as const) {
    for (const role of ['primary', 'standby'] as const) {
      test(`PG ${major} ${role}: role, version, system identifier, data directory`, async (t) => {
        const cluster = lab.clusters[`pg${major}`]?.[role];
        if (!cluster) return t.skip(`the lab has no PG ${major} ${role}`);
        const server = serverFor(cluster);
        const report = await testServer(server, await secretsWith(server, { password: cluster.password }));
        assert.equal(report.role, role);
        assert.equal(Math.floor(report.versionNum / 10000), major);
        assert.match(report.version, new RegExp(`^${major}\\.`));
        assert.equal(report.systemIdentifier, await cluster.sql('select system_identifier from pg_control_system()'));
        assert.equal(report.dataDirectory, await cluster.sql('show data_directory'));
        assert.ok(report.timeline >= 1);
        assert.equal(report.ssh, undefined);
        assert.ok(report.durationMs < 10_000);
      });
    }
  }

  test('a role that may not read data_directory falls back to the configured pgdata', async () => {
    const primary = lab.clusters.pg17!.primary;
    const role = `tm_plain_${process.pid}`;
    await primary.sql(`create role ${role} login password 'plain-pw'`);
    try {
      const server = serverFor(primary, { user: role, pgdata: '/configured/pgdata' });
      const report = await testServer(server, await secretsWith(server, { password: 'plain-pw' }));
      assert.equal(report.dataDirectory, '/configured/pgdata');
      assert.equal(report.systemIdentifier, await primary.sql('select system_identifier from pg_control_system()'));
    } finally {
      await primary.sql(`drop role ${role}`);
    }
  });

  test('wrong password: PG_AUTH', async () => {
    const server = serverFor(lab.clusters.pg17!.primary);
    const e = await expectCode(testServer(server, await secretsWith(server, { password: 'wrong' })), 'PG_AUTH');
    assert.match(e.message, /Password authentication failed for role "postgres"/);
  });

  test('no stored password: PGPASSFILE is honoured (libpq convention)', async () => {
    const cluster = lab.clusters.pg14!.primary;
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-pgpass-'));
    const saved = { PGPASSFILE: process.env.PGPASSFILE, PGPASSWORD: process.env.PGPASSWORD };
    try {
      const file = join(dir, 'pgpass');
      writeFileSync(file, `${cluster.host}:${cluster.port}:*:postgres:${cluster.password}\n`);
      chmodSync(file, 0o600);
      process.env.PGPASSFILE = file;
      delete process.env.PGPASSWORD;
      const server = serverFor(cluster);
      assert.equal((await testServer(server, new MemorySecretStore())).role, 'primary');
      writeFileSync(file, `${cluster.host}:${cluster.port}:*:postgres:not-it\n`);
      await expectCode(testServer(server, new MemorySecretStore()), 'PG_AUTH');
      rmSync(file);
      const e = await expectCode(testServer(server, new MemorySecretStore()), 'PG_AUTH');
      assert.match(e.hint!, /pgpass/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('closed port: PG_CONNECT, fast', async () => {
    const started = Date.now();
    const server = serverFor(lab.clusters.pg17!.primary, { port: await closedPort() });
    const e = await expectCode(testServer(server, new MemorySecretStore()), 'PG_CONNECT');
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
    assert.ok(Date.now() - started < 2000);
  });

  test('a server that accepts and never answers: TIMEOUT within the bound, socket closed', async () => {
    const hang = await hangingServer();
    try {
      const started = Date.now();
      const server = serverFor(lab.clusters.pg17!.primary, { port: hang.port });
      await expectCode(testServer(server, new MemorySecretStore()), 'TIMEOUT');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 9000 && elapsed < 12_000, `took ${elapsed} ms`);
      assert.ok(hang.sockets.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.ok(hang.sockets.every((s) => hang.ended.has(s)), 'the client socket was left open');
    } finally {
      await hang.close();
    }
  });

  test('openPgSession: its own short timeout, and backup sessions ignore the role timeouts', async () => {
    const hang = await hangingServer();
    try {
      const started = Date.now();
      await expectCode(openPgSession({ host: '127.0.0.1', port: hang.port, user: 'x', database: 'x', sslMode: 'disable' }, { connectTimeoutMs: 500 }), 'TIMEOUT');
      assert.ok(Date.now() - started < 2000);
    } finally {
      await hang.close();
    }
    for (const major of [14, 17] as const) {
      const primary = lab.clusters[`pg${major}`]!.primary;
      const role = `tm_timeouts_${process.pid}`;
      const timeouts = ['statement_timeout', 'idle_in_transaction_session_timeout', ...(major >= 14 ? ['idle_session_timeout'] : [])];
      await primary.sql(`create role ${role} login password 'pw'`);
      try {
        for (const s of timeouts) await primary.sql(`alter role ${role} set ${s} = '500ms'`);
        const server = serverFor(primary, { user: role });
        const target = await pgTargetFor(server, await secretsWith(server, { password: 'pw' }));
        const plain = await openPgSession(target);
        const backup = await openPgSession(target, { backup: true, applicationName: 'tidemark backup test' });
        try {
          assert.equal((await plain.query('show statement_timeout')).rows[0].statement_timeout, '500ms');
          for (const s of timeouts) assert.equal((await backup.query(`show ${s}`)).rows[0][s], '0', s);
          await backup.query('select pg_sleep(0.8)');
          const { rows } = await backup.query('select application_name from pg_stat_activity where pid = pg_backend_pid()');
          assert.equal(rows[0].application_name, 'tidemark backup test');
        } finally {
          await plain.end().catch(() => {});
          await backup.end();
        }
      } finally {
        await primary.sql(`drop role ${role}`);
      }
    }
  });
});

describe('testServer over SSH', () => {
  const sshServer = (overrides: Partial<Extract<TransportConfig, { kind: 'ssh' }>> = {}, known?: KnownHostKey): ServerConfig => {
    const ssh = lab.ssh!;
    const cluster = lab.clusters.pg17!.primary;
    return serverFor(cluster, {
      transport: { ...labSshTransport(ssh, { trusted: false }), ...(known && { knownHostKey: known }), ...overrides },
    });
  };
  const hostKeyType = (): string => lab.ssh!.hostPublicKey.split(' ')[0];
  const accepted = (): KnownHostKey => ({
    fingerprint: lab.ssh!.hostKeyFingerprint,
    keyType: hostKeyType(),
    acceptedAt: new Date().toISOString(),
  });
  const password = () => ({ password: lab.clusters.pg17!.primary.password });

  test('first connection: SSH_HOSTKEY_UNKNOWN with the server fingerprint and the way to check it', async () => {
    const server = sshServer();
    const e = await expectCode(testServer(server, await secretsWith(server, password())), 'SSH_HOSTKEY_UNKNOWN');
    assert.equal(e.details!.fingerprint, lab.ssh!.hostKeyFingerprint);
    assert.equal(e.details!.keyType, hostKeyType());
    assert.equal(e.details!.host, lab.ssh!.host);
    assert.match(e.hint!, /ssh-keygen -lf \/etc\/ssh\/ssh_host_\*_key\.pub/);
  });

  test('accepted host key: PostgreSQL and SSH facts together', async () => {
    const server = sshServer({}, accepted());
    const report = await testServer(server, await secretsWith(server, password()));
    assert.equal(report.role, 'primary');
    assert.deepEqual(report.ssh, { fingerprint: lab.ssh!.hostKeyFingerprint, keyType: hostKeyType(), user: lab.ssh!.user });
  });

  test('RSA key in PEM format works too', async () => {
    const server = sshServer({ keyPath: lab.ssh!.rsaKeyPath }, accepted());
    assert.equal((await testServer(server, await secretsWith(server, password()))).ssh?.user, lab.ssh!.user);
  });

  test('another sshd with a different host key: SSH_HOSTKEY_CHANGED, both fingerprints shown', async () => {
    const other = await startSshd({ clientKeysFrom: lab.ssh!.toJSON(), hostKeyType: 'ecdsa' });
    try {
      const server = sshServer({ port: other.port }, accepted());
      const e = await expectCode(testServer(server, await secretsWith(server, password())), 'SSH_HOSTKEY_CHANGED');
      assert.equal(e.details!.stored, lab.ssh!.hostKeyFingerprint);
      assert.equal(e.details!.offered, other.hostKeyFingerprint);
      assert.ok(e.message.includes(lab.ssh!.hostKeyFingerprint) && e.message.includes(other.hostKeyFingerprint));
    } finally {
      await other.stop();
    }
  });

  test('encrypted key: SSH_KEY without passphrase, works with it', async () => {
    const server = sshServer({ keyPath: lab.ssh!.encryptedKeyPath }, accepted());
    const e = await expectCode(testServer(server, await secretsWith(server, password())), 'SSH_KEY');
    assert.match(e.message, /encrypted/);
    await expectCode(testServer(server, await secretsWith(server, { ...password(), passphrase: 'wrong' })), 'SSH_KEY');
    const report = await testServer(server, await secretsWith(server, { ...password(), passphrase: lab.ssh!.passphrase }));
    assert.equal(report.ssh?.user, lab.ssh!.user);
  });

  test('unreadable key path: SSH_KEY', async () => {
    for (const keyPath of ['/nonexistent/id_ed25519', lab.ssh!.dir]) {
      const server = sshServer({ keyPath }, accepted());
      await expectCode(testServer(server, await secretsWith(server, password())), 'SSH_KEY');
    }
  });

  test('a user sshd does not let in: SSH_AUTH', async () => {
    const server = sshServer({ user: 'root' }, accepted());
    await expectCode(testServer(server, await secretsWith(server, password())), 'SSH_AUTH');
  });

  test('closed port: SSH_CONNECT; silent port: TIMEOUT within the bound', async () => {
    const closed = sshServer({ port: await closedPort() }, accepted());
    await expectCode(testServer(closed, await secretsWith(closed, password())), 'SSH_CONNECT');
    const hang = await hangingServer();
    try {
      const started = Date.now();
      const server = sshServer({ port: hang.port }, accepted());
      await expectCode(testServer(server, await secretsWith(server, password())), 'TIMEOUT');
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 12_000, `took ${elapsed} ms`);
    } finally {
      await hang.close();
    }
  });

  test('ssh-agent: the key loaded in the agent at $SSH_AUTH_SOCK logs in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidemark-agent-'));
    const sock = join(dir, 'agent.sock');
    const saved = process.env.SSH_AUTH_SOCK;
    let agent: ChildProcess | undefined;
    try {
      agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', ['-q', lab.ssh!.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'pipe' });
      const server = sshServer({ auth: 'agent', keyPath: undefined }, accepted());
      delete process.env.SSH_AUTH_SOCK;
      await expectCode(testServer(server, await secretsWith(server, password())), 'SSH_AUTH');
      process.env.SSH_AUTH_SOCK = sock;
      const report = await testServer(server, await secretsWith(server, password()));
      assert.equal(report.ssh?.user, lab.ssh!.user);
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent?.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
