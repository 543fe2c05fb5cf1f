/**
 * A small streaming reader for the tar archives GNU tar writes (ustar, GNU long names, pax
 * headers). It pulls chunks from an async iterable, so a slow sink slows the remote tar down
 * through the stream's backpressure instead of buffering in memory.
 */

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface TarEntry {
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly mode: number;
}

/** Receives one entry's content; write may return a promise to apply backpressure. */
export interface TarSink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export class TarFormatError extends Error {}

const BLOCK = 512;

export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: (entry: TarEntry) => TarSink | Promise<TarSink>,
): Promise<{ readonly entries: number; readonly ended: boolean }> {
  const header = Buffer.alloc(BLOCK);
  let headerFill = 0;
  let sink: TarSink | null = null;
  let remaining = 0; // content bytes still to read for the current entry
  let padding = 0; // bytes to skip after the content
  let meta: 'longname' | 'pax' | null = null; // the current entry's content describes the next one
  let metaChunks: Buffer[] = [];
  let pending: { name?: string; size?: number; mtime?: number } = {};
  let entries = 0;
  let ended = false;

  for await (const chunk of source) {
    let off = 0;
    while (off < chunk.length) {
      // After the end-of-archive blocks comes only record padding: drain it, so tar exits cleanly.
      if (ended) break;
      if (remaining > 0) {
        const n = Math.min(remaining, chunk.length - off);
        const part = chunk.subarray(off, off + n);
        if (meta) metaChunks.push(Buffer.from(part));
        else if (sink) {
          const w = sink.write(part);
          if (w) await w;
        }
        off += n;
        remaining -= n;
        if (remaining === 0) {
          if (meta) {
            Object.assign(pending, parseMeta(meta, Buffer.concat(metaChunks)));
            meta = null;
            metaChunks = [];
          } else if (sink) {
            const s = sink;
            sink = null;
            const e = s.end();
            if (e) await e;
          }
        }
        continue;
      }
      if (padding > 0) {
        const n = Math.min(padding, chunk.length - off);
        off += n;
        padding -= n;
        continue;
      }
      const n = Math.min(BLOCK - headerFill, chunk.length - off);
      chunk.copy(header, headerFill, off, off + n);
      headerFill += n;
      off += n;
      if (headerFill < BLOCK) continue;
      headerFill = 0;
      if (isZeroBlock(header)) {
        ended = true;
        continue;
      }
      const h = parseHeader(header);
      const size = pending.size ?? h.size;
      remaining = size;
      padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if (h.typeflag === 'L') {
        meta = 'longname';
      } else if (h.typeflag === 'x') {
        meta = 'pax';
      } else if (h.typeflag === 'g' || h.typeflag === 'K') {
        meta = null;
        sink = null; // global pax headers and long link names: read and ignore
      } else {
        const entry: TarEntry = {
          name: stripDot(pending.name ?? h.name),
          type: h.typeflag === '0' || h.typeflag === '\0' || h.typeflag === '7' ? 'file' : h.typeflag === '5' ? 'dir' : h.typeflag === '2' ? 'symlink' : 'other',
          size,
          mtime: pending.mtime ?? h.mtime,
          mode: h.mode,
        };
        pending = {};
        entries++;
        if (entry.type === 'file') {
          sink = await onEntry(entry);
          if (size === 0) {
            const e = sink.end();
            sink = null;
            if (e) await e;
          }
        } else {
          remaining = entry.type === 'dir' ? 0 : remaining;
          sink = null;
          await onEntry(entry);
        }
      }
      if (meta) metaChunks = [];
    }
  }
  if (remaining > 0 || sink || meta) throw new TarFormatError('The archive ended in the middle of a file');
  return { entries, ended };
}

function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

function parseHeader(b: Buffer): { name: string; mode: number; size: number; mtime: number; typeflag: string } {
  const sum = readOctal(b, 148, 8);
  let computed = 0;
  for (let i = 0; i < BLOCK; i++) computed += i >= 148 && i < 156 ? 32 : b[i];
  if (sum !== computed) throw new TarFormatError('Corrupt tar header (checksum mismatch)');
  let name = readString(b, 0, 100);
  // POSIX ustar has a prefix field; GNU tar ("ustar  ") uses those bytes for other things.
  if (b.toString('latin1', 257, 263) === 'ustar\u0000') {
    const prefix = readString(b, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: readOctal(b, 100, 8),
    size: readNumber(b, 124, 12),
    mtime: readNumber(b, 136, 12),
    typeflag: String.fromCharCode(b[156]),
  };
}

function readString(b: Buffer, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return b.toString('utf8', off, end);
}

function readOctal(b: Buffer, off: number, len: number): number {
  const s = b.toString('latin1', off, off + len).replace(/[\0 ]+$/g, '').trim();
  return s ? parseInt(s, 8) : 0;
}

/** GNU tar writes numbers too large for octal in base-256, flagged by the high bit. */
function readNumber(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    let n = b[off] & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + b[off + i];
    return n;
  }
  return readOctal(b, off, len);
}

function parseMeta(kind: 'longname' | 'pax', body: Buffer): { name?: string; size?: number; mtime?: number } {
  if (kind === 'longname') {
    const nul = body.indexOf(0);
    return { name: body.toString('utf8', 0, nul === -1 ? body.length : nul) };
  }
  const out: { name?: string; size?: number; mtime?: number } = {};
  let off = 0;
  while (off < body.length) {
    const space = body.indexOf(0x20, off);
    if (space === -1) break;
    const len = Number(body.toString('latin1', off, space));
    if (!len) break;
    const record = body.toString('utf8', space + 1, off + len - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.name = value;
    else if (key === 'size') out.size = Number(value);
    else if (key === 'mtime') out.mtime = Math.floor(Number(value));
    off += len;
  }
  return out;
}

const stripDot = (name: string): string => name.replace(/^\.\//, '').replace(/\/$/, '');
