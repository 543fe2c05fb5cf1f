import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { LabCluster } from '../lab/cluster';
import { getLab, type Lab } from '../lab/lab';
import { backupAndWait, labServer, makeHarness, removeRestored, restoreAndStart, serverLeftovers, verifyBackup, waitFor, type Harness } from './backup-harness';

let lab: Lab;
let h: Harness;
/** Runs after each copied file; the copy waits for it, so faults land mid-copy, deterministically. */
let hook: ((info: { jobId: string; path: string }) => void | Promise<void>) | null = null;

before(async () => {
  lab = await getLab();
  h = makeHarness({ parallel: 2 }, { onFileCopied: (info) => hook?.(info) });
});
beforeEach(() => {
  hook = null;
});
after(async () => {
  await h?.dispose();
  await lab?.stop();
});

/** Calls fn once, when the copy has written `n` files. */
function atFile(n: number, fn: (info: { jobId: string; path: string }) => void | Promise<void>): void {
  let count = 0;
  hook = async (info) => {
    if (++count === n) await fn(info);
  };
}

async function addServer(cluster: LabCluster): Promise<string> {
  const server = labServer(lab, cluster);
  await h.add(server, cluster.password);
  return server.id;
}

/** No backup in progress, no slot, no session left: waits (bounded) for the server to notice. */
async function assertClean(cluster: LabCluster): Promise<void> {
  await waitFor('the backup session to end', async () => (await serverLeftovers(cluster)).sessions === 0, 20_000);
  assert.deepEqual(await serverLeftovers(cluster), { inBackup: false, slots: 0, sessions: 0 });
}

/** The SSH connections the lab's sshd serves are its children: kill exactly those. */
function killSshSessions(): void {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(lab.ssh!.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  assert.ok(pids.length > 0, 'the backup has SSH sessions open');
  for (const pid of pids) process.kill(pid, 'SIGKILL');
}

describe('a backup that cannot finish leaves nothing behind', () => {
  test('SSH connection killed mid-copy (PG 17 primary)', async () => {
    const cluster = lab.clusters.pg17!.primary;
    const id = await addServer(cluster);
    atFile(50, () => killSshSessions());
    const done = await backupAndWait(h, id);
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error?.code, 'SSH_CONNECT', String(done.error?.message));
    await assertClean(cluster);
  });

  test('SSH connection killed mid-copy of an exclusive backup (PG 14): Tidemark stops it', async () => {
    const cluster = lab.clusters.pg14!.primary;
    const id = await addServer(cluster);
    atFile(50, () => killSshSessions());
    const done = await backupAndWait(h, id, 'exclusive');
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error?.code, 'SSH_CONNECT', String(done.error?.message));
    await assertClean(cluster);
  });

  for (const [name, pick, mode] of [
    ['PG 17 primary, concurrent', () => lab.clusters.pg17!.primary, 'concurrent'],
    ['PG 14 primary, exclusive', () => lab.clusters.pg14!.primary, 'exclusive'],
  ] as const) {
    test(`backup backend terminated mid-copy (${name})`, async () => {
      const cluster = pick();
      const id = await addServer(cluster);
      atFile(50, async () => {
        const n = await cluster.sql("select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'tidemark backup'");
        assert.equal(n, '1');
      });
      const done = await backupAndWait(h, id, mode);
      assert.equal(done.status, 'FAILED');
      assert.match(done.error?.message ?? '', /session .* ended unexpectedly/);
      await assertClean(cluster);
    });

    test(`cancel mid-copy (${name})`, async () => {
      const cluster = pick();
      const id = await addServer(cluster);
      atFile(50, (info) => h.service.cancel(info.jobId));
      const done = await backupAndWait(h, id, mode);
      assert.equal(done.status, 'CANCELLED');
      assert.equal(done.error?.code, 'CANCELLED');
      const [rec] = await h.service.list(id);
      assert.equal(rec.status, 'CANCELLED');
      await assertClean(cluster);
    });
  }

  // A cancel may land after the copy, as the DBA clicks: the job still ends, at once, and cleanly.
  for (const phase of ['stop', 'wal', 'manifest'] as const) {
    test(`cancel in the ${phase} phase (PG 17 standby): the job ends, nothing left behind`, async () => {
      const cluster = lab.clusters.pg17!.standby!;
      const id = await addServer(cluster);
      const off = h.bus.on('job:progress', (p) => {
        if (p.serverId === id && p.phase === phase) void h.service.cancel(p.jobId).catch(() => {});
      });
      try {
        const t0 = Date.now();
        const done = await backupAndWait(h, id);
        assert.ok(Date.now() - t0 < 60_000, `the job ended after ${Date.now() - t0} ms`);
        // In the manifest phase the backup may be complete already: then DONE is the truth.
        assert.ok(done.status === 'CANCELLED' || (phase === 'manifest' && done.status === 'DONE'), `${done.status}: ${JSON.stringify(done.error)}`);
        const [rec] = await h.service.list(id);
        assert.equal(rec.status, done.status);
        await assertClean(cluster);
        if (done.status === 'DONE') {
          // A backup that finished despite the late cancel must be a good one: verified, restored, started.
          assert.match(await verifyBackup(h, id, done.backupId, false), /backup successfully verified/);
          const restored = await restoreAndStart(h, id, done.backupId, cluster);
          try {
            assert.match(restored.logText(), /consistent recovery state reached/);
            assert.equal(await restored.sql('select pg_is_in_recovery()'), 'f');
          } finally {
            await restored.stop('immediate');
            removeRestored(restored);
          }
        }
      } finally {
        off();
      }
    });
  }

  test('an unreadable file fails the backup with its name (PG 17 primary)', async () => {
    const cluster = lab.clusters.pg17!.primary;
    const id = await addServer(cluster);
    const file = join(cluster.pgdata, 'tidemark-unreadable-test');
    writeFileSync(file, 'secret');
    chmodSync(file, 0o000); // owned by root: the SSH user postgres cannot read it
    try {
      const done = await backupAndWait(h, id);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error?.code, 'IO');
      assert.match(done.error?.message ?? '', /tidemark-unreadable-test/);
    } finally {
      rmSync(file, { force: true });
    }
    await assertClean(cluster);
  });

  test('a full destination fails the backup with DISK_FULL', async (t) => {
    const cluster = lab.clusters.pg17!.primary;
    const small = makeHarness({ parallel: 2 });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tidemark-full', small.root], { stdio: 'ignore' });
    } catch {
      t.skip('cannot mount a small tmpfs here');
      await small.dispose();
      return;
    }
    try {
      const server = labServer(lab, cluster);
      await small.add(server, cluster.password);
      const done = await backupAndWait(small, server.id);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error?.code, 'DISK_FULL', String(done.error?.message));
      await assertClean(cluster);
    } finally {
      await small.service.close();
      execFileSync('umount', [small.root]);
      await small.dispose();
    }
  });
});

