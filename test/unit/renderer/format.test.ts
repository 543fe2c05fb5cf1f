import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatAge, formatBytes, formatDuration, formatWire, secondsBetween } from '../../../renderer/format';

it('writes sizes like pg_size_pretty', () => {
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1536), '1.5 kB');
  assert.equal(formatBytes(312 * 1024 * 1024), '312 MB');
  assert.equal(formatBytes(1.4 * 1024 ** 3), '1.4 GB');
  assert.equal(formatBytes(-1), '—');
});

it('writes durations and ages', () => {
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(185), '3 min 5 s');
  assert.equal(formatDuration(7800), '2 h 10 min');
  const now = Date.parse('2026-11-23T12:00:00Z');
  assert.equal(formatAge('2026-11-23T11:59:50Z', now), 'just now');
  assert.equal(formatAge('2026-11-23T11:55:00Z', now), '5 min ago');
  assert.equal(formatAge('2026-11-23T09:00:00Z', now), '3 h ago');
  assert.equal(formatAge('2026-11-20T12:00:00Z', now), '3 days ago');
  assert.equal(secondsBetween('2026-11-23T12:00:00Z', '2026-11-23T12:01:30Z'), 90);
  assert.equal(secondsBetween('2026-11-23T12:00:00Z', undefined), undefined);
});

it('says how a backup crossed the network, when it was compressed', () => {
  assert.equal(formatWire({ bytes: 1124864000, compression: 'zstd', wireBytes: 49545216 }), 'zstd, 47 MB sent (22.7:1)');
  assert.equal(formatWire({ bytes: 1124864000, compression: 'none', wireBytes: 1124864000 }), null);
  assert.equal(formatWire({ bytes: 1124864000 }), null, 'a backup from before compression existed');
});
