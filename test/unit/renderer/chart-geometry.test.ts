import assert from 'node:assert/strict';
import { it } from 'node:test';
import { areaPath, linePath, niceBytesMax, niceMax, sparklinePoints } from '../../../renderer/components/chart-geometry';

it('a sparkline puts zero at the bottom and the maximum at the top, evenly spaced', () => {
  const pts = sparklinePoints([0, 50, 100], 100, 20, 0);
  assert.deepEqual(pts, [
    { x: 0, y: 20 },
    { x: 50, y: 10 },
    { x: 100, y: 0 },
  ]);
  assert.equal(linePath(pts), 'M0 20 L50 10 L100 0');
  assert.equal(areaPath(pts, 20), 'M0 20 L50 10 L100 0 L100 20 L0 20 Z');
  assert.deepEqual(sparklinePoints([], 100, 20), []);
  // All zeros: a flat line on the floor, not NaN.
  assert.ok(sparklinePoints([0, 0], 100, 20, 0).every((p) => p.y === 20));
});

it('axes end on round numbers', () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(7), 10);
  assert.equal(niceMax(130), 200);
  assert.equal(niceMax(400), 500);
  assert.equal(niceMax(1000), 1000);
});

it('byte axes end on round numbers in the unit shown', () => {
  const MB = 1024 * 1024;
  assert.equal(niceBytesMax(501 * MB), 1000 * MB);
  assert.equal(niceBytesMax(41 * MB), 50 * MB);
  assert.equal(niceBytesMax(0), 1024);
});
