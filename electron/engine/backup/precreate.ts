import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { safeJoin } from './tar-copy';

/** Creates empty files in the background; stop() ends it and waits for the file being made. */
export interface Precreator {
  stop(): Promise<void>;
  /** Removes what it may have created for files the copy never delivered (vanished on the server). */
  discard(names: readonly string[]): Promise<void>;
}

// The worker's whole program. Inline (eval) so that it survives bundling; it reads `paths` and
// the shared [stop, done] counters, and creates files in order until told to stop. Never with
// O_TRUNC: a sink may have written the file by then. An error is skipped: the sink opens the
// file itself and reports what is wrong.
const WORKER = `
const { openSync, closeSync, constants } = require('node:fs');
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
const flags = constants.O_WRONLY | constants.O_CREAT;
for (const path of workerData.paths) {
  if (Atomics.load(state, 0)) break;
  try { closeSync(openSync(path, flags, 0o600)); } catch {}
  Atomics.add(state, 1, 1);
}
`;

/**
 * Creating a file is the costly part of writing a small one: an inode allocation, up to a
 * millisecond of kernel time on some file systems, against microseconds to open it once it
 * exists. A data directory is mostly small files; created where the stream reaches them, each
 * creation stalls the stream. So a worker thread creates them, in the order the streams will
 * want them, while the streams carry the big files that come first. It has a thread of its own:
 * on the thread pool, each creation would queue behind the copy's own writes.
 */
export function precreateFiles(dest: string, names: readonly string[]): Precreator {
  const state = new Int32Array(new SharedArrayBuffer(8));
  const worker = names.length ? new Worker(WORKER, { eval: true, workerData: { paths: names.map((n) => safeJoin(dest, n)), state: state.buffer } }) : null;
  const ended = worker ? new Promise<void>((resolve) => worker.once('exit', () => resolve()).once('error', () => resolve())) : Promise.resolve();
  return {
    stop: async () => {
      Atomics.store(state, 0, 1);
      await ended;
    },
    discard: async (gone) => {
      const reached = new Set(names.slice(0, Atomics.load(state, 1)));
      await Promise.all(gone.filter((n) => reached.has(n)).map((n) => rm(safeJoin(dest, n), { force: true })));
    },
  };
}
