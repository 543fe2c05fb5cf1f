/**
 * How Tidemark writes sizes and durations, in the app, the CLI and log messages alike.
 * Sizes are 1024-based with PostgreSQL's unit names, as pg_size_pretty writes them.
 */
const UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** "512 bytes", "9.5 MB", "312 MB", "1.4 GB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(v)} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

export const formatRate = (bytesPerSec: number): string => `${formatBytes(bytesPerSec)}/s`;

/** "42 s", "3 min 5 s", "2 h 10 min", "3 days 4 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return h % 24 ? `${Math.floor(h / 24)} days ${h % 24} h` : `${Math.floor(h / 24)} days`;
}

/** How a backup's data crossed the network: "zstd, 47 MB sent (22.7:1)", or null when uncompressed. */
export function formatWire(copy: { readonly bytes: number; readonly compression?: string; readonly wireBytes?: number }): string | null {
  if (copy.compression !== 'zstd' || !copy.wireBytes) return null;
  return `zstd, ${formatBytes(copy.wireBytes)} sent (${(copy.bytes / copy.wireBytes).toFixed(1)}:1)`;
}
