import type { Writable } from 'node:stream';
import type { NetworkCompression } from '../../../shared/models/settings';
import { TidemarkError } from '../errors';
import { shellQuote, type Transport } from '../transport/transport';
import { chunksOf } from './stream-chunks';

/** How a copy stream travels: zstd-compressed by the database host, or as the files are. */
export type WireCompression = 'zstd' | 'none';

type ZstdBinding = typeof import('zstd-napi/binding');
let zstd: ZstdBinding | null | undefined;

/**
 * The zstd decoder (zstd-napi, an optional dependency: a prebuilt or locally compiled N-API
 * module). Without it Tidemark still works, copying uncompressed.
 */
export function zstdDecoder(): ZstdBinding | null {
  if (zstd === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      zstd = require('zstd-napi/binding') as ZstdBinding;
    } catch {
      zstd = null;
    }
  }
  return zstd;
}

/**
 * Whether the copy streams travel compressed, and why in words for the job log. zstd at level 1
 * compresses several hundred MB/s per core on the database host and decodes faster still here:
 * fewer bytes to encrypt, send and decrypt. A server on this machine is never compressed.
 */
export async function chooseWireCompression(transport: Transport, setting: NetworkCompression, signal?: AbortSignal): Promise<{ compression: WireCompression; reason: string }> {
  if (setting === 'off') return { compression: 'none', reason: 'Network compression is off (settings)' };
  if (transport.kind === 'local') return { compression: 'none', reason: 'No network compression: the server is on this machine' };
  if (!zstdDecoder()) return { compression: 'none', reason: 'No network compression: the zstd module did not load in Tidemark (reinstall it to enable compression)' };
  const r = await transport.exec('LC_ALL=C zstd -V', { timeoutMs: 15_000, ...(signal && { signal }) }).catch(() => null);
  const version = r?.code === 0 ? r.stdout.toString('utf8').trim() : '';
  if (!version) return { compression: 'none', reason: 'No network compression: zstd is not installed on the database host (install the zstd package for faster copies)' };
  return { compression: 'zstd', reason: `Network compression: zstd -1 on the database host (${version.replace(/^\*+\s*/, '').split(',')[0]})` };
}

export interface RemoteReadOptions {
  readonly transport: Transport;
  /** The remote directory the program runs in. */
  readonly dir: string;
  /** A POSIX sh command line that writes to stdout: tar, dd, zstd. Run with LC_ALL=C. */
  readonly program: string;
  readonly compression: WireCompression;
  /**
   * With zstd: the program is zstd itself, reading a file (no pipe to feed it, and one copy of
   * every byte fewer on the database host); its exit status is its own.
   */
  readonly programCompresses?: boolean;
  readonly signal?: AbortSignal;
  /** Counts the bytes as they crossed the network (compressed or not). */
  readonly onWireBytes?: (n: number) => void;
  readonly stderrLimit?: number;
}

export interface RemoteReadEnd {
  /** The program's own exit status; null when the connection was lost. */
  readonly code: number | null;
  /** The program's stderr (the status line of a compressed read removed). */
  readonly stderr: string;
  /** Set when the compressor, not the program, failed; code is then the compressor's (never 0). */
  readonly compressorError?: TidemarkError;
}

export interface RemoteRead {
  /** The program's stdout, decompressed. A chunk is valid until the next one is requested. */
  readonly chunks: AsyncIterable<Buffer>;
  /** Or the stdout as it crossed the network (still compressed); read one of the two only. */
  readonly raw: AsyncIterable<Buffer>;
  readonly stdin: Writable;
  kill(): void;
  /** Waits for the remote command to end. */
  finish(): Promise<RemoteReadEnd>;
}

/**
 * The compressor on the database host, writing to stdout. Without zstd's frame checksum, as
 * PostgreSQL's own server-side zstd (basebackup_zstd.c never sets ZSTD_c_checksumFlag): SSH
 * authenticates every byte on the way, so the frame checksum would only check zstd itself. Its
 * XXH64, computed on the host and verified here, cost about 0.2 CPU-s per GB on a two-core copy.
 */
export const ZSTD = 'zstd -1 -q -c --no-check';

/** What to do when zstd on the database host fails. */
export const ZSTD_HINT = 'Turn network compression off in the settings, or fix zstd on the database host.';

// The program's status travels on stderr, since the pipeline's is the compressor's. It is not
// anchored to a line start: the echo is one atomic write, but the shell and zstd write their own
// messages to the same stderr in pieces, so the status can land in the middle of one of theirs.
const STATUS_TAG = 'tidemark-read-status:';
const STATUS_LINE = new RegExp(`${STATUS_TAG}(\\d+)\\n?`);

/**
 * Runs a program on the database host that writes a stream (tar of files, dd of a range) and
 * reads its stdout; compressed, the pipeline is `{ program; echo status >&2; } | zstd -1`, and
 * the program's own status is recovered from stderr.
 */
