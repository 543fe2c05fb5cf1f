import { isAbsolute, join, normalize, sep } from 'node:path';
import { TidemarkError } from '../errors';
import type { Transport } from '../transport/transport';
import { mapFsError } from './fs-errors';
import type { ChecksumAlgorithm } from './checksum';
import { FileSink, SlotPool, type SinkStream, type WriteBack } from './file-sink';
import type { ManifestFile } from './manifest';
import { throwIfReadFailed, unreadableFile } from './copy-errors';
import { readTar } from './tar-reader';
import { remoteRead, type WireCompression } from './remote-read';

export interface TarCopyOptions {
  readonly transport: Transport;
  /** The remote directory the names are relative to. */
  readonly remoteDir: string;
  readonly names: readonly string[];
  /** The local directory the files are written under (same relative names). */
  readonly localDir: string;
  readonly signal: AbortSignal;
  readonly checksums: ChecksumAlgorithm;
  readonly compression: WireCompression;
  /** Bytes as they crossed the network. */
  readonly onWireBytes?: (n: number) => void;
  readonly onBytes: (n: number) => void;
  readonly onFileStart?: (name: string) => void;
  readonly onFile: (f: ManifestFile) => void | Promise<void>;
  /** The stream's write buffers, when it has some already (one 16 MB pool per stream, not per read). */
  readonly pool?: SlotPool;
  /** Flushes what the copy wrote while it goes on. */
  readonly writeBack?: WriteBack;
}

export interface TarCopyResult {
  /** Names tar reported as gone: dropped tables and the like, not an error. */
  readonly vanished: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * One remote GNU tar of a list of files (names on stdin, NUL-separated, so no quoting issue
 * whatever they hold), read as a stream and written to local files. Files that change or vanish
 * while tar reads them are expected in a live data directory; anything else tar reports fails.
 */
export async function tarCopy(opts: TarCopyOptions): Promise<TarCopyResult> {
  const { transport, signal } = opts;
  if (opts.names.length === 0) return { vanished: [], warnings: [] };
  // -h follows symlinks (tablespaces, a relocated pg_wal); C locale for parseable messages.
  const read = remoteRead({
    transport,
    dir: opts.remoteDir,
    program: 'tar -cf - -b 256 --no-recursion --null -h --no-wildcards --verbatim-files-from -T -',
    compression: opts.compression,
    signal,
    ...(opts.onWireBytes && { onWireBytes: opts.onWireBytes }),
  });
  read.stdin.end(Buffer.from(opts.names.map((n) => `${n}\0`).join(''), 'utf8'));

  const wanted = new Set(opts.names);
  const stream: SinkStream = { pool: opts.pool ?? new SlotPool(), algorithm: opts.checksums, onBytes: opts.onBytes, ...(opts.writeBack && { writeBack: opts.writeBack }) };
  let open: FileSink | null = null;
  let readError: unknown;
  try {
    await readTar(read.chunks, async (entry) => {
      if (signal.aborted) throw signal.reason;
      if (entry.type !== 'file') return { write() {}, end() {} };
      const local = safeJoin(opts.localDir, entry.name);
      wanted.delete(entry.name);
      opts.onFileStart?.(entry.name);
      try {
        const sink = await FileSink.create({ localPath: local, relPath: entry.name, mtime: entry.mtime, size: entry.size }, stream, async (f) => {
          open = null;
          await opts.onFile(f);
        });
        open = sink;
        return {
          write: (chunk: Buffer) => (sink.write(chunk) ?? undefined)?.catch((e) => Promise.reject(mapFsError(e, local))),
          end: () => sink.end().catch((e) => Promise.reject(e instanceof TidemarkError ? e : mapFsError(e, local))),
        };
      } catch (e) {
        throw mapFsError(e, local);
      }
    });
  } catch (e) {
    readError = e;
    read.kill();
  }
  await (open as FileSink | null)?.abandon();
  const end = await read.finish();
  if (signal.aborted) throw signal.reason;
  throwIfReadFailed(transport, end.code, readError ?? end.compressorError, 'the file stream');
  return classifyTarExit(end.code, end.stderr, [...wanted]);
}

const HARMLESS = [/: file changed as we read it$/, /: File shrank by \d+ bytes; padding with zeros$/, /Exiting with failure status due to previous errors$/];
const VANISHED = /^tar: (.*): (?:Cannot stat|Cannot open|Cannot read|Read error at byte \d+, while reading \d+ bytes): No such file or directory$/;

function classifyTarExit(code: number, stderr: string, missing: string[]): TarCopyResult {
  const vanished: string[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];
  for (const line of stderr.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const v = VANISHED.exec(line);
    if (v) vanished.push(v[1]);
    else if (HARMLESS.some((re) => re.test(line))) warnings.push(line);
    else problems.push(line);
  }
  if (code > 2 || problems.length > 0 || (code === 2 && vanished.length === 0)) {
    const unreadable = problems.find((l) => /Permission denied/.test(l));
    if (unreadable) throw unreadableFile(unreadable.replace(/^tar: /, ''));
    throw new TidemarkError('SSH_COMMAND', `tar on the database host failed (exit ${code}): ${problems.join('; ') || 'no message'}`, {
      hint: 'GNU tar must be installed on the database host.',
    });
  }
  // A file tar never mentioned but never sent either is also gone; trust tar's own report first.
  for (const m of missing) if (!vanished.includes(m)) vanished.push(m);
  return { vanished, warnings };
}

/** Refuses names that would escape the destination (a hostile or confused remote side). */
export function safeJoin(root: string, name: string): string {
  const n = normalize(name);
  if (isAbsolute(n) || n === '..' || n.startsWith(`..${sep}`)) {
    throw new TidemarkError('BACKUP_FAILED', `Refusing a file name outside the data directory: ${name}`);
  }
  return join(root, n);
}
