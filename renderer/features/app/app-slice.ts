import type { AppInfo, AppSettings, SettingsView } from '../../../shared/models/settings';
import type { AppError, Result } from '../../../shared/result';
import type { AppState, SliceCreator } from '../../store';

/** Which page the main area shows. */
export type View =
  | { readonly page: 'home' }
  | { readonly page: 'server'; readonly id: string }
  | { readonly page: 'add-server' }
  | { readonly page: 'edit-server'; readonly id: string }
  | { readonly page: 'settings' };

export interface AppSlice {
  /** `ready` once the initial load finished (the root element carries it for tests). */
  readonly appState: 'loading' | 'ready';
  readonly info: AppInfo | null;
  readonly settingsView: SettingsView | null;
  readonly loadError: AppError | null;
  readonly view: View;
  init(): Promise<void>;
  navigate(view: View): void;
  /** A native file dialog (Electron only); null when cancelled or unavailable. */
  chooseFile(title: string): Promise<string | null>;
  /** A native folder dialog (Electron only); null when cancelled or unavailable. */
  chooseFolder(title: string): Promise<string | null>;
  saveSettings(patch: Partial<AppSettings>): Promise<Result<SettingsView>>;
}

export const createAppSlice: SliceCreator<AppSlice> = (set, get, api) => ({
  appState: 'loading',
  info: null,
  settingsView: null,
  loadError: null,
  view: { page: 'home' },

  async init() {
    const [info, settings] = await Promise.all([
      api.invoke('app:info', undefined),
      api.invoke('settings:get', undefined),
      get().loadServers(),
    ]);
    const loadError = !info.ok ? info.error : !settings.ok ? settings.error : null;
    set({
      info: info.ok ? info.data : null,
      settingsView: settings.ok ? settings.data : null,
      loadError,
      appState: 'ready',
    });
    const first = get().servers[0];
    if (first && get().view.page === 'home') set({ view: { page: 'server', id: first.id } });
    // The sidebar shows each server's last backup.
    for (const s of get().servers) void get().loadBackups(s.id);
  },

  navigate(view) {
    set({ view });
  },

  async chooseFile(title) {
    const r = await api.invoke('dialog:open-file', { title });
    return r.ok ? r.data : null;
  },

  async chooseFolder(title) {
    const r = await api.invoke('dialog:open-folder', { title });
    return r.ok ? r.data : null;
  },

  async saveSettings(patch) {
    const r = await api.invoke('settings:update', patch);
    if (r.ok) set({ settingsView: r.data });
    return r;
  },
});

/** A malformed settings file: nothing may be written until the user fixes it. */
export const selectReadOnly = (s: AppState): boolean => s.settingsView?.problem !== undefined;
export const selectSettingsProblem = (s: AppState): AppError | undefined => s.settingsView?.problem;
export const selectIsBrowserMode = (s: AppState): boolean => s.info?.shell === 'web';
export const selectPersistentSecrets = (s: AppState): boolean => s.info?.capabilities.persistentSecrets ?? false;
export const selectNativeDialogs = (s: AppState): boolean => s.info?.capabilities.nativeDialogs ?? false;
