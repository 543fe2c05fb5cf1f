import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { collectExec } from './collect-exec';
import type { ExecResult, RemoteProcess, Transport } from './transport';

/** For a server on this machine: commands run under `sh -c`, as the user running Tidemark. */
export class LocalTransport implements Transport {
  readonly kind = 'local' as const;
  readonly description = 'local';
  private readonly running = new Set<ChildProcess>();

  exec(command: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecResult> {
    return collectExec(command, this.spawn(command), { ...opts, where: this.description });
  }

  spawn(command: string, opts: { signal?: AbortSignal } = {}): RemoteProcess {
    // Its own process group, so kill() reaches every process of a pipeline, not only sh.
    const child = spawnChild('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.running.add(child);
    // A TERM sent as the process starts can be missed (CI saw one `sleep 30` run its full 30 s
    // after a kill at spawn time): it is sent again until the process has ended.
    let repeat: NodeJS.Timeout | undefined;
    const exit = new Promise<{ code: number | null; signal?: string }>((resolve) => {
      child.once('error', () => resolve({ code: null }));
      // 'close', not 'exit': by then stdout and stderr have delivered everything.
      child.once('close', (code, signal) => resolve({ code, ...(signal !== null && { signal }) }));
    }).finally(() => {
      this.running.delete(child);
      opts.signal?.removeEventListener('abort', kill);
      if (repeat) clearInterval(repeat);
    });
    const kill = (): void => {
      if (!this.running.has(child)) return;
      killGroup(child);
      repeat ??= setInterval(() => killGroup(child), 250);
      repeat.unref();
      // Unread output would hold 'close' (and so exit) for ever; after a kill nobody wants it.
      child.stdout?.resume();
    };
    if (opts.signal?.aborted) kill();
    else opts.signal?.addEventListener('abort', kill, { once: true });
    // A consumer that stops reading stdin must not crash the process with EPIPE.
    child.stdin!.on('error', () => {});
    return { stdout: child.stdout!, stderr: child.stderr!, stdin: child.stdin!, exit, kill };
  }

  async close(): Promise<void> {
    for (const child of this.running) killGroup(child);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // No such group: gone, or not yet its own group leader (setsid() in the child after fork),
    // and then it has started nothing else either: the process alone gets the signal (Node sends
    // none to a process it has seen exit).
    child.kill('SIGTERM');
  }
}
