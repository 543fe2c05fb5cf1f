import type { BackupRecord } from '../../../shared/models/backup';
import type { AppError } from '../../../shared/result';
import type { AppState, SliceCreator } from '../../store';

export interface ServerHistory {
  readonly loading: boolean;
  readonly backups?: readonly BackupRecord[];
  readonly error?: AppError;
}

export interface HistorySlice {
  /** serverId → its backups in the catalog. */
  readonly history: Readonly<Record<string, ServerHistory>>;
  loadBackups(serverId: string): Promise<void>;
}

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get, api) => ({
  history: {},
  async loadBackups(serverId) {
    set({ history: { ...get().history, [serverId]: { ...get().history[serverId], loading: true } } });
    const r = await api.invoke('backups:list', { serverId });
    const next: ServerHistory = r.ok ? { loading: false, backups: r.data } : { ...get().history[serverId], loading: false, error: r.error };
    set({ history: { ...get().history, [serverId]: next } });
  },
});

export const selectHistory =
  (serverId: string) =>
  (s: AppState): ServerHistory | undefined =>
    s.history[serverId];
