import type { Handlers, Req, RequestChannel, Res } from '../../shared/contract';
import { isRequestChannel } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { toAppError } from './errors';

/** Runs one handler and turns whatever it throws into an error value. */
export async function dispatch<C extends RequestChannel>(
  handlers: Handlers,
  channel: C | string,
  req: Req<C>,
): Promise<Result<Res<C>>> {
  if (!isRequestChannel(channel)) {
    return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel ${String(channel)}` } };
  }
  try {
    const handler = handlers[channel as C] as (r: Req<C>) => Promise<Res<C>>;
    return { ok: true, data: await handler(req) };
  } catch (e) {
    return { ok: false, error: toAppError(e) };
  }
}
