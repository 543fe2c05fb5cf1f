import { useState } from 'react';
import type { CheckResult } from '../../../shared/models/check';
import type { AppError } from '../../../shared/result';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { bannerChecks } from './checks-select';
import { selectChecks } from './checks-slice';

/** A backup left behind on the server, at the top of its page, with the remedy when there is one. */
export function ChecksBanner({ serverId }: { readonly serverId: string }) {
  const checks = useAppStore(selectChecks(serverId));
  const found = bannerChecks(checks?.results);
  if (found.length === 0) return null;
  return (
    <div className="check-banners">
      {found.map((r) => (
        <CheckBanner key={r.id} serverId={serverId} result={r} fixing={checks?.fixing === r.id} />
      ))}
    </div>
  );
}

function CheckBanner({ serverId, result, fixing }: { readonly serverId: string; readonly result: CheckResult; readonly fixing: boolean }) {
  const fixCheck = useAppStore((s) => s.fixCheck);
  const readOnly = useAppStore(selectReadOnly);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const action = result.action;
  const titleId = `banner-${result.id}`;
  return (
    <section
      className={`notice notice-banner ${result.status === 'failed' ? 'notice-error' : 'notice-warning'}`}
      role="alert"
      aria-labelledby={titleId}
      data-check-id={result.id}
    >
      <div className="notice-body">
        <p className="notice-title" id={titleId}>
          {result.title}
        </p>
        <p>{result.detail}</p>
        {result.hint && <p className="error-hint">{result.hint}</p>}
        {action && (
          <div className="notice-actions">
            <button type="button" className="button-danger" onClick={() => setConfirming(true)} disabled={fixing || readOnly} aria-busy={fixing}>
              {fixing ? 'Working…' : `${action.label}…`}
            </button>
          </div>
        )}
        {error && <ErrorMessage error={error} title={`${action?.label ?? 'The remedy'} did not work`} onDismiss={() => setError(null)} />}
      </div>
      {action && confirming && (
        <ConfirmDialog
          title={`${action.label}?`}
          confirmLabel={action.label}
          pendingLabel="Working…"
          pending={fixing}
          danger
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setError(null);
            const r = await fixCheck(serverId, result.id, action.id);
            setConfirming(false);
            if (!r.ok) setError(r.error);
          }}
        >
          <p>{action.confirm}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
