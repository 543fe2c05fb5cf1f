import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackupDetails, BackupRecord } from '../../../shared/models/backup';
import type { CheckResult } from '../../../shared/models/check';
import { TidemarkError } from '../../../electron/engine/errors';
import { selectDetails, selectLastGoodBackup } from '../../../renderer/features/history/history-slice';
import { storeWith } from './store-harness';

const rec = (id: string, status: BackupRecord['status'], endedAt?: string) =>
  ({ id, serverId: 's1', status, startedAt: '2026-11-23T10:00:00Z', ...(endedAt && { endedAt }) }) as BackupRecord;

describe('history slice', () => {
  it('loads details, deletes a backup and forgets its details', async () => {
    let backups = [rec('a', 'DONE', '2026-11-23T10:05:00Z'), rec('b', 'DONE', '2026-11-23T11:05:00Z'), rec('c', 'FAILED', '2026-11-23T12:05:00Z')];
    const { store } = storeWith({
      'backups:list': async () => backups,
      'backups:get': async ({ backupId }) => ({ record: backups.find((b) => b.id === backupId)!, path: `/x/${backupId}`, log: ['one'] }) as BackupDetails,
      'backups:delete': async ({ backupId }) => {
        if (backupId === 'busy') throw new TidemarkError('BACKUP_BUSY', 'still running');
        backups = backups.filter((b) => b.id !== backupId);
        return null;
      },
    });
    await store.getState().loadBackups('s1');
    assert.equal(selectLastGoodBackup('s1')(store.getState())?.id, 'b', 'the newest DONE one, not the failed attempt');
    await store.getState().loadDetails('s1', 'b');
    assert.equal(selectDetails('s1', 'b')(store.getState())?.data?.path, '/x/b');
    const r = await store.getState().deleteBackup('s1', 'b');
    assert.equal(r.ok, true);
    assert.equal(selectDetails('s1', 'b')(store.getState()), undefined);
    assert.deepEqual(store.getState().history.s1?.backups?.map((b) => b.id), ['a', 'c']);
    const refused = await store.getState().deleteBackup('s1', 'busy');
    assert.equal(!refused.ok && refused.error.code, 'BACKUP_BUSY');
  });
});

describe('checks slice', () => {
  it('runs, fixes with fresh results, and keeps the old results when a fix fails', async () => {
    const leftover: CheckResult = {
      id: 'backup-in-progress',
      title: 'Leftover exclusive backup',
      status: 'warning',
      detail: 'since …',
      critical: true,
      durationMs: 3,
      action: { id: 'stop-leftover-backup', label: 'Stop the leftover backup', confirm: 'Run pg_stop_backup()?' },
    };
    let fixed = false;
    let fail = true;
    const { store } = storeWith({
      'checks:run': async () => [fixed ? { ...leftover, status: 'ok', action: undefined } : leftover] as CheckResult[],
      'checks:fix': async () => {
        if (fail) throw new TidemarkError('PG_QUERY', 'could not stop');
        fixed = true;
        return [{ ...leftover, status: 'ok' as const, action: undefined }];
      },
    });
    await store.getState().runChecks('s1');
    assert.equal(store.getState().checks.s1?.results?.[0].status, 'warning');
    const r1 = await store.getState().fixCheck('s1', leftover.id, 'stop-leftover-backup');
    assert.equal(!r1.ok && r1.error.code, 'PG_QUERY');
    assert.equal(store.getState().checks.s1?.results?.[0].status, 'warning');
    assert.equal(store.getState().checks.s1?.running, false);
    fail = false;
    await store.getState().fixCheck('s1', leftover.id, 'stop-leftover-backup');
    assert.equal(store.getState().checks.s1?.results?.[0].status, 'ok');
    assert.equal(store.getState().checks.s1?.fixing, undefined);
  });
});

describe('checks slice and the server list', () => {
  it('re-reads the servers after a run, so the facts it stored (role, version) reach the sidebar and the mode toggle', async () => {
    const server = { id: 's1', name: 'standby', host: 'h', port: 5432, user: 'u', database: 'postgres', sslMode: 'prefer', transport: { kind: 'local' }, hasPassword: false, hasPassphrase: false };
    let facts: Record<string, unknown> | undefined;
    const { store } = storeWith({
      'servers:list': async () => [{ ...server, ...(facts && { facts }) }] as never,
      'checks:run': async () => {
        // The engine learns the facts during the run and stores them on the server.
        facts = { version: '17.10', versionNum: 170010, role: 'standby', dataDirectory: '/d', systemIdentifier: '1', testedAt: 'now' };
        return [] as CheckResult[];
      },
    });
    await store.getState().loadServers();
    assert.equal(store.getState().servers[0]?.facts, undefined);
    await store.getState().runChecks('s1');
    await new Promise((r) => setImmediate(r));
    assert.equal(store.getState().servers[0]?.facts?.role, 'standby');
  });
});

describe('checks after trusting a host key', () => {
  it('re-runs the checks that ran before the key was trusted', async () => {
    const server = { id: 's1', name: 'p', host: 'h', port: 5432, user: 'u', database: 'postgres', sslMode: 'prefer', transport: { kind: 'ssh', host: 'h', port: 22, user: 'u', auth: 'agent' }, hasPassword: false, hasPassphrase: false };
    let trusted = false;
    const hostKeyCheck = (): CheckResult[] => [{ id: 'ssh-host-key', title: 'SSH host key', status: trusted ? 'ok' : 'failed', detail: '', critical: true, durationMs: 1 }];
    const { store } = storeWith({
      'servers:list': async () => [server] as never,
      'servers:test': async () => ({ version: '17.10', versionNum: 170010, role: 'primary', dataDirectory: '/d', systemIdentifier: '1', timeline: 1, durationMs: 1 }),
      'servers:trust-host-key': async () => {
        trusted = true;
        return server as never;
      },
      'checks:run': async () => hostKeyCheck(),
    });
    await store.getState().loadServers();
    await store.getState().runChecks('s1');
    assert.equal(store.getState().checks.s1?.results?.[0]?.status, 'failed');
    await store.getState().trustHostKey('s1', `SHA256:${'A'.repeat(43)}`, 'ssh-ed25519');
    for (let i = 0; i < 5 && store.getState().checks.s1?.results?.[0]?.status !== 'ok'; i++) await new Promise((r) => setImmediate(r));
    assert.equal(store.getState().checks.s1?.results?.[0]?.status, 'ok');
  });
});
