/**
 * npm run bench [-- --major 14|17 --scale 70 --parallel 1,2 --checksums CRC32C|SHA256 --compression zstd,off --runs 5 --keep --tidemark-only --baseline REV --out DIR]
 *
 * On a generated cluster of at least 1 GB (pgbench -i, reused between runs from
 * /tmp/tidemark-bench-<major>), times side by side: Debian's pg_basebackup -Fp -X stream (PG 14
 * only: pg_basebackup 15 refuses 17), rsync -a of PGDATA without pg_wal's contents over OpenSSH,
 * and a Tidemark full backup
 * over SSH in a child process (bundled with esbuild like the shipped CLI; it reports its peak RSS,
 * VmHWM), once per stream count and compression given: by default 1 and 2 streams, with network
 * compression (zstd, the default setting) and without. pgbench's tables compress far better than
 * most real data, so the uncompressed rows tell what the copy itself costs. One warm-up run of each, then --runs interleaved rounds; the best of each counts. The
 * page cache is warm for all, and every run writes to a new directory (the previous one's files
 * emptied, not deleted) after a sync and (as root) a drop of the clean page cache, which the
 * cluster is then warmed from again.
 * BENCH_VERBOSE=1 shows Tidemark's job log; BENCH_PROF=<dir> writes its CPU profiles there.
 */
import { execFile, spawn } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { LabCluster } from '../test/lab/cluster';
import { chownTreeToPostgres, makePostgresDir } from '../test/lab/os-user';
import { debianBin, repoRoot, type LabMajor } from '../test/lab/pg-bin';
import type { ChildJob } from './bench-child';
import type { NetworkCompression } from '../shared/models/settings';
import { initPgbench } from '../test/lab/pgbench';
import { startSshd } from '../test/lab/sshd';

const run = promisify(execFile);

