import { ErrorMessage } from '../../components/error-message';
import { useAppStore } from '../../store';
import type { ConnectionState } from '../../ws-bridge';
import { selectSettingsProblem } from './app-slice';

/** Problems that concern the whole app, above every page. */
export function Banners({ connection }: { readonly connection: ConnectionState }) {
  const problem = useAppStore(selectSettingsProblem);
  const settingsPath = useAppStore((s) => s.settingsView?.path);
  const loadError = useAppStore((s) => s.loadError ?? s.serversError);
  return (
    <div className="banners">
      {connection.status !== 'open' && connection.attempt > 0 && (
        <div className="banner banner-warning" role="status">
          Connection to the Tidemark engine lost — reconnecting… Requests fail until it is back.
        </div>
      )}
      {problem && (
        <div className="banner banner-error" role="alert" data-testid="settings-problem">
          <p className="banner-title">Read-only — the settings file could not be used, and Tidemark has not touched it</p>
          <p className="error-message">{problem.message}</p>
          {problem.hint && <p className="error-hint">{problem.hint}</p>}
          <p className="muted">
            File: <code>{settingsPath}</code>
          </p>
        </div>
      )}
      {loadError && !problem && <ErrorMessage error={loadError} title="Tidemark could not load its data" />}
    </div>
  );
}
