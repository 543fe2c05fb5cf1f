// `npm run demo` as a DBA meets it: the sandbox starts, its servers pass their checks, the standby
// backs up through the CLI and the backup restores and starts, Ctrl-C leaves nothing running,
// and the next run reuses the servers. Runs scripts/demo.ts itself, on a small data set.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createEngine } from '../../electron/engine/engine';
import { findPgInstall, pgEnv } from '../../electron/engine/sandbox/pg-install';
import { stopSandbox } from '../../electron/engine/sandbox/sandbox';
import { runCommand } from '../../electron/engine/sandbox/run-command';
import { serverUser } from '../../electron/engine/sandbox/server-user';
import { repoRoot } from '../lab/pg-bin';
import { freePort } from '../lab/free-port';

const bin = join(repoRoot, 'bin', 'tidemark.cjs');
const SERVERS = ['sandbox-pg17-primary', 'sandbox-pg17-standby', 'sandbox-pg14-primary'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tidemark(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, PGPASSWORD: '' }, timeout: 300_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface Demo {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/** Starts scripts/demo.ts and waits for its readiness line. */
async function startDemo(folder: string): Promise<Demo> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'demo.ts'), '--dir', folder, '--no-open', '--scale', '1'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 300_000;
  while (!out.includes('Sandbox ready.')) {
    if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}) before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`the demo was not ready after 5 minutes:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
}

async function interrupt(demo: Demo): Promise<number | null> {
  if (demo.child.exitCode === null) demo.child.kill('SIGINT');
  return demo.exited;
}

/** Processes whose command line names the folder (postgres -D …, pgbench -h …/run). */
async function processesOf(folder: string): Promise<string> {
  try {
    return (await runCommand('pgrep', ['-af', folder])).stdout.trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

describe('npm run demo', { timeout: 900_000 }, () => {
  let dir: string;
  let folder: string;
  let settings: string;
  let demo: Demo | undefined;
  const ports = (output: string): string[] => [...output.matchAll(/port (\d+) {2}data/g)].map((m) => m[1]);

  before(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'cli', 'tidemark.cjs'))) await runCommand(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')]);
    dir = mkdtempSync(join(tmpdir(), 'tidemark-demo-'));
    // As root the servers run as postgres, who must be able to walk into the folder.
    chmodSync(dir, 0o755);
    folder = join(dir, 'sandbox');
    settings = join(folder, 'demo', 'settings.json');
    demo = await startDemo(folder);
  });

  after(async () => {
    if (demo) await interrupt(demo);
    await stopSandbox(folder).catch(() => false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the three servers and registers them in the demo settings file', () => {
    const out = demo!.output();
    for (const name of SERVERS) assert.match(out, new RegExp(`${name} +PostgreSQL`));
    assert.match(out, /write load: /);
    const doc = JSON.parse(readFileSync(settings, 'utf8')) as { settings: { backupRoot: string }; servers: { name: string; facts?: { role: string; versionNum: number } }[] };
    assert.deepEqual(doc.servers.map((s) => s.name).sort(), [...SERVERS].sort());
    // Registered already tested: the app shows role and version, and knows exclusive is out on 17.
    const facts = Object.fromEntries(doc.servers.map((s) => [s.name, s.facts && `${Math.floor(s.facts.versionNum / 10000)} ${s.facts.role}`]));
    assert.deepEqual(facts, { 'sandbox-pg17-primary': '17 primary', 'sandbox-pg17-standby': '17 standby', 'sandbox-pg14-primary': '14 primary' });
    assert.equal(doc.settings.backupRoot, join(folder, 'backups'));
    assert.doesNotMatch(readFileSync(settings, 'utf8'), /password/i);
  });

  it('the three servers pass their checks', async () => {
    for (const name of SERVERS) {
      const r = await tidemark(['--config', settings, 'check', name]);
      assert.equal(r.code, 0, `${name}:\n${r.stdout}${r.stderr}`);
    }
  });

  it('a backup of the standby completes through the CLI, restores and starts', async () => {
    const backup = await tidemark(['--config', settings, 'backup', 'sandbox-pg17-standby']);
    assert.equal(backup.code, 0, backup.stdout + backup.stderr);
    assert.match(backup.stdout, /: DONE/);
    const list = await tidemark(['--config', settings, '--json', 'list', 'sandbox-pg17-standby']);
    const [latest] = JSON.parse(list.stdout) as { id: string; status: string; tablespaces: unknown[] }[];
    assert.equal(latest.status, 'DONE');
    assert.equal(latest.tablespaces.length, 1, 'the sample tablespace is part of the backup');

    const target = join(dir, 'restore');
    const restore = await tidemark(['--config', settings, 'restore', 'sandbox-pg17-standby', latest.id, join(target, 'data')]);
    assert.equal(restore.code, 0, restore.stdout + restore.stderr);
    const user = serverUser();
    await runCommand('chown', ['-R', `${user.uid}:${user.gid}`, target]);
    chmodSync(target, 0o755);
    const install = findPgInstall(17)!;
    const port = await freePort();
    const pgCtl = (args: string[]) =>
      runCommand(join(install.binDir, 'pg_ctl'), ['-D', join(target, 'data'), ...args], { asUser: user.runAs, env: pgEnv(install), timeoutMs: 180_000 });
    // The restored files carry the standby's port and sockets: this copy gets its own.
    await pgCtl(['-l', join(target, 'server.log'), '-w', '-t', '150', '-o', `-p ${port} -c listen_addresses='' -k ${target}`, 'start']);
    try {
      const client = new pg.Client({ host: target, port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        const { rows } = await client.query(`
          SELECT pg_is_in_recovery() AS recovering,
                 (SELECT count(*) FROM sandbox_events)::int AS events,
                 (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history) AS balanced`);
        assert.deepEqual(rows[0], { recovering: false, events: 20_000, balanced: true });
      } finally {
        await client.end();
      }
      assert.match(readFileSync(join(target, 'server.log'), 'utf8'), /consistent recovery state reached/);
    } finally {
      await pgCtl(['-m', 'fast', '-w', 'stop']);
    }
  });

  it('sandbox:start in the app reuses the running servers and registers them', async () => {
    const previous = process.env.TIDEMARK_SANDBOX_DIR;
    process.env.TIDEMARK_SANDBOX_DIR = folder;
    const engine = createEngine({ shell: 'web', settingsPath: join(dir, 'app-settings.json') });
    process.env.TIDEMARK_SANDBOX_DIR = previous;
    const steps: string[] = [];
    engine.bus.on('sandbox:progress', (p) => steps.push(p.step));
    try {
      const before = await engine.handlers['sandbox:status']();
      assert.deepEqual({ available: before.available, running: before.running, folder: before.folder }, { available: true, running: true, folder });
      const status = await engine.handlers['sandbox:start']();
      assert.equal(status.running, true);
      assert.ok(steps.includes('ready'), steps.join(','));
      assert.deepEqual((await engine.handlers['servers:list']()).map((s) => s.name).sort(), [...SERVERS].sort());
      await engine.handlers['sandbox:start'](); // twice: still three servers
      assert.equal((await engine.handlers['servers:list']()).length, 3);
    } finally {
      await engine.close();
    }
    // The app did not start them, so closing it leaves the demo's servers running.
    assert.match(await processesOf(join(folder, 'pg17-primary')), /postgres/);
  });

  it('Ctrl-C stops every server and the write load; the next run reuses them', async () => {
    const firstPorts = ports(demo!.output());
    assert.equal(await interrupt(demo!), 0, demo!.output());
    assert.equal(await processesOf(folder), '', 'no process of the sandbox is left');
    for (const key of ['pg17-primary', 'pg17-standby', 'pg14-primary']) {
      assert.match(readFileSync(join(folder, key, 'server.log'), 'utf8'), /database system is shut down\s*$/);
    }

    demo = await startDemo(folder);
    assert.deepEqual(ports(demo.output()), firstPorts, 'the same ports');
    assert.doesNotMatch(demo.output(), /Loading sample data/, 'the data is reused');
    assert.equal(await interrupt(demo), 0);
    demo = undefined;
    assert.equal(await processesOf(folder), '');
  });
});
