import { execFile, execFileSync } from 'node:child_process';

export interface RunOptions {
  /** Run through `runuser -u <user> --` (PostgreSQL refuses to run as root). */
  readonly asUser?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Written to the command's stdin. */
  readonly input?: string;
}

export function commandLine(cmd: string, args: readonly string[], asUser?: string): [string, string[]] {
  return asUser ? ['runuser', ['-u', asUser, '--', cmd, ...args]] : [cmd, [...args]];
}

/** Runs a command to completion; rejects with its stderr, so the sandbox's errors say why. */
export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
  const [file, fileArgs] = commandLine(cmd, args, opts.asUser);
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      fileArgs,
      {
        env: { ...process.env, ...opts.env },
        // Another user's command would complain about an unreadable cwd (e.g. /root).
        cwd: opts.cwd ?? (opts.asUser ? '/' : undefined),
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const detail = (stderr || stdout || error.message).trim();
        reject(new Error(`${[cmd, ...args].join(' ')} failed (${error.code ?? error.signal}): ${detail}`));
      },
    );
    child.stdin?.end(opts.input);
  });
}

/** The synchronous twin, for process 'exit' handlers where nothing async runs any more. Never throws. */
export function runCommandSync(cmd: string, args: readonly string[], opts: RunOptions = {}): boolean {
  const [file, fileArgs] = commandLine(cmd, args, opts.asUser);
  try {
    execFileSync(file, fileArgs, {
      env: { ...process.env, ...opts.env },
      cwd: opts.cwd ?? (opts.asUser ? '/' : undefined),
      timeout: opts.timeoutMs ?? 30_000,
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}