describe('refusals', () => {
  test('exclusive mode on PG 17 and on a standby is refused before anything starts', async () => {
    for (const cluster of [lab.clusters.pg17!.primary, lab.clusters.pg14!.standby!]) {
      const id = await addServer(cluster);
      const done = await backupAndWait(h, id, 'exclusive');
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error?.code, 'MODE_UNSUPPORTED');
      assert.match(done.error?.message ?? '', cluster.major >= 15 ? /PostgreSQL 17/ : /standby/);
      await assertClean(cluster);
      // With facts from a connection test, start() refuses at once.
      const known = { ...h.servers.get(id)!, facts: { version: '', versionNum: cluster.major * 10000, role: cluster.role, dataDirectory: cluster.pgdata, systemIdentifier: '', testedAt: '' } };
      h.servers.set(id, known);
      await assert.rejects(h.service.start(id, 'exclusive'), (e: { code?: string }) => e.code === 'MODE_UNSUPPORTED');
    }
  });

  test('a second backup of the same server is refused while one runs', async () => {
    const cluster = lab.clusters.pg17!.primary;
    const id = await addServer(cluster);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atCopy = new Promise<void>((r) => (reached = r));
    atFile(5, async () => {
      reached();
      await held;
    });
    const first = await h.service.start(id);
    await atCopy;
    await assert.rejects(h.service.start(id), (e: { code?: string; message?: string }) => e.code === 'BACKUP_BUSY' && /already running/.test(e.message ?? ''));
    assert.equal(h.service.jobs().length, 1);
    await assert.rejects(h.service.delete(id, first.backupId), (e: { code?: string }) => e.code === 'BACKUP_BUSY');
    release();
    const done = await h.service.waitForJob(first.jobId);
    assert.equal(done.status, 'DONE');
    assert.ok(existsSync(join((await h.service.get(id, first.backupId)).path, 'data', 'backup_manifest')));
    await h.service.delete(id, first.backupId);
    assert.deepEqual(await h.service.list(id), []);
  });
});
