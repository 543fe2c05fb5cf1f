/**
 * `npm test`: starts the lab once, runs the test files with node's runner against it (via
 * TIDEMARK_LAB), stops the lab, and exits with the runner's code. The runner's closing summary
 * ("# pass N", "# fail N") is the last thing on stdout; lab messages go to stderr before it.
 *
 * Flags: --unit, --integration, --e2e (any mix; none = all), --only <file> (repeatable).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { repoRoot } from './lab/pg-bin';
import { startLab, writeLabJson, type Lab } from './lab/lab';
import { stopStaleLabs } from './lab/stale';

type Suite = 'unit' | 'integration' | 'e2e';
const suites: readonly Suite[] = ['unit', 'integration', 'e2e'];

function parseArgs(argv: readonly string[]): { suites: Suite[]; only: string[] } {
  const chosen: Suite[] = [];
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--only') {
      const file = argv[++i];
      if (!file) throw new Error('--only needs a file');
      only.push(resolve(file));
    } else if (arg.startsWith('--only=')) only.push(resolve(arg.slice('--only='.length)));
    else if (suites.includes(arg.slice(2) as Suite)) chosen.push(arg.slice(2) as Suite);
    else throw new Error(`unknown flag ${arg} (use --unit, --integration, --e2e, --only <file>)`);
  }
  return { suites: chosen.length || only.length ? chosen : [...suites], only };
}

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

function log(message: string): void {
  process.stderr.write(`[test/run] ${message}\n`);
}

/** Runs node's test runner: spec to our stdout, TAP to a file whose summary we print last. */
function runNodeTests(files: readonly string[], env: NodeJS.ProcessEnv, tapFile: string): Promise<number> {
  const args = [
    // One file at a time (they share the lab); a hung test fails after 10 minutes instead of eating CI's 90.
    '--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
    ...files,
  ];
  return new Promise((resolveCode) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code, signal) => resolveCode(code ?? (signal ? 1 : 0)));
    child.once('error', (error) => {
      log(`could not start node: ${error.message}`);
      resolveCode(1);
    });
  });
}

/** The TAP reporter's closing "# tests … # duration_ms" block. */
function tapSummary(tapFile: string): string {
  if (!existsSync(tapFile)) return '';
  const lines = readFileSync(tapFile, 'utf8').trimEnd().split('\n');
  const start = lines.findLastIndex((line) => /^# tests \d+/.test(line));
  return start < 0 ? '' : lines.slice(start).filter((line) => line.startsWith('# ')).join('\n') + '\n';
}

async function main(): Promise<number> {
  const { suites: chosen, only } = parseArgs(process.argv.slice(2));
  const files = [...chosen.flatMap((suite) => testFiles(join(repoRoot, 'test', suite))), ...only.filter((file) => {
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`no such test file: ${file}`);
    return true;
  })];
  if (files.length === 0) {
    log(`no test files under ${chosen.map((suite) => `test/${suite}`).join(', ')}`);
    process.stdout.write('# tests 0\n# pass 0\n# fail 0\n');
    return 0;
  }
  const unitDir = join(repoRoot, 'test', 'unit') + '/';
  const needsLab = files.some((file) => !file.startsWith(unitDir));
  log(`${files.length} test file(s): ${files.map((file) => relative(repoRoot, file)).join(' ')}`);

  let lab: Lab | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env };
  let tapFile = join('/tmp', `tidemark-tap-${process.pid}.tap`);
  let code = 1;
  try {
    if (needsLab) {
      const removed = await stopStaleLabs();
      if (removed.length) log(`removed stale lab(s): ${removed.join(' ')}`);
      const started = Date.now();
      lab = await startLab();
      env.TIDEMARK_LAB = writeLabJson(lab);
      tapFile = join(lab.dir, 'results.tap');
      const ports = lab.all().map((cluster) => `${cluster.name}:${cluster.port}`).join(' ');
      log(`lab up in ${((Date.now() - started) / 1000).toFixed(1)} s at ${lab.dir} (${ports}${lab.ssh ? ` sshd:${lab.ssh.port}` : ''})`);
    }
    code = await runNodeTests(files, env, tapFile);
  } finally {
    const summary = tapSummary(tapFile);
    if (lab) {
      log('stopping the lab');
      await lab.stop().catch((error: unknown) => log(`lab stop: ${(error as Error).message}`));
    } else rmSync(tapFile, { force: true });
    if (summary) process.stdout.write(summary);
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
