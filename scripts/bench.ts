/**
 * npm run bench [-- --major 14|17 --scale 70 --parallel 2 --keep]
 *
 * On a generated cluster of at least 1 GB (pgbench -i, reused between runs from
 * /tmp/tidemark-bench-<major>), times side by side: Debian's pg_basebackup -Fp -X stream (PG 14
 * only: pg_basebackup 15 refuses 17), rsync -a of PGDATA over OpenSSH, and a Tidemark full backup
 * over SSH in a child process (whose peak RSS, VmHWM, it reports).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { LabCluster } from '../test/lab/cluster';
import { chownTreeToPostgres, makePostgresDir } from '../test/lab/os-user';
import { debianBin, type LabMajor } from '../test/lab/pg-bin';
import { initPgbench } from '../test/lab/pgbench';
import { startSshd } from '../test/lab/sshd';

const run = promisify(execFile);

interface ChildJob {
  readonly cluster: { host: string; port: number; password: string; pgdata: string; name: string };
  readonly ssh: { host: string; port: number; user: string; keyPath: string; fingerprint: string; keyType: string };
  readonly parallel: number;
  readonly root: string;
}

async function child(job: ChildJob): Promise<void> {
  const { createBackupService } = await import('../electron/engine/backup/backup-service');
  const { EventBus } = await import('../electron/engine/events');
  const { MemorySecretStore } = await import('../electron/engine/secrets/secret-store');
  const secrets = new MemorySecretStore();
  const server = {
    id: 'bench', name: job.cluster.name, host: job.cluster.host, port: job.cluster.port, user: 'postgres', database: 'postgres',
    sslMode: 'disable' as const, pgdata: job.cluster.pgdata,
    transport: { kind: 'ssh' as const, host: job.ssh.host, port: job.ssh.port, user: job.ssh.user, auth: 'key' as const, keyPath: job.ssh.keyPath,
      knownHostKey: { fingerprint: job.ssh.fingerprint, keyType: job.ssh.keyType, acceptedAt: new Date().toISOString() } },
  };
  await secrets.set('bench', 'password', job.cluster.password);
  const bus = new EventBus();
  bus.on('job:log', (l) => process.stderr.write(`    [tidemark ${l.at.slice(11, 23)}] ${l.message}\n`));
  const service = createBackupService({
    bus, secrets, server: () => server, updateFacts: async () => {},
    settings: () => ({ backupRoot: job.root, defaultMode: 'concurrent', fastCheckpoint: true, parallel: job.parallel, defaultMaxBackupAgeHours: 24 }),
  });
  const t0 = performance.now();
  const { jobId } = await service.start('bench');
  const done = await service.waitForJob(jobId);
  const seconds = (performance.now() - t0) / 1000;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(`${JSON.stringify({ status: done.status, error: done.error, seconds, peakRssKb: hwm ? Number(hwm[1]) : null, bytes: done.backup.sizeBytes, copy: done.backup.copy })}\n`);
}

async function time(what: string, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`  ${what}: ${s.toFixed(2)} s`);
  return s;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      major: { type: 'string', default: '14' },
      scale: { type: 'string', default: '70' },
      parallel: { type: 'string', default: '2' },
      keep: { type: 'boolean', default: false },
      'tidemark-only': { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  if (values.child) return child(JSON.parse(values.child) as ChildJob);
  const major = Number(values.major) as LabMajor;
  const scale = Number(values.scale);
  const home = `/tmp/tidemark-bench-${major}`;
  const marker = join(home, `scale-${scale}`);

  let cluster: LabCluster;
  if (existsSync(marker)) {
    cluster = LabCluster.fromInfo(JSON.parse(readFileSync(marker, 'utf8')));
    await cluster.start();
  } else {
    rmSync(home, { recursive: true, force: true });
    makePostgresDir(home, 0o755);
    cluster = await LabCluster.init(major, { name: 'bench', dir: home });
    await cluster.start();
    console.log(`Generating pgbench scale ${scale} on PostgreSQL ${major} (once; reused next time)…`);
    await initPgbench(cluster, { scale });
    await cluster.sql('checkpoint');
    writeFileSync(marker, JSON.stringify(cluster.toJSON()));
  }
  const sshd = await startSshd();
  const out = mkdtempSync(join(tmpdir(), 'tidemark-bench-out-'));
  makePostgresDir(out, 0o777);
  try {
    const { stdout: du } = await run('du', ['-sb', cluster.pgdata]);
    const bytes = Number(du.split('\t')[0]);
    console.log(`PGDATA ${cluster.pgdata}: ${(bytes / 2 ** 30).toFixed(2)} GiB; warming the page cache`);
    await run('sh', ['-c', `find ${cluster.pgdata} -type f -exec cat {} + > /dev/null`]);

    const results: Record<string, number> = {};
    // Each contender starts with no dirty pages left by the previous one.
    const settle = (): Promise<unknown> => run('sync');
    const others = !values['tidemark-only'];
    if (!others) console.log('  (pg_basebackup and rsync skipped: --tidemark-only)');
    else if (major < 16) {
      await settle();
      results.pg_basebackup = await time('pg_basebackup -Fp -X stream', async () => {
        await run(debianBin('pg_basebackup'), ['-D', join(out, 'pgbb'), '-Fp', '-X', 'stream', '-c', 'fast'], { env: { ...process.env, ...cluster.clientEnv() } });
      });
    } else console.log('  pg_basebackup: skipped (Debian pg_basebackup 15 refuses PostgreSQL 17)');

    const sshCmd = `ssh -p ${sshd.port} -i ${sshd.clientKeyPath} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;
    await settle();
    if (others) results.rsync = await time('rsync -a over OpenSSH', async () => {
      await run('rsync', ['-a', '-e', sshCmd, `${sshd.user}@${sshd.host}:${cluster.pgdata}/`, join(out, 'rsync/')]);
    });

    const job: ChildJob = {
      cluster: { host: cluster.host, port: cluster.port, password: cluster.password, pgdata: cluster.pgdata, name: cluster.name },
      ssh: { host: sshd.host, port: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, fingerprint: sshd.hostKeyFingerprint, keyType: sshd.hostKeyType },
      parallel: Number(values.parallel),
      root: join(out, 'tidemark'),
    };
    mkdirSync(job.root);
    await settle();
    let report: { status: string; seconds: number; peakRssKb: number | null; error?: unknown } | undefined;
    results.tidemark = await time(`Tidemark over SSH (${job.parallel} streams)`, async () => {
      const p = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), '--import', 'tsx', __filename, '--child', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      p.stdout.on('data', (d: Buffer) => (text += d.toString()));
      await new Promise((r) => p.once('close', r));
      report = JSON.parse(text.trim().split('\n').pop() ?? '{}');
    });
    if (report?.status !== 'DONE') throw new Error(`Tidemark's backup failed: ${JSON.stringify(report)}`);

    console.log('\nResults');
    console.log(`  Tidemark backup (job only, without node start-up): ${report.seconds.toFixed(2)} s, peak RSS ${((report.peakRssKb ?? 0) / 1024).toFixed(0)} MB (target ≤ 200 MB)`);
    if (results.pg_basebackup) console.log(`  Tidemark / pg_basebackup: ${(report.seconds / results.pg_basebackup).toFixed(2)} (target ≤ 0.8)`);
    if (results.rsync) console.log(`  Tidemark / rsync -a:     ${(report.seconds / results.rsync).toFixed(2)} (target ≤ 0.5)`);
  } finally {
    await sshd.stop();
    if (!values.keep) await cluster.stop('fast');
    await chownTreeToPostgres(out).catch(() => {});
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
