import type { ServerView } from '../../../shared/models/server';
import { formatWhen } from './server-describe';

/** What Tidemark knows about a server from its last successful test, and how it reaches it. */
export function ServerFacts({ server }: { readonly server: ServerView }) {
  const f = server.facts;
  const t = server.transport;
  return (
    <div className="cards">
      <section className="card" aria-labelledby="facts-title">
        <h2 id="facts-title">PostgreSQL</h2>
        {f ? (
          <dl className="facts" aria-labelledby="facts-title">
            <dt>Version</dt>
            <dd data-fact="version">{f.version}</dd>
            <dt>Role</dt>
            <dd data-fact="role">{f.role}</dd>
            <dt>Data directory</dt>
            <dd className="mono" data-fact="data-directory">
              {f.dataDirectory}
            </dd>
            <dt>System identifier</dt>
            <dd className="mono" data-fact="system-identifier">
              {f.systemIdentifier}
            </dd>
            <dt>Last tested</dt>
            <dd>{formatWhen(f.testedAt)}</dd>
          </dl>
        ) : (
          <p className="muted">Not tested yet: “Test connection” reads the version, role and data directory.</p>
        )}
      </section>
      <section className="card" aria-labelledby="transport-title">
        <h2 id="transport-title">File access</h2>
        {t.kind === 'ssh' ? (
          <dl className="facts" aria-labelledby="transport-title">
            <dt>SSH</dt>
            <dd className="mono">
              {t.user}@{t.host}:{t.port}
            </dd>
            <dt>Authentication</dt>
            <dd>{t.auth === 'agent' ? 'ssh-agent' : <span className="mono">{t.keyPath}</span>}</dd>
            <dt>Host key</dt>
            <dd className="mono" data-fact="host-key">
              {t.knownHostKey ? (
                <>
                  {t.knownHostKey.fingerprint} <span className="muted">({t.knownHostKey.keyType})</span>
                </>
              ) : (
                <span className="muted">not trusted yet</span>
              )}
            </dd>
            <dt>Password</dt>
            <dd>{server.hasPassword ? 'stored' : 'none (~/.pgpass or trust)'}</dd>
          </dl>
        ) : (
          <dl className="facts" aria-labelledby="transport-title">
            <dt>Files</dt>
            <dd>read directly on this computer</dd>
            <dt>Password</dt>
            <dd>{server.hasPassword ? 'stored' : 'none (~/.pgpass or trust)'}</dd>
          </dl>
        )}
      </section>
    </div>
  );
}
