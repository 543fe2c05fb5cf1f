import type { BackupDetails, BackupRecord } from '../../../shared/models/backup';
import type { AppError, Result } from '../../../shared/result';
import type { AppState, SliceCreator } from '../../store';

export interface ServerHistory {
  readonly loading: boolean;
  readonly backups?: readonly BackupRecord[];
  readonly error?: AppError;
}

export interface DetailsState {
  readonly loading: boolean;
  readonly data?: BackupDetails;
  readonly error?: AppError;
}

export interface HistorySlice {
  /** serverId → its backups in the catalog. */
  readonly history: Readonly<Record<string, ServerHistory>>;
  /** `serverId/backupId` → what backups:get answered. */
  readonly details: Readonly<Record<string, DetailsState>>;
  loadBackups(serverId: string): Promise<void>;
  loadDetails(serverId: string, backupId: string): Promise<void>;
  deleteBackup(serverId: string, backupId: string): Promise<Result<null>>;
}

export const detailsKey = (serverId: string, backupId: string): string => `${serverId}/${backupId}`;

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get, api) => {
  const setDetails = (key: string, next: DetailsState | undefined): void => {
    const details = { ...get().details };
    if (next) details[key] = next;
    else delete details[key];
    set({ details });
  };
  return {
    history: {},
    details: {},

    async loadBackups(serverId) {
      set({ history: { ...get().history, [serverId]: { ...get().history[serverId], loading: true } } });
      const r = await api.invoke('backups:list', { serverId });
      const next: ServerHistory = r.ok ? { loading: false, backups: r.data } : { ...get().history[serverId], loading: false, error: r.error };
      set({ history: { ...get().history, [serverId]: next } });
    },

    async loadDetails(serverId, backupId) {
      const key = detailsKey(serverId, backupId);
      setDetails(key, { ...get().details[key], loading: true, error: undefined });
      const r = await api.invoke('backups:get', { serverId, backupId });
      setDetails(key, r.ok ? { loading: false, data: r.data } : { loading: false, error: r.error });
    },

    async deleteBackup(serverId, backupId) {
      const r = await api.invoke('backups:delete', { serverId, backupId });
      if (r.ok) {
        setDetails(detailsKey(serverId, backupId), undefined);
        const h = get().history[serverId];
        if (h?.backups) set({ history: { ...get().history, [serverId]: { ...h, backups: h.backups.filter((b) => b.id !== backupId) } } });
        void get().loadBackups(serverId);
      }
      return r;
    },
  };
};

export const selectHistory =
  (serverId: string) =>
  (s: AppState): ServerHistory | undefined =>
    s.history[serverId];

export const selectDetails =
  (serverId: string, backupId: string | undefined) =>
  (s: AppState): DetailsState | undefined =>
    backupId === undefined ? undefined : s.details[detailsKey(serverId, backupId)];

/** The newest backup that finished (DONE), for the sidebar's "last backup" age. */
export const selectLastGoodBackup =
  (serverId: string) =>
  (s: AppState): BackupRecord | undefined =>
    (s.history[serverId]?.backups ?? [])
      .filter((b) => b.status === 'DONE')
      .reduce<BackupRecord | undefined>((best, b) => (!best || (b.endedAt ?? b.startedAt) > (best.endedAt ?? best.startedAt) ? b : best), undefined);
