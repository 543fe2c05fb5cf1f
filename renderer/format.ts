/** How the renderer writes sizes, durations and ages: one place, so every screen agrees. */

export { formatBytes, formatDuration, formatRate, formatWire } from '../shared/format';

/** How long ago, coarse enough for a sidebar: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** Seconds between two ISO times, or undefined while the second is unknown. */
export function secondsBetween(startIso: string, endIso: string | undefined): number | undefined {
  if (!endIso) return undefined;
  const a = Date.parse(startIso);
  const b = Date.parse(endIso);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.max(0, (b - a) / 1000);
}

/** A local date and time, compact: "2026-11-23 19:25:04". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
