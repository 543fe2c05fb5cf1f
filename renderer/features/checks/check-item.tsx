import type { CheckResult, CheckStatus } from '../../../shared/models/check';

const ICON: Readonly<Record<CheckStatus, string>> = { failed: '✕', warning: '!', skipped: '–', ok: '✓' };

/** One check: its status, title, what it found and what to do about it. */
export function CheckItem({ result }: { readonly result: CheckResult }) {
  return (
    <li className={`check check-${result.status}`} data-check-id={result.id} data-status={result.status}>
      <span className={`check-icon status-${result.status}`} aria-hidden="true">
        {ICON[result.status]}
      </span>
      <div className="check-body">
        <p className="check-title">
          {result.title}
          <span className="visually-hidden"> — {result.status}</span>
          {result.critical && result.status === 'failed' && <span className="badge badge-danger">blocks backups</span>}
        </p>
        <p className="check-detail">{result.detail}</p>
        {result.hint && <p className="check-hint">{result.hint}</p>}
      </div>
    </li>
  );
}