export function remoteRead(o: RemoteReadOptions): RemoteRead {
  const cd = `cd ${shellQuote(o.dir)}`;
  const piped = o.compression === 'zstd' && !o.programCompresses;
  const command = piped
    ? `${cd} && { LC_ALL=C ${o.program}; echo "${STATUS_TAG}$?" >&2; } | LC_ALL=C ${ZSTD}`
    : `${cd} && LC_ALL=C exec ${o.program}`;
  const proc = o.transport.spawn(command, o.signal ? { signal: o.signal } : {});
  const limit = o.stderrLimit ?? 64 * 1024;
  let stderr = '';
  // The status line comes last: kept even when a chatty program fills the limit.
  let tail = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => {
    if (stderr.length < limit) stderr += d;
    tail = (tail + d).slice(-256);
  });
  proc.stdin.on('error', () => {}); // a dead remote side shows up as the exit status instead
  const onWire = o.onWireBytes ?? (() => {});
  const stdout = chunksOf(proc.stdout);
  const raw = counted(stdout, onWire);
  const chunks = o.compression === 'zstd' ? zstdChunks(stdout, onWire) : raw;

  const finish = async (): Promise<RemoteReadEnd> => {
    const exit = await proc.exit;
    if (!piped || exit.code === null) return { code: exit.code, stderr };
    const status = STATUS_LINE.exec(stderr) ?? STATUS_LINE.exec(tail);
    const rest = status ? stderr.replace(STATUS_LINE, '') : stderr;
    if (exit.code === 0 && status) return { code: Number(status[1]), stderr: rest };
    const code = exit.code === 0 ? 255 : exit.code;
    const message = exit.code === 0 ? 'the read ended without reporting its status' : rest.trim() || `exit ${exit.code}`;
    return {
      code,
      stderr: rest,
      compressorError: new TidemarkError('SSH_COMMAND', `zstd on the database host failed (${o.transport.description}): ${message}`, {
        hint: ZSTD_HINT,
      }),
    };
  };
  return { chunks, raw, stdin: proc.stdin, kill: () => proc.kill(), finish };
}

async function* counted(source: AsyncIterable<Buffer>, onWire: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const c of source) {
    onWire(c.length);
    yield c;
  }
}

// Decoded OUT_BYTES at a time, little enough to stay in the CPU cache until the sink checksums
// it (and, for zstdChunks, copies it).
const OUT_BYTES = 256 * 1024;

/** One zstd stream of one or more frames, decoded piece by piece. */
class ZstdStream {
  private readonly dctx: InstanceType<ZstdBinding['DCtx']>;
  private frameOpen = false;

  constructor() {
    const z = zstdDecoder();
    if (!z) throw new Error('the zstd module is not available');
    this.dctx = new z.DCtx();
  }

  /** Decodes from `input` into `out`: how much it wrote, and the input it has not consumed yet. */
  step(out: Uint8Array, input: Buffer): [produced: number, rest: Buffer] {
    const [hint, produced, consumed] = this.dctx.decompressStream(out, input);
    // 0: a frame ended and is fully flushed. A call that moved nothing (an empty input after a
    // full flush) says nothing about the frame: it asks for the next one's header.
    if (consumed > 0 || produced > 0) this.frameOpen = hint !== 0;
    return [produced, input.subarray(consumed)];
  }

  end(): void {
    if (this.frameOpen) throw new Error('the compressed stream ended in the middle of a frame');
  }
}

/**
 * Decodes a zstd stream into one reused buffer: each chunk yielded is valid until the next is
 * requested, which is how the tar reader consumes them (it copies into its write slots before
 * asking for more).
 */
export async function* zstdChunks(source: AsyncIterable<Buffer>, onWire: (n: number) => void = () => {}): AsyncGenerator<Buffer> {
  const z = new ZstdStream();
  const out = Buffer.allocUnsafe(OUT_BYTES);
  for await (const input of source) {
    onWire(input.length);
    let rest = input;
    let produced: number;
    do {
      [produced, rest] = z.step(out, rest);
      if (produced > 0) yield out.subarray(0, produced);
      // A full output buffer may leave decoded bytes inside the decoder: call again.
    } while (rest.length > 0 || produced === OUT_BYTES);
  }
  z.end();
}

/** Where a decoder writes: space() is the buffer to fill next, commit(n) takes what it wrote. */
export interface DecodeTarget {
  space(max: number): Uint8Array | Promise<Uint8Array>;
  commit(n: number): void;
}

/**
 * Decodes a zstd stream straight into the target's buffers (a sink's write slots), at most
 * OUT_BYTES at a time: no copy between the decoder and the disk writes.
 */
export async function zstdDecodeInto(source: AsyncIterable<Buffer>, target: DecodeTarget): Promise<void> {
  const z = new ZstdStream();
  for await (const input of source) {
    let rest = input;
    let produced: number;
    let room: number;
    do {
      const space = target.space(OUT_BYTES);
      const out = space instanceof Uint8Array ? space : await space;
      room = out.length;
      [produced, rest] = z.step(out, rest);
      target.commit(produced);
    } while (rest.length > 0 || produced === room);
  }
  z.end();
}
