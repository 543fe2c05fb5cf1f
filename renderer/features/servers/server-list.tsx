import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { majorVersion } from './server-describe';
import { selectServers } from './servers-slice';

/** The sidebar: every server, the selected one marked, and the way to add one. */
export function ServerList() {
  const servers = useAppStore(selectServers);
  const view = useAppStore((s) => s.view);
  const navigate = useAppStore((s) => s.navigate);
  const readOnly = useAppStore(selectReadOnly);
  const loading = useAppStore((s) => s.serversLoading && s.servers.length === 0);
  const selectedId = 'id' in view ? view.id : undefined;

  return (
    <nav className="sidebar" aria-labelledby="server-list-title">
      <div className="sidebar-header">
        <h2 id="server-list-title">Servers</h2>
        <button
          type="button"
          className="button-primary button-small"
          onClick={() => navigate({ page: 'add-server' })}
          disabled={readOnly}
          aria-current={view.page === 'add-server' ? 'page' : undefined}
        >
          Add server
        </button>
      </div>
      {loading && <p className="sidebar-empty" role="status">Loading servers…</p>}
      {!loading && servers.length === 0 && <p className="sidebar-empty">No servers yet.</p>}
      <ul className="server-list">
        {servers.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className="server-item"
              aria-current={s.id === selectedId ? 'page' : undefined}
              onClick={() => navigate({ page: 'server', id: s.id })}
            >
              <span className="server-item-name">{s.name}</span>
              <span className="server-item-host">
                {s.host}:{s.port}
              </span>
              <span className="server-item-badges">
                {s.facts ? (
                  <>
                    <span className="badge">PG {majorVersion(s.facts.versionNum)}</span>
                    <span className={`badge badge-${s.facts.role}`}>{s.facts.role}</span>
                  </>
                ) : (
                  <span className="badge badge-muted">not tested</span>
                )}
                {s.transport.kind === 'ssh' && <span className="badge badge-muted">SSH</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
