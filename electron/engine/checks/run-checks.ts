import type { CheckResult } from '../../../shared/models/check';
import { isTidemarkError } from '../errors';
import { Unavailable, type Check, type CheckContext, type CheckNeed, type Outcome } from './check';
import { errorMessage } from './check-context';

/**
 * Runs every check at once. A check's own timeout starts when the connections it needs are
 * settled, so a slow connection is charged to the connection (bounded on its own), not to the
 * checks waiting for it. Results come back in the order of `checks`.
 */
export function runChecks(checks: readonly Check[], ctx: CheckContext): Promise<CheckResult[]> {
  const ready: Record<CheckNeed, Promise<unknown>> = {
    pg: ctx.pg().catch(() => undefined),
    transport: ctx.transport().catch(() => undefined),
  };
  return Promise.all(
    checks
      .filter((c) => c.applies?.(ctx.server) ?? true)
      .map(async (check) => {
        await Promise.all(check.needs.map((n) => ready[n]));
        const started = Date.now();
        const outcome = await runOne(check, ctx);
        return {
          id: check.id,
          title: check.title,
          critical: check.critical,
          ...outcome,
          durationMs: Date.now() - started,
        };
      }),
  );
}

async function runOne(check: Check, ctx: CheckContext): Promise<Outcome> {
  // A check that cannot conclude is a failure when it guards a backup, a warning otherwise.
  const unsure = check.critical ? 'failed' : 'warning';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          status: unsure,
          detail: `No answer within ${formatSeconds(check.timeoutMs)}.`,
          hint: 'The database host or the network is very slow, or a command hangs there. Run the checks again; if it persists, look at the host.',
        }),
      check.timeoutMs,
    );
  });
  try {
    return await Promise.race([check.run(ctx), timeout]);
  } catch (e) {
    if (e instanceof Unavailable) return { status: 'skipped', detail: e.reason, ...(e.hint !== undefined && { hint: e.hint }) };
    const hint = isTidemarkError(e) ? e.hint : undefined;
    return { status: unsure, detail: errorMessage(e), ...(hint !== undefined && { hint }) };
  } finally {
    clearTimeout(timer);
  }
}

const formatSeconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);
