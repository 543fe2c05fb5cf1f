import type { Api } from '../../../shared/contract';
import { dispatch } from '../../../electron/engine/dispatch';
import { EventBus } from '../../../electron/engine/events';
import { createAppStore, startStore } from '../../../renderer/store';
import { fakeHandlers } from './fake-handlers';

/** A renderer store over fake handlers and a real EventBus (events reach it as in the app). */
export function storeWith(handlers: Parameters<typeof fakeHandlers>[0], opts: { readonly start?: boolean } = {}) {
  const bus = new EventBus();
  const h = fakeHandlers(handlers);
  const api: Api = { invoke: (c, r) => dispatch(h, c, r), on: (e, l) => bus.on(e, l) };
  const store = createAppStore(api);
  const stop = opts.start ? startStore(store, api) : () => {};
  return { store, bus, stop };
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
