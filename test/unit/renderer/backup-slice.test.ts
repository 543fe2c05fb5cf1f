import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackupRecord } from '../../../shared/models/backup';
import type { JobProgress, JobView } from '../../../shared/models/job';
import { selectActiveJob, selectFinishedJob } from '../../../renderer/features/backup/backup-slice';
import { storeWith, tick } from './store-harness';

const progress = (p: Partial<JobProgress>): JobProgress => ({
  jobId: 'j1',
  serverId: 's1',
  backupId: '20261123T120000',
  phase: 'copy',
  bytesDone: 0,
  bytesTotal: 100,
  filesDone: 0,
  filesTotal: 10,
  rateBytesPerSec: 0,
  etaSeconds: null,
  currentFile: null,
  startedAt: '2026-11-23T12:00:00Z',
  ...p,
});
const record = { id: '20261123T120000', serverId: 's1', status: 'DONE' } as BackupRecord;

describe('backup slice', () => {
  it('a reloaded window finds the running job through jobs:list, and follows its events', async () => {
    const view: JobView = { jobId: 'j1', serverId: 's1', backupId: record.id, mode: 'concurrent', progress: progress({ bytesDone: 40 }), log: [] };
    let listed = 0;
    const { store, bus, stop } = storeWith(
      {
        'jobs:list': async () => {
          listed++;
          return [view];
        },
        'servers:list': async () => [],
        'backups:list': async () => [record],
      },
      { start: true },
    );
    await tick();
    assert.equal(listed, 1);
    assert.equal(selectActiveJob('s1')(store.getState())?.progress?.bytesDone, 40);
    assert.equal(selectActiveJob('s1')(store.getState())?.mode, 'concurrent');

    bus.emit('job:progress', progress({ bytesDone: 60, rateBytesPerSec: 10 }));
    bus.emit('job:progress', progress({ bytesDone: 80, rateBytesPerSec: 20 }));
    bus.emit('job:progress', progress({ phase: 'stop', bytesDone: 100, rateBytesPerSec: 20 }));
    const job = selectActiveJob('s1')(store.getState());
    assert.equal(job?.progress?.phase, 'stop');
    assert.deepEqual(job?.samples.map((s) => s.rate), [10, 20], 'only the copy phase has a rate to chart');

    bus.emit('job:done', { jobId: 'j1', serverId: 's1', backupId: record.id, status: 'DONE', backup: record });
    await tick();
    assert.equal(selectActiveJob('s1')(store.getState()), undefined);
    assert.equal(selectFinishedJob('s1')(store.getState())?.done?.status, 'DONE');
    assert.deepEqual(store.getState().history.s1?.backups, [record], 'job:done refreshes the history');
    store.getState().dismissJob('j1');
    assert.equal(selectFinishedJob('s1')(store.getState()), undefined);
    stop();
  });

  it('a job:done that overtakes the jobs:list answer wins: the job is not shown running for ever', async () => {
    let answer!: (v: JobView[]) => void;
    const { store, bus, stop } = storeWith(
      {
        'jobs:list': () => new Promise<JobView[]>((r) => (answer = r)),
        'servers:list': async () => [],
        'backups:list': async () => [record],
      },
      { start: true }, // a window just (re)loaded: it asks for the running jobs
    );
    await tick();
    // The engine took the list while the job ran, then sent its job:done first.
    bus.emit('job:done', { jobId: 'j1', serverId: 's1', backupId: record.id, status: 'CANCELLED', backup: record });
    answer([{ jobId: 'j1', serverId: 's1', backupId: record.id, mode: 'concurrent', progress: progress({ phase: 'wal' }), log: [] }]);
    await tick();
    stop();
    assert.equal(selectActiveJob('s1')(store.getState()), undefined);
    assert.equal(selectFinishedJob('s1')(store.getState())?.done?.status, 'CANCELLED');
  });

  it('after a lost connection, a job the engine no longer runs is dropped and its history reloaded', async () => {
    let running = true;
    let historyLoads = 0;
    const { store } = storeWith({
      'jobs:list': async () => (running ? [{ jobId: 'j1', serverId: 's1', backupId: record.id, mode: 'exclusive', progress: progress({}), log: [] }] : []),
      'backups:list': async () => {
        historyLoads++;
        return [record];
      },
    });
    await store.getState().loadJobs();
    assert.ok(selectActiveJob('s1')(store.getState()));
    running = false;
    await store.getState().loadJobs();
    await tick();
    assert.equal(selectActiveJob('s1')(store.getState()), undefined);
    assert.equal(historyLoads, 1);
  });

  it('a refused start keeps the engine error for the header; a new start clears the last outcome', async () => {
    const { store } = storeWith({
      'backup:start': async ({ mode }) => {
        if (mode === 'exclusive') throw Object.assign(new Error('x'), {});
        return { jobId: 'j2', backupId: 'b2' };
      },
    });
    store.getState().jobDone({ jobId: 'j1', serverId: 's1', backupId: 'b1', status: 'FAILED', backup: record });
    const refused = await store.getState().startBackup('s1', 'exclusive');
    assert.equal(refused.ok, false);
    assert.ok(store.getState().startErrors.s1);
    const started = await store.getState().startBackup('s1', 'concurrent');
    assert.equal(started.ok, true);
    assert.equal(store.getState().startErrors.s1, undefined);
    assert.equal(selectFinishedJob('s1')(store.getState()), undefined);
    assert.equal(selectActiveJob('s1')(store.getState())?.jobId, 'j2');
  });
});
