import assert from 'node:assert/strict';
import { it } from 'node:test';
import { initialProgress, type JobProgress } from '../../../shared/models/job';
import { copiedPercent, phaseSteps } from '../../../renderer/features/backup/job-phases';

const progress = (p: Partial<JobProgress>): JobProgress => ({
  ...initialProgress({ jobId: 'j', serverId: 's', backupId: 'b', startedAt: '2026-11-23T12:00:00Z' }),
  phase: 'copy',
  ...p,
});

it('the stepper marks the phases before the current one done', () => {
  const steps = phaseSteps('copy');
  assert.deepEqual(
    steps.map((s) => `${s.phase}:${s.state}`),
    ['connect:done', 'checks:done', 'start:done', 'copy:current', 'stop:todo', 'wal:todo', 'manifest:todo'],
  );
  assert.ok(phaseSteps('done').every((s) => s.state === 'done'));
  assert.ok(phaseSteps(undefined).every((s) => s.state === 'todo'));
});

it('the progress bar follows the bytes, is indeterminate before the copy, full after it', () => {
  assert.equal(copiedPercent(progress({ phase: 'start' })), undefined);
  assert.equal(copiedPercent(progress({ bytesTotal: 0 })), undefined);
  assert.equal(copiedPercent(progress({ bytesDone: 1, bytesTotal: 3 })), 33.3);
  assert.equal(copiedPercent(progress({ bytesDone: 5, bytesTotal: 3 })), 100);
  assert.equal(copiedPercent(progress({ phase: 'wal', bytesDone: 1, bytesTotal: 3 })), 100);
});
