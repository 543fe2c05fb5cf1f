import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from './catalog';

const CONCURRENCY = 8;

/**
 * Makes a finished backup durable in one pass at the end, files then directories, a few at a
 * time on libuv's thread pool, instead of an fsync after every file during the copy.
 */
export async function fsyncTree(root: string): Promise<void> {
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
