import { execFile } from 'node:child_process';
import { open, readdir } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { fsyncDir } from './catalog';

const CONCURRENCY = 8;

/**
 * Makes a finished backup durable in one pass at the end, instead of an fsync after every file
 * during the copy. On Linux 5.8 and later, one syncfs() of the backup's file system (coreutils
 * `sync -f`), as pg_basebackup --sync-method=syncfs does: a data directory is about a thousand
 * small files, and one fsync each costs several times more (a journal commit each, three thread
 * pool round trips each). It also flushes whatever else is dirty on that file system, which can
 * only make it wait longer, never lose anything. Elsewhere, and where `sync -f` is missing:
 * every file, then every directory, a few at a time on libuv's thread pool.
 */
export async function fsyncTree(root: string): Promise<void> {
  if (await syncFileSystem(root)) return;
  const files: string[] = [];
  const dirs: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    dirs.push(dir);
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) files.push(p);
    }
  };
  await walk(root);
  await fsyncPaths(files, dirs.reverse());
}

/** fsync()s the files, then the directories in the order given (deepest first for a tree). */
export async function fsyncPaths(files: readonly string[], dirs: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const fh = await open(files[next++], 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const d of dirs) await fsyncDir(d);
}

/**
 * syncfs() reports the file system's writeback errors since Linux 5.8; before that it could
 * succeed after losing data. True when done; false when it cannot be used here. A failure of
 * the sync itself is an error: per-file fsyncs afterwards might not see it any more.
 */
async function syncFileSystem(path: string): Promise<boolean> {
  if (process.platform !== 'linux' || !kernelAtLeast(release(), 5, 8)) return false;
  return new Promise((resolve, reject) =>
    execFile('sync', ['-f', path], { timeout: 10 * 60_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve(true);
      // No coreutils sync, or one without -f (busybox, coreutils before 8.24).
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || /unrecognized|invalid|unknown|usage/i.test(stderr)) return resolve(false);
      reject(new Error(`sync -f ${path} failed: ${stderr.trim() || err.message}`));
    }),
  );
}

/** Whether a `uname -r` release string is at least major.minor. */
export function kernelAtLeast(releaseText: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(releaseText);
  return !!m && (Number(m[1]) > major || (Number(m[1]) === major && Number(m[2]) >= minor));
}
