import { TidemarkError } from '../errors';
import type { ExecResult, RemoteProcess } from './transport';

/** exec() is for short commands; anything bigger belongs in spawn() with a stream. */
export const EXEC_STDOUT_CAP = 64 * 1024 * 1024;
const STDERR_CAP = 256 * 1024;

export interface CollectOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** For error messages: `ssh postgres@db1:22` or `local`. */
  readonly where: string;
}

/**
 * Runs a spawned command to its end and collects its output: the one implementation of exec()
 * for every transport. A non-zero exit is a result, not an error; a timeout (TIMEOUT), an abort
 * (CANCELLED) or too much output (IO) kill the command and reject.
 */
export function collectExec(command: string, proc: RemoteProcess, opts: CollectOptions): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: TidemarkError | undefined;
    const fail = (e: TidemarkError): void => {
      if (failure) return;
      failure = e;
      proc.kill();
    };

    proc.stdin.end();
    proc.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > EXEC_STDOUT_CAP)
        fail(new TidemarkError('IO', `The output of "${brief(command)}" on ${opts.where} exceeds ${EXEC_STDOUT_CAP / 1024 / 1024} MiB`));
      else stdout.push(chunk);
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_CAP) stderr += chunk.toString('utf8');
    });
    // A stream error (a dropped connection) also shows in exit; nothing to add here.
    proc.stdout.on('error', () => {});
    proc.stderr.on('error', () => {});

    const timer =
      opts.timeoutMs !== undefined && opts.timeoutMs > 0
        ? setTimeout(
            () => fail(new TidemarkError('TIMEOUT', `"${brief(command)}" on ${opts.where} did not finish within ${opts.timeoutMs} ms`)),
            opts.timeoutMs,
          )
        : undefined;
    const onAbort = (): void => fail(new TidemarkError('CANCELLED', `"${brief(command)}" on ${opts.where} was cancelled`));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    void proc.exit.then(({ code, signal }) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      resolve({
        code,
        ...(signal !== undefined && { signal }),
        stdout: Buffer.concat(stdout),
        stderr: stderr.length > STDERR_CAP ? stderr.slice(0, STDERR_CAP) + '\n[…]' : stderr,
      });
    });
  });
}

const brief = (command: string): string => (command.length > 80 ? `${command.slice(0, 77)}...` : command);
