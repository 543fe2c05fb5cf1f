import { linePath, niceBytesMax, niceMax, scaleLinear } from '../../components/chart-geometry';
import { formatBytes, formatDateTime, formatDuration } from '../../format';
import type { ChartPoint } from './history-sort';

const W = 640;
const H = 170;
const PAD = { left: 58, right: 52, top: 12, bottom: 26 };

/** Size (bars, left axis) and duration (line, right axis) of the finished backups, oldest left. */
export function HistoryChart({ points }: { readonly points: readonly ChartPoint[] }) {
  if (points.length === 0) return null;
  const maxSize = niceBytesMax(Math.max(...points.map((p) => p.sizeBytes)));
  const maxSecs = niceMax(Math.max(...points.map((p) => p.seconds)));
  const slot = (W - PAD.left - PAD.right) / points.length;
  const cx = (i: number): number => PAD.left + slot * (i + 0.5);
  const ySize = scaleLinear(0, maxSize, H - PAD.bottom, PAD.top);
  const ySecs = scaleLinear(0, maxSecs, H - PAD.bottom, PAD.top);
  const barW = Math.max(2, Math.min(28, slot * 0.6));
  const line = points.map((p, i) => ({ x: cx(i), y: ySecs(p.seconds) }));
  const first = points[0];
  const last = points[points.length - 1];
  const summary =
    `${points.length} finished backup${points.length === 1 ? '' : 's'} from ${formatDateTime(first.startedAt)} to ${formatDateTime(last.startedAt)}; ` +
    `latest ${formatBytes(last.sizeBytes)} in ${formatDuration(last.seconds)}.`;

  return (
    <figure className="history-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Size and duration over time: ${summary}`}>
        <g className="chart-grid">
          <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top} y2={PAD.top} />
          <line x1={PAD.left} x2={W - PAD.right} y1={(PAD.top + H - PAD.bottom) / 2} y2={(PAD.top + H - PAD.bottom) / 2} />
          <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} />
        </g>
        <g className="chart-axis">
          <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end">
            {formatBytes(maxSize)}
          </text>
          <text x={PAD.left - 6} y={H - PAD.bottom + 4} textAnchor="end">
            0
          </text>
          <text x={W - PAD.right + 6} y={PAD.top + 4}>
            {formatDuration(maxSecs)}
          </text>
          <text x={W - PAD.right + 6} y={H - PAD.bottom + 4}>
            0 s
          </text>
          <text x={cx(0)} y={H - 8} textAnchor={points.length === 1 ? 'middle' : 'start'}>
            {formatDateTime(first.startedAt).slice(5, 16)}
          </text>
          {points.length > 1 && (
            <text x={cx(points.length - 1)} y={H - 8} textAnchor="end">
              {formatDateTime(last.startedAt).slice(5, 16)}
            </text>
          )}
        </g>
        <g className="chart-bars">
          {points.map((p, i) => (
            <rect key={p.id} x={cx(i) - barW / 2} y={ySize(p.sizeBytes)} width={barW} height={Math.max(0, H - PAD.bottom - ySize(p.sizeBytes))} rx={2}>
              <title>{`${p.id}: ${formatBytes(p.sizeBytes)} in ${formatDuration(p.seconds)}`}</title>
            </rect>
          ))}
        </g>
        {line.length > 1 && <path className="chart-line" d={linePath(line)} />}
        <g className="chart-dots">
          {line.map((pt, i) => (
            <circle key={points[i].id} cx={pt.x} cy={pt.y} r={3} />
          ))}
        </g>
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-item legend-size">Size (left axis)</span>
        <span className="legend-item legend-duration">Duration (right axis)</span>
      </figcaption>
    </figure>
  );
}
