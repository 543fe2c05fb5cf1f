/** The arithmetic behind the inline SVG charts (no chart library): scales and paths. */

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Maps [d0, d1] onto [r0, r1]; a flat domain maps to the middle of the range. */
export function scaleLinear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** An SVG path through the points, rounded to 0.1 px. */
export function linePath(points: readonly Point[]): string {
  const r = (n: number): number => Math.round(n * 10) / 10;
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(p.x)} ${r(p.y)}`).join(' ');
}

/** The points of a sparkline: evenly spaced values, zero at the bottom, the maximum at the top. */
export function sparklinePoints(values: readonly number[], width: number, height: number, pad = 1): Point[] {
  if (values.length === 0) return [];
  const max = Math.max(...values, 0);
  const x = scaleLinear(0, Math.max(1, values.length - 1), pad, width - pad);
  const y = scaleLinear(0, max || 1, height - pad, pad);
  return values.map((v, i) => ({ x: values.length === 1 ? width - pad : x(i), y: y(Math.max(0, v)) }));
}

/** The closed area under a sparkline, for a soft fill. */
export function areaPath(points: readonly Point[], height: number): string {
  if (points.length === 0) return '';
  const first = points[0];
  const last = points[points.length - 1];
  return `${linePath(points)} L${last.x} ${height} L${first.x} ${height} Z`;
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least the value. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** niceMax for byte counts: round in the unit they are shown in (500 MB, not 954 MB). */
export function niceBytesMax(v: number): number {
  if (!(v > 0)) return 1024;
  let unit = 1;
  while (v / unit >= 1024) unit *= 1024;
  return niceMax(v / unit) * unit;
}
