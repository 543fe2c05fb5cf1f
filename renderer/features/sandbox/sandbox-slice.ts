import type { Api } from '../../../shared/contract';
import type { SandboxProgress } from '../../../shared/models/sandbox';
import type { AppError } from '../../../shared/result';
import type { AppState, AppStore, SliceCreator } from '../../store';

export interface SandboxSlice {
  readonly sandboxState: 'idle' | 'starting' | 'failed';
  /** The last `sandbox:progress` event of the running start. */
  readonly sandboxProgress: SandboxProgress | null;
  readonly sandboxError: AppError | null;
  /** Starts (or reuses) the sandbox servers; they are then added to the server list. */
  startSandbox(): Promise<void>;
}

export const createSandboxSlice: SliceCreator<SandboxSlice> = (set, get, api) => ({
  sandboxState: 'idle',
  sandboxProgress: null,
  sandboxError: null,

  async startSandbox() {
    set({ sandboxState: 'starting', sandboxProgress: null, sandboxError: null });
    const r = await api.invoke('sandbox:start', undefined);
    if (!r.ok) {
      set({ sandboxState: 'failed', sandboxError: r.error });
      return;
    }
    await get().loadServers();
    set({ sandboxState: 'idle', sandboxProgress: null });
    const first = get().servers[0];
    if (first) get().navigate({ page: 'server', id: first.id });
  },
});

/** Progress comes as events, also to a window reloaded while the sandbox starts. */
export function attachSandboxEvents(store: AppStore, api: Api): () => void {
  return api.on('sandbox:progress', (p) => store.setState({ sandboxProgress: p, ...(store.getState().sandboxState === 'idle' && { sandboxState: 'starting' }) }));
}

export const selectSandboxAvailable = (s: AppState): boolean => s.info?.capabilities.sandbox ?? false;
