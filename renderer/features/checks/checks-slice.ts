import type { CheckResult } from '../../../shared/models/check';
import type { BackupMode } from '../../../shared/models/server';
import type { AppError, Result } from '../../../shared/result';
import type { AppState, SliceCreator } from '../../store';

export interface ServerChecks {
  readonly running: boolean;
  readonly results?: readonly CheckResult[];
  /** When the results were received (ISO). */
  readonly at?: string;
  readonly error?: AppError;
  /** The check whose remedy runs now. */
  readonly fixing?: string;
}

export interface ChecksSlice {
  /** serverId → the last check run. */
  readonly checks: Readonly<Record<string, ServerChecks>>;
  runChecks(serverId: string, mode?: BackupMode): Promise<void>;
  /** Runs a check's remedy (after the user confirmed it); the engine answers with fresh results. */
  fixCheck(serverId: string, checkId: string, actionId: string): Promise<Result<readonly CheckResult[]>>;
}

export const createChecksSlice: SliceCreator<ChecksSlice> = (set, get, api) => {
  const update = (serverId: string, patch: Partial<ServerChecks>): void =>
    set({ checks: { ...get().checks, [serverId]: { ...(get().checks[serverId] ?? { running: false }), ...patch } } });
  const received = (serverId: string, r: Result<readonly CheckResult[]>): void => {
    update(serverId, r.ok ? { running: false, fixing: undefined, results: r.data, at: new Date().toISOString(), error: undefined } : { running: false, fixing: undefined });
    // A run stores what it learned (version, role, PGDATA) on the server: the sidebar and the
    // mode toggle show it.
    if (r.ok) void get().loadServers();
  };
  return {
    checks: {},
    async runChecks(serverId, mode) {
      update(serverId, { running: true, error: undefined });
      const r = await api.invoke('checks:run', { serverId, ...(mode && { mode }) });
      received(serverId, r);
      if (!r.ok) update(serverId, { error: r.error });
    },
    async fixCheck(serverId, checkId, actionId) {
      update(serverId, { running: true, fixing: checkId });
      const r = await api.invoke('checks:fix', { serverId, checkId, actionId });
      received(serverId, r);
      return r;
    },
  };
};

export const selectChecks =
  (serverId: string) =>
  (s: AppState): ServerChecks | undefined =>
    s.checks[serverId];
