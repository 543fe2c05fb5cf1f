import { PassThrough } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import type { SshHostKey } from '../ssh/ssh-connect';
import { collectExec } from './collect-exec';
import type { ExecResult, RemoteProcess, Transport } from './transport';

// Enough to keep a gigabit link busy between reads, small enough to bound memory per command.
const STREAM_BUFFER = 1024 * 1024;
const KILL_GRACE_MS = 5000;
// Pauses between repeats of a kill's TERM, before the channel is closed (see kill()).
const SIGNAL_RETRY_MS = [50, 100, 200, 400];

/**
 * Commands over one authenticated SSH connection, one channel each. sshd runs them with the
 * remote user's login shell (bash or sh on database hosts). OpenSSH allows 10 channels per
 * connection by default (MaxSessions): keep parallel commands below that.
 */
export class SshTransport implements Transport {
  readonly kind = 'ssh' as const;
  private closed = false;
  private readonly closedPromise: Promise<void>;

  constructor(
    private readonly client: Client,
    readonly description: string,
    readonly hostKey: SshHostKey,
  ) {
    this.closedPromise = new Promise((resolve) =>
      client.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  exec(command: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ExecResult> {
    return collectExec(command, this.spawn(command), { ...opts, where: this.description });
  }

  /**
   * stdout and stderr share the channel's flow-control window: read both (or resume() the one
   * you ignore), or the command stalls once the window fills. A dropped connection ends the
   * streams normally and resolves exit with code null: check the code before trusting the data.
   * kill() discards stdout not read yet.
   */
  spawn(command: string, opts: { signal?: AbortSignal } = {}): RemoteProcess {
    const stdout = new PassThrough({ highWaterMark: STREAM_BUFFER });
    const stderr = new PassThrough({ highWaterMark: 64 * 1024 });
    const stdin = new PassThrough();
    let channel: ClientChannel | undefined;
    let killed = false;
    let resolveExit!: (r: { code: number | null; signal?: string }) => void;
    const exit = new Promise<{ code: number | null; signal?: string }>((resolve) => (resolveExit = resolve));

    const failToStart = (e: Error): void => {
      opts.signal?.removeEventListener('abort', kill);
      stderr.end(`ssh: cannot run the command on ${this.description}: ${e.message}\n`);
      stdout.end();
      resolveExit({ code: null });
    };
    let closing = false;
    let channelClosed = false;
    const kill = (): void => {
      killed = true;
      if (!channel || closing) return; // before the channel opens: onOpen closes it at once
      closing = true;
      const ch = channel;
      // Output nobody will read would hold the channel's 'close' (it waits for the data to be
      // consumed): drop it.
      ch.unpipe(stdout);
      stdout.end();
      ch.resume();
      // OpenSSH ≥ 7.9 delivers the signal with killpg() on the command's process group, which
      // exists only once sshd's forked child has called setsid(): a signal sent just after the
      // exec reply can find no group and be dropped (ESRCH; seen here about once in a hundred
      // kills at start). So repeat it until the channel closes, then close the channel, which
      // covers older servers (the command then gets EPIPE on its next write).
      let retry = 0;
      const signalAgain = (): void => {
        if (channelClosed) return;
        if (retry === SIGNAL_RETRY_MS.length) return void ch.close();
        sendSignal(ch, 'TERM');
        setTimeout(signalAgain, SIGNAL_RETRY_MS[retry++]).unref();
      };
      signalAgain();
      // A server that neither signals nor closes must not hold a cancelled job.
      setTimeout(() => {
        ch.stderr.unpipe(stderr);
        stderr.end();
        resolveExit({ code: null, signal: 'TERM' });
      }, KILL_GRACE_MS).unref();
    };

    const onOpen = (err: Error | undefined, ch: ClientChannel): void => {
      if (err) return failToStart(err);
      channel = ch;
      let status: { code: number | null; signal?: string } = { code: null };
      ch.on('exit', (code: number | null, signal?: string) => {
        status = code !== null && code !== undefined ? { code } : { code: null, ...(signal && { signal }) };
      });
      ch.on('close', () => {
        channelClosed = true;
        opts.signal?.removeEventListener('abort', kill);
        resolveExit(status);
      });
      ch.on('error', () => {});
      ch.pipe(stdout);
      ch.stderr.pipe(stderr);
      stdin.pipe(ch);
      if (killed) kill();
    };

    if (this.closed) failToStart(new Error('the SSH connection is closed'));
    else {
      try {
        this.client.exec(command, onOpen);
      } catch (e) {
        failToStart(e as Error);
      }
    }
    if (opts.signal?.aborted) kill();
    else opts.signal?.addEventListener('abort', kill, { once: true });
    return { stdout, stderr, stdin, exit, kill };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.client.end();
    // end() waits for the server's goodbye; a dead peer must not hold the caller.
    const timer = setTimeout(() => this.client.destroy(), 2000);
    await this.closedPromise;
    clearTimeout(timer);
  }
}

/**
 * ssh2's channel.signal() stays silent once stdin is closed (EOF sent), yet SSH allows channel
 * requests until CHANNEL_CLOSE (RFC 4254 §5.3), and exec() closes stdin at once: send it through
 * the protocol object.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const ch = channel as unknown as {
    outgoing: { id: number; state: string };
    _client: { _protocol: { signal(id: number, name: string): void } };
  };
  if (ch.outgoing.state === 'open' || ch.outgoing.state === 'eof') ch._client._protocol.signal(ch.outgoing.id, name);
}
