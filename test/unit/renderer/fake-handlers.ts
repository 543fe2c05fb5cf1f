import type { Handlers, RequestChannel } from '../../../shared/contract';
import { TidemarkError } from '../../../electron/engine/errors';

/**
 * Handlers for renderer plumbing tests (the bridge, the slices): the channels a test names, and
 * UNSUPPORTED for the rest. Engine behaviour itself is tested against the real engine and lab.
 */
export function fakeHandlers(impl: Partial<{ [C in RequestChannel]: Handlers[C] }>): Handlers {
  return new Proxy({} as Handlers, {
    get: (_, channel: string) =>
      (impl as Record<string, unknown>)[channel] ??
      (async () => {
        throw new TidemarkError('UNSUPPORTED', `${channel} is not part of this test`);
      }),
  });
}
