import { execFile, execFileSync } from 'node:child_process';

export interface ExecOptions {
  /** Run through `runuser -u <user> --` (PostgreSQL refuses root). */
  readonly asUser?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly cwd?: string;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

function argv(cmd: string, args: readonly string[], asUser?: string): [string, string[]] {
  return asUser ? ['runuser', ['-u', asUser, '--', cmd, ...args]] : [cmd, [...args]];
}

/** Runs a command; rejects with its stderr in the message so a failing test says why. */
export function exec(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [file, fileArgs] = argv(cmd, args, opts.asUser);
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      fileArgs,
      {
        env: { ...process.env, ...opts.env },
        // A postgres-run command would warn about an unreadable cwd (e.g. /root).
        cwd: opts.cwd ?? (opts.asUser ? '/tmp' : undefined),
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = (stderr || stdout || error.message).trim();
          reject(new Error(`${[cmd, ...args].join(' ')} failed (${error.code ?? error.signal}): ${detail}`));
        } else resolve({ stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Synchronous twin for process 'exit' handlers, where nothing async runs any more. Never throws. */
export function execSyncQuiet(cmd: string, args: readonly string[], opts: ExecOptions = {}): boolean {
  const [file, fileArgs] = argv(cmd, args, opts.asUser);
  try {
    execFileSync(file, fileArgs, {
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd ?? (opts.asUser ? '/tmp' : undefined),
      timeout: opts.timeoutMs ?? 30_000,
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}
