import { ErrorMessage } from '../../components/error-message';
import { formatDateTime } from '../../format';
import { useAppStore } from '../../store';
import { CheckItem } from './check-item';
import { countByStatus, groupChecks, STATUS_LABEL } from './checks-select';
import { selectChecks } from './checks-slice';

/** Every check of a server, worst first; the passed ones folded away. */
export function ChecksPanel({ serverId }: { readonly serverId: string }) {
  const checks = useAppStore(selectChecks(serverId));
  const runChecks = useAppStore((s) => s.runChecks);
  const running = Boolean(checks?.running);
  const results = checks?.results;
  const n = results ? countByStatus(results) : undefined;

  return (
    <section className="card checks-panel" aria-labelledby="checks-title" aria-busy={running} data-checked-at={checks?.at}>
      <div className="card-head">
        <div>
          <h2 id="checks-title">Checks</h2>
          <p className="muted card-subtitle" data-testid="checks-summary">
            {n
              ? `${n.failed} failed · ${n.warning} warning${n.warning === 1 ? '' : 's'} · ${n.ok} passed${n.skipped ? ` · ${n.skipped} skipped` : ''}${checks?.at ? ` — ${formatDateTime(checks.at)}` : ''}`
              : running
                ? 'Running the checks…'
                : 'Not run yet.'}
          </p>
        </div>
        <button type="button" onClick={() => void runChecks(serverId)} disabled={running} aria-busy={running}>
          {running ? 'Checking…' : 'Run checks'}
        </button>
      </div>
      {checks?.error && <ErrorMessage error={checks.error} title="The checks could not run" />}
      {running && !results && (
        <p className="notice notice-pending" role="status">
          <span className="spinner" aria-hidden="true" /> Connecting to the server and looking around (at most about 10 seconds)…
        </p>
      )}
      {results &&
        groupChecks(results).map((g) =>
          g.status === 'ok' ? (
            <details key={g.status} className="check-group check-group-ok">
              <summary>
                <h3 className="check-group-title">
                  {STATUS_LABEL[g.status]} ({g.results.length})
                </h3>
              </summary>
              <ul className="check-list">
                {g.results.map((r) => (
                  <CheckItem key={r.id} result={r} />
                ))}
              </ul>
            </details>
          ) : (
            <section key={g.status} className={`check-group check-group-${g.status}`} aria-label={`${STATUS_LABEL[g.status]} checks`}>
              <h3 className="check-group-title">
                {STATUS_LABEL[g.status]} ({g.results.length})
              </h3>
              <ul className="check-list">
                {g.results.map((r) => (
                  <CheckItem key={r.id} result={r} />
                ))}
              </ul>
            </section>
          ),
        )}
    </section>
  );
}
