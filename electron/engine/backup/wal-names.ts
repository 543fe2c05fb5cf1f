/**
 * WAL segment names from LSNs, computed the way PostgreSQL's XLogFileName does. A standby refuses
 * pg_walfile_name(), so Tidemark never asks the server: it needs the timeline and
 * wal_segment_size (which is set at initdb and must never be assumed to be 16 MB).
 */

/** "16/B374D848" → 0x16B374D848n. */
export function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn.trim());
  if (!m) throw new Error(`Not an LSN: ${lsn}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

const hex8 = (n: bigint | number): string => n.toString(16).toUpperCase().padStart(8, '0');

export function segmentNumber(lsn: bigint, segmentSize: number): bigint {
  return lsn / BigInt(segmentSize);
}

export function walFileName(timeline: number, segno: bigint, segmentSize: number): string {
  const perId = 0x100000000n / BigInt(segmentSize);
  return `${hex8(timeline)}${hex8(segno / perId)}${hex8(segno % perId)}`;
}

/**
 * Every segment a backup needs: from the one holding the start LSN to the one holding the last
 * byte before the stop LSN (a stop exactly on a boundary needs nothing from the next segment).
 */
export function walSegmentsBetween(timeline: number, startLsn: string, stopLsn: string, segmentSize: number): string[] {
  const start = parseLsn(startLsn);
  const stop = parseLsn(stopLsn);
  const first = segmentNumber(start, segmentSize);
  const lastByte = stop > start ? stop - 1n : start;
  const last = segmentNumber(lastByte, segmentSize);
  const names: string[] = [];
  for (let s = first; s <= last; s++) names.push(walFileName(timeline, s, segmentSize));
  return names;
}

/** pg_settings reports wal_segment_size in bytes (unit B) on 11+, in 8kB pages before. */
export function walSegmentBytes(setting: string, unit: string | null): number {
  const n = Number(setting);
  const factor = unit === '8kB' ? 8192 : unit === 'MB' ? 1024 * 1024 : 1;
  const bytes = n * factor;
  if (!Number.isFinite(bytes) || bytes <= 0 || (bytes & (bytes - 1)) !== 0) {
    throw new Error(`Unexpected wal_segment_size: ${setting} ${unit ?? ''}`);
  }
  return bytes;
}
