import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { TidemarkError } from '../errors';

/**
 * One process at a time initialises, starts or stops a sandbox (the demo and the app may both
 * try): the second waits for the first, then finds the servers running. A lock whose process is
 * gone is taken over.
 */
export async function withSandboxLock<T>(lockFile: string, work: () => Promise<T>, waitMs = 600_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  while (!tryAcquire(lockFile)) {
    if (Date.now() > deadline) {
      throw new TidemarkError('TIMEOUT', `Another Tidemark process still holds the sandbox lock ${lockFile}.`, {
        hint: 'If no other Tidemark or `npm run demo` is running, delete that file and try again.',
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

function tryAcquire(lockFile: string): boolean {
  try {
    writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let holder = 0;
  try {
    holder = Number(readFileSync(lockFile, 'utf8').trim());
  } catch {
    return false; // released meanwhile: the next round takes it
  }
  if (holder > 0 && alive(holder)) return false;
  rmSync(lockFile, { force: true });
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
