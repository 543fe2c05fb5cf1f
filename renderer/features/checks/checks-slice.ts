import type { CheckResult } from '../../../shared/models/check';
import type { BackupMode } from '../../../shared/models/server';
import type { AppError } from '../../../shared/result';
import type { AppState, SliceCreator } from '../../store';

export interface ServerChecks {
  readonly running: boolean;
  readonly results?: readonly CheckResult[];
  readonly error?: AppError;
}

export interface ChecksSlice {
  /** serverId → the last check run. */
  readonly checks: Readonly<Record<string, ServerChecks>>;
  runChecks(serverId: string, mode?: BackupMode): Promise<void>;
  fixCheck(serverId: string, checkId: string, actionId: string): Promise<void>;
}

export const createChecksSlice: SliceCreator<ChecksSlice> = (set, get, api) => {
  const update = (serverId: string, next: ServerChecks): void => set({ checks: { ...get().checks, [serverId]: next } });
  return {
    checks: {},
    async runChecks(serverId, mode) {
      update(serverId, { ...get().checks[serverId], running: true, error: undefined });
      const r = await api.invoke('checks:run', { serverId, mode });
      update(serverId, r.ok ? { running: false, results: r.data } : { ...get().checks[serverId], running: false, error: r.error });
    },
    async fixCheck(serverId, checkId, actionId) {
      update(serverId, { ...get().checks[serverId], running: true, error: undefined });
      const r = await api.invoke('checks:fix', { serverId, checkId, actionId });
      update(serverId, r.ok ? { running: false, results: r.data } : { ...get().checks[serverId], running: false, error: r.error });
    },
  };
};

export const selectChecks =
  (serverId: string) =>
  (s: AppState): ServerChecks | undefined =>
    s.checks[serverId];
