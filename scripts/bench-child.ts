/**
 * The Tidemark side of `npm run bench`: one full backup over SSH, as the app and the CLI run it.
 * scripts/bench.ts bundles this file with esbuild, like the shipped CLI, and runs it in a child
 * process; it prints one JSON line: status, job seconds, peak RSS (VmHWM) and CPU time.
 */
import { readFileSync } from 'node:fs';
import { createBackupService } from '../electron/engine/backup/backup-service';
import { EventBus } from '../electron/engine/events';
import { MemorySecretStore } from '../electron/engine/secrets/secret-store';
import type { ManifestChecksums, NetworkCompression } from '../shared/models/settings';

export interface ChildJob {
  readonly cluster: { host: string; port: number; password: string; pgdata: string; name: string };
  readonly ssh: { host: string; port: number; user: string; keyPath: string; fingerprint: string; keyType: string };
  readonly parallel: number;
  readonly checksums: ManifestChecksums;
  readonly compression: NetworkCompression;
  readonly root: string;
}

async function child(job: ChildJob): Promise<void> {
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
    settings: () => ({ backupRoot: job.root, defaultMode: 'concurrent', fastCheckpoint: true, parallel: job.parallel, defaultMaxBackupAgeHours: 24, manifestChecksums: job.checksums, networkCompression: job.compression }),
  });
  const t0 = performance.now();
  if (process.env.BENCH_VERBOSE) process.stderr.write(`    [tidemark ${new Date().toISOString().slice(11, 23)}] (job requested)\n`);
  const { jobId } = await service.start('bench');
  const done = await service.waitForJob(jobId);
  const seconds = (performance.now() - t0) / 1000;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  const cpu = process.cpuUsage();
  // The main thread's own CPU time (utime + stime, in clock ticks of 10 ms): it is the bottleneck.
  const mainStat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const mainCpu = (Number(mainStat[11]) + Number(mainStat[12])) / 100;
  process.stdout.write(`${JSON.stringify({ status: done.status, error: done.error, seconds, cpuUser: cpu.user / 1e6, cpuSys: cpu.system / 1e6, mainCpu, peakRssKb: hwm ? Number(hwm[1]) : null, bytes: done.backup.sizeBytes, copy: done.backup.copy })}\n`);
}


child(JSON.parse(process.argv[2]) as ChildJob).catch((e) => {
  console.error(e);
  process.exit(1);
});
