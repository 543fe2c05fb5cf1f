import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export type SandboxMajor = 14 | 17;
export const SANDBOX_MAJORS: readonly SandboxMajor[] = [17, 14];

/** PostgreSQL server binaries shipped by the `pg14`/`pg17` npm packages (devDependencies). */
export interface PgInstall {
  readonly major: SandboxMajor;
  readonly binDir: string;
  readonly libDir: string;
}

/**
 * The packages live in a development checkout's node_modules; the packaged app ships none.
 * Searched upwards from this file (bundled in dist/… or run from source) and from the cwd.
 */
export function findPgInstall(major: SandboxMajor, from: readonly string[] = [__dirname, process.cwd()]): PgInstall | undefined {
  for (const start of from) {
    for (let dir = start; ; dir = dirname(dir)) {
      const native = join(dir, 'node_modules', `pg${major}`, 'native');
      if (['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(native, 'bin', b)))) {
        hydrateLibLinks(native);
        return { major, binDir: join(native, 'bin'), libDir: join(native, 'lib') };
      }
      if (dir === dirname(dir)) break;
    }
  }
  return undefined;
}

/** The binaries find their libraries through RPATH; LD_LIBRARY_PATH is the safety net. */
export function pgEnv(install: PgInstall): Record<string, string> {
  const current = process.env.LD_LIBRARY_PATH;
  return { LD_LIBRARY_PATH: current ? `${install.libDir}:${current}` : install.libDir };
}

/** Why the sandbox cannot run here, or undefined when it can. */
export function sandboxUnavailableReason(find: (major: SandboxMajor) => PgInstall | undefined = findPgInstall): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return 'The sandbox uses the PostgreSQL binaries npm installs for Linux x64 only.';
  }
  const missing = SANDBOX_MAJORS.filter((m) => !find(m));
  if (missing.length) {
    return `The sandbox needs the npm-shipped PostgreSQL ${missing.join(' and ')} binaries (devDependencies pg14, pg17): run \`npm install\` in a checkout of Tidemark. The packaged app does not ship them.`;
  }
  return undefined;
}

/**
 * The package recreates its shared-library symlinks in a postinstall script; an install that
 * skipped scripts leaves binaries that cannot load libpq or ICU, so recreate them (idempotent).
 */
function hydrateLibLinks(native: string): void {
  const list = join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const packageDir = dirname(native);
  try {
    const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
    for (const { source, target } of links) {
      const targetPath = join(packageDir, target);
      if (present(targetPath)) continue;
      symlinkSync(relative(dirname(targetPath), join(packageDir, source)), targetPath);
    }
  } catch {
    // A read-only install: the binaries then say which library they miss when they start.
  }
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
