export type CheckStatus = 'ok' | 'warning' | 'failed' | 'skipped';

/** A remedy the user can run from the UI after confirming. */
export interface CheckAction {
  readonly id: string;
  readonly label: string;
  /** The confirmation question, written for a DBA. */
  readonly confirm: string;
}

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly hint?: string;
  /** A failed critical check refuses a backup (the pre-backup gate). */
  readonly critical: boolean;
  readonly action?: CheckAction;
  readonly durationMs: number;
}
