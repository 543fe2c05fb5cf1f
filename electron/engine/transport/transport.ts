import type { Readable, Writable } from 'node:stream';

export interface ExecResult {
  readonly code: number | null;
  readonly signal?: string;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** A command running on the database host, with its streams. */
export interface RemoteProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly stdin: Writable;
  /** Resolves when the command ends (never rejects; a dropped connection gives code null). */
  readonly exit: Promise<{ code: number | null; signal?: string }>;
  kill(): void;
}

/**
 * How Tidemark reaches the database host's files: over SSH (ssh2), or directly for a server on
 * this machine. Commands are POSIX sh command lines; quote every path with shellQuote().
 */
export interface Transport {
  readonly kind: 'local' | 'ssh';
  /** For messages: `ssh postgres@db1:22` or `local`. */
  readonly description: string;
  /** The SSH host key this session verified (ssh only). */
  readonly hostKey?: { readonly fingerprint: string; readonly keyType: string };
  exec(command: string, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<ExecResult>;
  spawn(command: string, opts?: { signal?: AbortSignal }): RemoteProcess;
  close(): Promise<void>;
}

/** Single-quote a value for POSIX sh, whatever characters it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
