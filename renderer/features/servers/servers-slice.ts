import type { BackupMode, ServerInput, ServerTestReport, ServerView } from '../../../shared/models/server';
import type { AppError, Result } from '../../../shared/result';
import type { AppState, SliceCreator } from '../../store';
import { viewToInput } from './server-form-model';

/** The last connection test of a server, as the server page shows it. */
export type ConnectionTest =
  | { readonly status: 'testing' }
  | { readonly status: 'trusting' }
  | { readonly status: 'ok'; readonly report: ServerTestReport }
  | { readonly status: 'failed'; readonly error: AppError };

export interface ServersSlice {
  readonly servers: readonly ServerView[];
  readonly serversLoading: boolean;
  readonly serversError: AppError | null;
  readonly saving: boolean;
  /** The id being deleted. */
  readonly deleting: string | null;
  readonly tests: Readonly<Record<string, ConnectionTest>>;
  loadServers(): Promise<void>;
  saveServer(input: ServerInput): Promise<Result<ServerView>>;
  /** Changes only the server's backup mode (the connection test stays valid). */
  setServerMode(id: string, mode: BackupMode): Promise<Result<ServerView>>;
  deleteServer(id: string): Promise<Result<null>>;
  testServer(id: string): Promise<void>;
  /** Accepts the host key the last test was offered, then tests again. */
  trustHostKey(id: string, fingerprint: string, keyType: string): Promise<void>;
  dismissTest(id: string): void;
}

export const createServersSlice: SliceCreator<ServersSlice> = (set, get, api) => {
  const setTest = (id: string, test: ConnectionTest | undefined): void => {
    const tests = { ...get().tests };
    if (test) tests[id] = test;
    else delete tests[id];
    set({ tests });
  };
  const replaceServer = (server: ServerView): void => {
    const servers = get().servers;
    const i = servers.findIndex((s) => s.id === server.id);
    set({ servers: i < 0 ? [...servers, server] : servers.map((s) => (s.id === server.id ? server : s)) });
  };
  /** Re-runs a server's checks if they are on show, so they never describe an older state. */
  const recheck = (id: string): void => {
    if (get().checks[id]) void get().runChecks(id);
  };

  return {
    servers: [],
    serversLoading: false,
    serversError: null,
    saving: false,
    deleting: null,
    tests: {},

    async loadServers() {
      set({ serversLoading: true });
      const r = await api.invoke('servers:list', undefined);
      set(r.ok ? { servers: r.data, serversError: null, serversLoading: false } : { serversError: r.error, serversLoading: false });
    },

    async saveServer(input) {
      set({ saving: true });
      const r = await api.invoke('servers:save', input);
      set({ saving: false });
      if (r.ok) {
        replaceServer(r.data);
        // Connection details changed: an earlier test result no longer describes this server,
        // and earlier check results may not either.
        setTest(r.data.id, undefined);
        recheck(r.data.id);
      }
      return r;
    },

    async setServerMode(id, mode) {
      const server = get().servers.find((s) => s.id === id);
      if (!server) return { ok: false, error: { code: 'NOT_FOUND', message: 'This server no longer exists.' } };
      const r = await api.invoke('servers:save', { ...viewToInput(server), mode });
      if (r.ok) replaceServer(r.data);
      return r;
    },

    async deleteServer(id) {
      set({ deleting: id });
      const r = await api.invoke('servers:delete', { id });
      set({ deleting: null });
      if (r.ok) {
        setTest(id, undefined);
        set({ servers: get().servers.filter((s) => s.id !== id) });
        const view = get().view;
        if ('id' in view && view.id === id) get().navigate({ page: 'home' });
      }
      return r;
    },

    async testServer(id) {
      setTest(id, { status: 'testing' });
      const r = await api.invoke('servers:test', { id });
      setTest(id, r.ok ? { status: 'ok', report: r.data } : { status: 'failed', error: r.error });
      // A successful test records facts (version, role, …) on the stored server.
      if (r.ok) await get().loadServers();
    },

    async trustHostKey(id, fingerprint, keyType) {
      setTest(id, { status: 'trusting' });
      const r = await api.invoke('servers:trust-host-key', { id, fingerprint, keyType });
      if (!r.ok) return setTest(id, { status: 'failed', error: r.error });
      replaceServer(r.data);
      await get().testServer(id);
      // The checks that ran before the key was trusted could not reach the host over SSH.
      recheck(id);
    },

    dismissTest(id) {
      setTest(id, undefined);
    },
  };
};

export const selectServer =
  (id: string | undefined) =>
  (s: AppState): ServerView | undefined =>
    id === undefined ? undefined : s.servers.find((x) => x.id === id);
export const selectTest =
  (id: string) =>
  (s: AppState): ConnectionTest | undefined =>
    s.tests[id];
export const selectServers = (s: AppState): readonly ServerView[] => s.servers;
