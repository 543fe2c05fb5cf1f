import { ErrorMessage } from '../../components/error-message';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { selectSandboxAvailable } from './sandbox-slice';

/** "Try with a sandbox": shown in the empty state where the sandbox's PostgreSQL binaries are installed. */
export function SandboxOffer() {
  const available = useAppStore(selectSandboxAvailable);
  const state = useAppStore((s) => s.sandboxState);
  const progress = useAppStore((s) => s.sandboxProgress);
  const error = useAppStore((s) => s.sandboxError);
  const start = useAppStore((s) => s.startSandbox);
  const readOnly = useAppStore(selectReadOnly);
  if (!available) return null;
  const starting = state === 'starting';
  return (
    <div className="sandbox-offer">
      <p className="muted">
        No server at hand? Start a sandbox on this machine: PostgreSQL 17 (a primary and a streaming standby) and PostgreSQL 14, with
        sample data and a light write load, added here as servers.
      </p>
      <button type="button" onClick={() => void start()} disabled={starting || readOnly} aria-busy={starting}>
        {starting ? 'Starting the sandbox…' : 'Try with a sandbox'}
      </button>
      {starting && progress && (
        <div className="job-progress" role="status" aria-live="polite">
          <progress value={progress.done} max={progress.total} aria-label="Sandbox start-up" />
          <p className="muted">{progress.message}</p>
        </div>
      )}
      {error && <ErrorMessage error={error} title="The sandbox did not start" />}
    </div>
  );
}
