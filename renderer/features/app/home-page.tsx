import { useAppStore } from '../../store';
import { SandboxOffer } from '../sandbox/sandbox-offer';
import { selectReadOnly } from './app-slice';

/** Shown when no server is selected: the first step for a new user. */
export function HomePage() {
  const count = useAppStore((s) => s.servers.length);
  const navigate = useAppStore((s) => s.navigate);
  const readOnly = useAppStore(selectReadOnly);
  return (
    <section className="page page-empty" aria-labelledby="home-title">
      <h1 id="home-title">{count === 0 ? 'Welcome to Tidemark' : 'Choose a server'}</h1>
      <p className="muted">
        Physical backups of PostgreSQL the way Barman takes them — exclusive or concurrent, from a primary or a standby, WAL
        included — without a backup server.
      </p>
      {count === 0 && (
        <button type="button" className="button-primary" onClick={() => navigate({ page: 'add-server' })} disabled={readOnly}>
          Add your first server
        </button>
      )}
      {count === 0 && <SandboxOffer />}
    </section>
  );
}
