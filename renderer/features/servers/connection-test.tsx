import type { ServerView } from '../../../shared/models/server';
import type { AppError } from '../../../shared/result';
import { ErrorMessage } from '../../components/error-message';
import { useAppStore } from '../../store';
import { selectReadOnly } from '../app/app-slice';
import { selectTest } from './servers-slice';

/** The outcome of "Test connection": the facts learned, a host key to decide on, or the error. */
export function ConnectionTestPanel({ server }: { readonly server: ServerView }) {
  const test = useAppStore(selectTest(server.id));
  const dismiss = useAppStore((s) => s.dismissTest);
  if (!test) return null;

  if (test.status === 'testing' || test.status === 'trusting') {
    return (
      <div className="notice notice-pending" role="status">
        <span className="spinner" aria-hidden="true" />
        {test.status === 'testing' ? 'Testing the connection… (gives up after about 10 seconds)' : 'Trusting the host key…'}
      </div>
    );
  }
  if (test.status === 'ok') {
    // A summary: the cards below show the facts this test just recorded.
    const r = test.report;
    return (
      <section className="notice notice-ok" role="status" aria-label="Connection test result">
        <div className="notice-body">
          <p className="notice-title">Connected in {r.durationMs} ms</p>
          <p data-testid="test-summary">
            PostgreSQL {r.version}, {r.role}, timeline {r.timeline}
            {r.ssh && (
              <>
                {' '}
                · SSH host key <span className="mono">{r.ssh.fingerprint}</span> verified
              </>
            )}
          </p>
        </div>
        <button type="button" className="button-quiet" onClick={() => dismiss(server.id)} aria-label="Dismiss the test result">
          ×
        </button>
      </section>
    );
  }
  if (test.error.code === 'SSH_HOSTKEY_UNKNOWN') return <UnknownHostKey server={server} error={test.error} />;
  if (test.error.code === 'SSH_HOSTKEY_CHANGED') return <ChangedHostKey error={test.error} />;
  return <ErrorMessage error={test.error} title="Connection test failed" onDismiss={() => dismiss(server.id)} />;
}

/** Trust on first use, as OpenSSH asks: show the fingerprint and let the DBA compare it. */
function UnknownHostKey({ server, error }: { readonly server: ServerView; readonly error: AppError }) {
  const trust = useAppStore((s) => s.trustHostKey);
  const dismiss = useAppStore((s) => s.dismissTest);
  const readOnly = useAppStore(selectReadOnly);
  const fingerprint = error.details?.fingerprint ?? '';
  const keyType = error.details?.keyType ?? '';
  return (
    <section className="notice notice-warning" role="alertdialog" aria-labelledby="hostkey-title" aria-describedby="hostkey-desc">
      <div className="notice-body">
        <p className="notice-title" id="hostkey-title">
          Unknown SSH host key
        </p>
        <div id="hostkey-desc">
          <p className="error-message">{error.message}</p>
          {error.hint && <p className="error-hint">{error.hint}</p>}
          <dl className="facts facts-compact">
            <dt>Fingerprint</dt>
            <dd className="mono" data-testid="offered-fingerprint">
              {fingerprint}
            </dd>
            <dt>Key type</dt>
            <dd className="mono">{keyType}</dd>
          </dl>
        </div>
        <div className="notice-actions">
          <button type="button" className="button-primary" disabled={!fingerprint || readOnly} onClick={() => void trust(server.id, fingerprint, keyType)}>
            Trust this host key
          </button>
          <button type="button" onClick={() => dismiss(server.id)}>
            Not now
          </button>
        </div>
      </div>
    </section>
  );
}

/** A changed key may be a reinstalled host or an attack: refuse, and show both keys. */
function ChangedHostKey({ error }: { readonly error: AppError }) {
  return (
    <section className="notice notice-error" role="alert" aria-labelledby="hostkey-changed-title">
      <div className="notice-body">
        <p className="notice-title" id="hostkey-changed-title">
          The SSH host key has changed — connection refused
        </p>
        <p className="error-message">{error.message}</p>
        {error.hint && <p className="error-hint">{error.hint}</p>}
        <dl className="facts facts-compact">
          <dt>Trusted key</dt>
          <dd className="mono">{error.details?.stored ?? 'unknown'}</dd>
          <dt>Offered key</dt>
          <dd className="mono">{error.details?.offered ?? 'unknown'}</dd>
        </dl>
      </div>
    </section>
  );
}
