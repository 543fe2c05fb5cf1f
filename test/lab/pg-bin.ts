import { existsSync, readFileSync, symlinkSync, lstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type LabMajor = 14 | 17;

/** The repository root, found from this file so tests work whatever their cwd. */
export const repoRoot = resolve(hereDir(), '..', '..');

/** tsx runs these files as CommonJS (package.json has no "type"), but keep ESM working too. */
function hereDir(): string {
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

/** Debian's PostgreSQL 15 client tools (psql, pg_basebackup, pgbench, pg_verifybackup…). */
export const debianBinDir = '/usr/lib/postgresql/15/bin';

export function debianBin(name: string): string {
  return join(debianBinDir, name);
}

/** Server binaries shipped by the pg14/pg17 npm packages (initdb, pg_ctl, postgres). */
export function pgBinDir(major: LabMajor): string {
  const native = join(repoRoot, 'node_modules', `pg${major}`, 'native');
  ensureSymlinks(native);
  return join(native, 'bin');
}

export function pgLibDir(major: LabMajor): string {
  return join(repoRoot, 'node_modules', `pg${major}`, 'native', 'lib');
}

/**
 * The package recreates its shared-library symlinks in a postinstall script; if an install
 * skipped scripts the binaries cannot load libpq/ICU, so hydrate them here (idempotent).
 */
function ensureSymlinks(native: string): void {
  const list = join(native, 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const packageDir = dirname(native);
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = join(packageDir, target);
    if (isPresent(targetPath)) continue;
    symlinkSync(relativeTo(dirname(targetPath), join(packageDir, source)), targetPath);
  }
}

function isPresent(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function relativeTo(fromDir: string, to: string): string {
  return to.startsWith(fromDir + '/') ? to.slice(fromDir.length + 1) : to;
}
