/**
 * The renderer's state: one zustand store assembled from one slice per feature. Actions call the
 * Api they were given (never IPC directly); selectors are plain functions next to each slice;
 * engine events are subscribed once, in startStore().
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Api } from '../shared/contract';
import { createAppSlice, type AppSlice } from './features/app/app-slice';
import { attachBackupEvents, createBackupSlice, type BackupSlice } from './features/backup/backup-slice';
import { createChecksSlice, type ChecksSlice } from './features/checks/checks-slice';
import { createHistorySlice, type HistorySlice } from './features/history/history-slice';
import { createServersSlice, type ServersSlice } from './features/servers/servers-slice';
import { attachSandboxEvents, createSandboxSlice, type SandboxSlice } from './features/sandbox/sandbox-slice';

export type AppState = AppSlice & ServersSlice & BackupSlice & ChecksSlice & HistorySlice & SandboxSlice;
export type AppStore = StoreApi<AppState>;

/** What each slice factory receives: zustand's set/get for the whole store, and the Api. */
export type SliceCreator<T> = (set: AppStore['setState'], get: AppStore['getState'], api: Api) => T;

export function createAppStore(api: Api): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...createAppSlice(set, get, api),
    ...createServersSlice(set, get, api),
    ...createBackupSlice(set, get, api),
    ...createChecksSlice(set, get, api),
    ...createHistorySlice(set, get, api),
    ...createSandboxSlice(set, get, api),
  }));
}

/** Subscribes to engine events (once) and runs the initial load. Returns the unsubscribe. */
export function startStore(store: AppStore, api: Api): () => void {
  const offs = [attachBackupEvents(store, api), attachSandboxEvents(store, api)];
  void store.getState().init();
  void store.getState().loadJobs();
  return () => offs.forEach((off) => off());
}

export const StoreContext = createContext<AppStore | null>(null);

export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return useStore(store, selector);
}