interface TidemarkRun {
  readonly status: string;
  readonly seconds: number;
  readonly peakRssKb: number | null;
  readonly cpuUser: number;
  readonly cpuSys: number;
  readonly mainCpu: number;
  readonly copy?: { bytes: number; wireBytes?: number };
  readonly error?: unknown;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const fmt = (s: number | undefined): string => (s === undefined ? '—' : `${s.toFixed(2)} s`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      major: { type: 'string', default: '14' },
      scale: { type: 'string', default: '70' },
      parallel: { type: 'string', default: '1,2' },
      checksums: { type: 'string', default: 'CRC32C' },
      compression: { type: 'string', default: 'zstd,off' },
      runs: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
      'tidemark-only': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const major = Number(values.major) as LabMajor;
  const scale = Number(values.scale);
  const runs = Math.max(1, Number(values.runs));
  const home = `/tmp/tidemark-bench-${major}`;
  const marker = join(home, `scale-${scale}`);

  let cluster: LabCluster;
  if (existsSync(marker)) {
    cluster = LabCluster.fromInfo(JSON.parse(readFileSync(marker, 'utf8')));
    // A previous --keep run leaves it running.
    if (!(await cluster.isRunning())) await cluster.start();
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
  // The Tidemark side runs bundled, as the shipped CLI and app do (no TypeScript loader).
  const bundles: { suffix: string; path: string }[] = [{ suffix: '', path: await bundleChild(repoRoot) }];
  const baselineDir = values.baseline ? await checkoutBaseline(values.baseline) : undefined;
  if (baselineDir) bundles.push({ suffix: ` at ${values.baseline}`, path: await bundleChild(baselineDir) });
  const sshd = await startSshd();
  const out = mkdtempSync(join(values.out ?? tmpdir(), 'tidemark-bench-out-'));
  makePostgresDir(out, 0o777);
  try {
    const { stdout: du } = await run('du', ['-sb', '--exclude=pg_wal', cluster.pgdata]);
    const bytes = Number(du.split('\t')[0]);
    console.log(`PostgreSQL ${major}, pgbench scale ${scale}: ${(bytes / 2 ** 30).toFixed(2)} GiB in ${cluster.pgdata} without pg_wal`);
    const loadBefore = load();
    const canDropCaches = dropPageCache();
    if (!canDropCaches) console.log('  (not root: the page cache is not dropped between runs)');
    // Every contender reads a warm page cache on the database side (one host here), and starts
    // with no dirty pages left by the previous one. The warming is redone before each run: a
    // kernel with proactive reclaim (DAMON) evicts the cluster's pages between runs otherwise.
    const warm = (): Promise<unknown> => run('sh', ['-c', `find ${cluster.pgdata} -type f -exec cat {} + > /dev/null`]);
    // Each run writes a new directory, emptied before the next run: kept outputs would fill the
    // disk and the page cache, and slow down the contenders that write through it more than
    // Tidemark (O_DIRECT). Emptied, not deleted: without a journal (as on these VMs), ext4 will
    // not reuse an inode freed in the last minute while its inode table block is cached, and each
    // new file scans again past every such inode. A previous run's thousand deleted files made
    // each creation cost 0.3-0.9 ms of kernel CPU instead of 25 µs, for whichever contender came
    // next (dropping the page cache in between only helped in part). Truncated files keep their
    // inodes until the end, and every run creates its files in inodes never used. After the sync
    // the clean page cache is dropped too, where the bench may (root), before the cluster is
    // warmed again.
    let runNo = 0;
    let dest = '';
    const settle = async (): Promise<void> => {
      if (dest && existsSync(dest)) emptyFiles(dest);
      dest = join(out, `run-${++runNo}`);
      await run('sync');
      if (canDropCaches) dropPageCache();
      await warm();
    };

    const sshCmd = `ssh -p ${sshd.port} -i ${sshd.clientKeyPath} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;
    const others = !values['tidemark-only'];
    const withPgbb = others && major < 16;
    const tools: Record<string, () => Promise<number>> = {};
    if (withPgbb)
      tools['pg_basebackup -Fp -X stream'] = () =>
        timed(() => run(debianBin('pg_basebackup'), ['-D', dest, '-Fp', '-X', 'stream', '-c', 'fast'], { env: { ...process.env, ...cluster.clientEnv() } }).then(() => {}));
    // The same files as the others: pg_wal's contents (up to max_wal_size of recycled segments,
    // which a fresh pgbench cluster has plenty of) are left out, as PostgreSQL's documentation
    // says a low-level backup should, and as Barman's rsync copy does.
    if (others)
      tools['rsync -a over OpenSSH'] = () =>
        timed(() => run('rsync', ['-a', '--exclude=/pg_wal/*', '-e', sshCmd, `${sshd.user}@${sshd.host}:${cluster.pgdata}/`, `${dest}/`]).then(() => {}));
    // Not a contender: the data directory through OpenSSH's fastest cipher into /dev/null, with
    // nothing written or checksummed. What any copy over SSH pays on this machine, at least.
    const floorName = 'reference: ssh tar > /dev/null';
    if (others)
      tools[floorName] = () =>
        timed(() =>
          run('sh', ['-c', `${sshCmd} -c aes128-gcm@openssh.com ${sshd.user}@${sshd.host} "cd ${cluster.pgdata} && tar -cf - --exclude='./pg_wal/*' ." > /dev/null`]).then(() => {}),
        );
    // Nor this: as many bytes as the data directory holds, written once to the output disk and
    // made durable, with no reading and no network. Every contender that writes the copy and
    // syncs it pays this at least; on a VM its speed varies from run to run, and this shows it.
    const diskName = 'reference: dd the same bytes to disk, fsync';
    if (others)
      tools[diskName] = () =>
        timed(() => {
          mkdirSync(dest);
          return run('dd', ['if=/dev/zero', `of=${join(dest, 'dd')}`, 'bs=4M', `count=${Math.ceil(bytes / (4 << 20))}`, 'oflag=direct', 'conv=fsync', 'status=none']).then(() => {});
        });
    const job: Omit<ChildJob, 'compression' | 'parallel'> = {
      cluster: { host: cluster.host, port: cluster.port, password: cluster.password, pgdata: cluster.pgdata, name: cluster.name },
      ssh: { host: sshd.host, port: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, fingerprint: sshd.hostKeyFingerprint, keyType: sshd.hostKeyType },
      checksums: values.checksums === 'SHA256' ? 'SHA256' : 'CRC32C',
      root: '',
    };
    const compressions = values.compression.split(',').map((c): NetworkCompression => (c.trim() === 'off' ? 'off' : 'zstd'));
    const streamCounts = values.parallel.split(',').map(Number);
    if (streamCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) throw new Error(`--parallel takes stream counts from 1 to 8, comma-separated: ${values.parallel}`);
    const tidemarkRuns = new Map<string, TidemarkRun[]>();
    for (const compression of compressions) for (const parallel of streamCounts) for (const { suffix, path: childBundle } of bundles) {
      const name = `Tidemark over SSH (${compression === 'zstd' ? 'zstd' : 'uncompressed'}, ${parallel} stream${parallel > 1 ? 's' : ''})${suffix}`;
      tidemarkRuns.set(name, []);
      tools[name] = async () => {
        mkdirSync(dest);
        const prof = process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
        const p = spawn(process.execPath, [...prof, childBundle, JSON.stringify({ ...job, compression, parallel, root: dest } satisfies ChildJob)], {
          stdio: ['ignore', 'pipe', process.env.BENCH_VERBOSE ? 'inherit' : 'ignore'],
        });
        let text = '';
        p.stdout.on('data', (d: Buffer) => (text += d.toString()));
        await new Promise((r) => p.once('close', r));
        const report = JSON.parse(text.trim().split('\n').pop() || '{}') as TidemarkRun;
        if (report.status !== 'DONE') throw new Error(`Tidemark's backup failed: ${JSON.stringify(report)}`);
        tidemarkRuns.get(name)!.push(report);
        // The job's own time: what a user of the app or the CLI waits for, without node's start-up.
        return report.seconds;
      };
    }
    if (!withPgbb) console.log(others ? '  pg_basebackup: skipped (Debian pg_basebackup 15 refuses PostgreSQL 16+)' : '  pg_basebackup and rsync: skipped (--tidemark-only)');

    console.log(`One warm-up run each, then ${runs} interleaved round(s); best of ${runs} counts.`);
    for (const fn of Object.values(tools)) {
      await settle();
      await fn();
    }
    for (const r of tidemarkRuns.values()) r.length = 0;
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
    // Everything the machine did meanwhile: the database host's side (tar, zstd, sshd, the
    // server) is on this machine too, and on two cores the contenders compete for CPU.
    const machineCpu: Record<string, number[]> = {};
    for (let r = 1; r <= runs; r++) {
      for (const [name, fn] of Object.entries(tools)) {
        await settle();
        const cpu0 = machineCpuSeconds();
        const s = await fn();
        const cpu = machineCpuSeconds() - cpu0;
        times[name].push(s);
        (machineCpu[name] ??= []).push(cpu);
        console.log(`  round ${r}: ${name}: ${s.toFixed(2)} s, ${cpu.toFixed(1)} CPU-s on the machine`);
      }
    }
    const loadAfter = load();

    const best = (name: string): number | undefined => (times[name]?.length ? Math.min(...times[name]) : undefined);
    const middle = (values: readonly number[] = []): number | undefined => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const median = (name: string): number | undefined => middle(times[name]);
    console.log(`\nResults (wall time; page cache warm; outputs on the same disk, synced${canDropCaches ? ' and the page cache dropped' : ''} before each run)`);
    console.log(`  ${'tool'.padEnd(44)} ${'best'.padStart(8)} ${'median'.padStart(8)} ${'CPU-s'.padStart(6)}   runs`);
    for (const name of Object.keys(tools)) {
      const cpu = middle(machineCpu[name]);
      console.log(`  ${name.padEnd(44)} ${fmt(best(name)).padStart(8)} ${fmt(median(name)).padStart(8)} ${(cpu?.toFixed(1) ?? '—').padStart(6)}   ${times[name].map((t) => t.toFixed(2)).join(' ')}`);
    }
    console.log('  (CPU-s: the median CPU time the whole machine spent during a run, all processes)');
    const verdict = (ok: boolean): string => (ok ? 'MET' : 'NOT MET');
    const pgbb = best('pg_basebackup -Fp -X stream');
    const rsync = best('rsync -a over OpenSSH');
    const floor = best(floorName);
    if (floor && pgbb) console.log(`\n  SSH transport alone / pg_basebackup  ${(floor / pgbb).toFixed(2)}   (OpenSSH moving the same bytes to /dev/null, nothing written)`);
    const disk = best(diskName);
    if (disk && pgbb) console.log(`  Disk alone / pg_basebackup           ${(disk / pgbb).toFixed(2)}   (the same bytes written with dd and synced, nothing read or sent)`);
    for (const [name, reports] of tidemarkRuns) {
      const tm = best(name)!;
      const peakMb = Math.max(...reports.map((r) => (r.peakRssKb ?? 0) / 1024));
      const wire = reports[0]?.copy?.wireBytes;
      const bytes = reports[0]?.copy?.bytes;
      console.log(`\n  ${name}${wire && bytes && wire < bytes ? `: ${(bytes / 2 ** 20).toFixed(0)} MB sent as ${(wire / 2 ** 20).toFixed(0)} MB (${(bytes / wire).toFixed(1)}:1)` : ''}`);
      if (pgbb) console.log(`    / pg_basebackup  ${(tm / pgbb).toFixed(2)}   target ≤ 0.80   ${verdict(tm / pgbb <= 0.8)}`);
      if (rsync) console.log(`    / rsync -a       ${(tm / rsync).toFixed(2)}   target ≤ 0.50   ${verdict(tm / rsync <= 0.5)}`);
      if (disk) console.log(`    / disk alone     ${(tm / disk).toFixed(2)}   (1.00 would be a copy as fast as writing its bytes)`);
      console.log(`    peak RSS         ${peakMb.toFixed(0)} MB   target ≤ 200 MB   ${verdict(peakMb <= 200)}`);
      const cpu = reports.map((r) => (r.cpuUser + r.cpuSys).toFixed(1)).join(' ');
      console.log(`    CPU per run (user+sys, incl. node start-up): process ${cpu} s; main thread ${reports.map((r) => r.mainCpu.toFixed(1)).join(' ')} s`);
    }
    console.log(`  Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter}; ${cpus().length} CPUs`);
    console.log('  Tidemark time is its job (start to done, as the app and CLI see it); the others are whole processes.');
  } finally {
    await sshd.stop();
    if (!values.keep) await cluster.stop('fast');
    await chownTreeToPostgres(out).catch(() => {});
    rmSync(out, { recursive: true, force: true });
    if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  }
}

/** Drops the clean page cache; false where the bench may not (not root). */
function dropPageCache(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

/** Truncates every file under dir, keeping the files (and so their inodes) themselves. */
function emptyFiles(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) truncateSync(join(e.parentPath, e.name));
  }
}

/** CPU time the machine has spent so far, all cores and processes (the first line of /proc/stat). */
function machineCpuSeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Bundles the Tidemark side of a checkout with esbuild; returns the bundle's path. */
async function bundleChild(root: string): Promise<string> {
  const outfile = join(root, 'dist', 'bench', 'child.cjs');
  await build({
    entryPoints: [join(root, 'scripts', 'bench-child.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    external: ['ssh2', 'cpu-features', '@node-rs/crc32', 'zstd-napi', 'pg-native'], logLevel: 'warning',
  });
  return outfile;
}

/**
 * --baseline REV: the engine at another commit, timed in the same interleaved rounds, so that a
 * change is judged against its own past on the same noisy machine. Its source goes to a temp
 * folder and shares this checkout's node_modules.
 */
async function checkoutBaseline(rev: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-bench-baseline-'));
  await run('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', repoRoot, rev, dir]);
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
