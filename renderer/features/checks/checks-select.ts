import type { CheckResult, CheckStatus } from '../../../shared/models/check';

/** The order groups are shown in, worst first. */
export const STATUS_ORDER: readonly CheckStatus[] = ['failed', 'warning', 'skipped', 'ok'];

export const STATUS_LABEL: Readonly<Record<CheckStatus, string>> = {
  failed: 'Failed',
  warning: 'Warnings',
  skipped: 'Skipped',
  ok: 'Passed',
};

export interface CheckGroup {
  readonly status: CheckStatus;
  readonly results: readonly CheckResult[];
}

/** Results grouped by status, worst first, each group in the engine's order; empty groups left out. */
export function groupChecks(results: readonly CheckResult[]): CheckGroup[] {
  return STATUS_ORDER.map((status) => ({ status, results: results.filter((r) => r.status === status) })).filter((g) => g.results.length > 0);
}

/** The worst status of a run: what the sidebar shows. Skipped ranks above ok: something went unchecked. */
export function worstStatus(results: readonly CheckResult[] | undefined): CheckStatus | undefined {
  if (!results || results.length === 0) return undefined;
  return STATUS_ORDER.find((s) => results.some((r) => r.status === s));
}

export function countByStatus(results: readonly CheckResult[]): Readonly<Record<CheckStatus, number>> {
  const n = { failed: 0, warning: 0, skipped: 0, ok: 0 };
  for (const r of results) n[r.status]++;
  return n;
}

/**
 * Checks about a backup left behind on the server: a stale backup_label or a leftover exclusive
 * backup. They deserve a banner at the top of the page (the server is at risk at its next restart),
 * as does any problem the engine offers a remedy for.
 */
export const BANNER_CHECK_IDS: readonly string[] = ['backup-in-progress', 'backup-label'];

export function bannerChecks(results: readonly CheckResult[] | undefined): CheckResult[] {
  return (results ?? []).filter((r) => (r.status === 'failed' || r.status === 'warning') && (BANNER_CHECK_IDS.includes(r.id) || r.action !== undefined));
}
