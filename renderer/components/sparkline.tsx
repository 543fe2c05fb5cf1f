import { areaPath, linePath, sparklinePoints } from './chart-geometry';

interface SparklineProps {
  readonly values: readonly number[];
  /** What the line shows, for screen readers ("Copy rate over the last 30 s"). */
  readonly label: string;
  readonly width?: number;
  readonly height?: number;
}

/** A small line chart in inline SVG; it scales to its box (the viewBox keeps the proportions). */
export function Sparkline({ values, label, width = 160, height = 36 }: SparklineProps) {
  const points = sparklinePoints(values, width, height, 2);
  return (
    <svg className="sparkline" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={label}>
      {points.length > 1 && (
        <>
          <line className="sparkline-base" x1={0} y1={height - 1} x2={width} y2={height - 1} />
          <path className="sparkline-area" d={areaPath(points, height)} />
          <path className="sparkline-line" d={linePath(points)} vectorEffect="non-scaling-stroke" />
        </>
      )}
    </svg>
  );
}
