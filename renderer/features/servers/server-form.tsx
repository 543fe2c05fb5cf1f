import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ServerView } from '../../../shared/models/server';
import type { AppError } from '../../../shared/result';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useAppStore } from '../../store';
import { selectNativeDialogs, selectPersistentSecrets, selectReadOnly } from '../app/app-slice';
import {
  formFieldFor,
  initialValues,
  SSL_MODES,
  toServerInput,
  validateServerForm,
  type FormErrors,
  type ServerFormValues,
} from './server-form-model';
import { SecretField } from './secret-field';

/** Add (no `server`) or edit a server. Saves through servers:save, then opens the server page. */
export function ServerForm({ server }: { readonly server?: ServerView }) {
  const servers = useAppStore((s) => s.servers);
  const saving = useAppStore((s) => s.saving);
  const readOnly = useAppStore(selectReadOnly);
  const persistent = useAppStore(selectPersistentSecrets);
  const nativeDialogs = useAppStore(selectNativeDialogs);
  const saveServer = useAppStore((s) => s.saveServer);
  const navigate = useAppStore((s) => s.navigate);
  const browse = useAppStore((s) => s.chooseFile);

  const [values, setValues] = useState<ServerFormValues>(() => initialValues(server));
  const [errors, setErrors] = useState<FormErrors>({});
  const [failure, setFailure] = useState<AppError | null>(null);
  const [submits, setSubmits] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused submit, take the keyboard to the first field that needs attention.
  useEffect(() => {
    if (submits > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [submits]);

  const set = <K extends keyof ServerFormValues>(key: K, value: ServerFormValues[K]): void => {
    setValues((v) => {
      const next = { ...v, [key]: value };
      // Most SSH hosts are the database host: start from it.
      if (key === 'transport' && value === 'ssh' && !v.sshHost) return { ...next, sshHost: v.host };
      return next;
    });
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setFailure(null);
    const found = validateServerForm(values, servers, server?.id);
    setErrors(found);
    if (Object.keys(found).length > 0) return setSubmits((n) => n + 1);
    const r = await saveServer(toServerInput(values, server));
    if (r.ok) return navigate({ page: 'server', id: r.data.id });
    const field = formFieldFor(r.error.field) ?? (r.error.code === 'DUPLICATE' ? 'name' : undefined);
    if (field && (r.error.code === 'VALIDATION' || r.error.code === 'DUPLICATE')) {
      setErrors({ [field]: r.error.message + (r.error.hint ? ` ${r.error.hint}` : '') });
      setSubmits((n) => n + 1);
    } else setFailure(r.error);
  };

  const cancel = (): void => navigate(server ? { page: 'server', id: server.id } : { page: 'home' });
  const title = server ? `Edit ${server.name}` : 'Add a server';
  const text = (key: keyof ServerFormValues) => ({
    value: values[key] as string,
    onChange: (e: { target: { value: string } }) => set(key, e.target.value as never),
  });
  const secretNote = persistent
    ? 'Encrypted with the system keychain.'
    : 'Browser mode keeps it for this run only; ~/.pgpass works too.';

  return (
    <section className="page" aria-labelledby="server-form-title">
      <header className="page-header">
        <h1 id="server-form-title">{title}</h1>
      </header>
      <form ref={formRef} className="form" onSubmit={submit} noValidate aria-describedby={failure ? 'server-form-failure' : undefined}>
        {failure && (
          <div id="server-form-failure">
            <ErrorMessage error={failure} title="The server was not saved" />
          </div>
        )}
        <fieldset disabled={readOnly || saving}>
          <legend>PostgreSQL</legend>
          <div className="grid-2">
            <Field label="Name" error={errors.name} description="How Tidemark lists this server; unique.">
              {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" autoFocus {...text('name')} />}
            </Field>
            <Field label="SSL mode" error={errors.sslMode}>
              {(p) => (
                <select id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} value={values.sslMode} onChange={(e) => set('sslMode', e.target.value as ServerFormValues['sslMode'])}>
                  {SSL_MODES.map((m) => (
                    <option key={m.value} value={m.value}>
                      {m.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div className="grid-host">
            <Field label="Host" error={errors.host} description="As this computer reaches it.">
              {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" spellCheck={false} placeholder="db1.example.com" {...text('host')} />}
            </Field>
            <Field label="Port" error={errors.port}>
              {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} inputMode="numeric" autoComplete="off" {...text('port')} />}
            </Field>
          </div>
          <div className="grid-2">
            <Field label="User" error={errors.user} description="A superuser, or a role with the backup grants.">
              {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" spellCheck={false} {...text('user')} />}
            </Field>
            <Field label="Database" error={errors.database}>
              {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" spellCheck={false} {...text('database')} />}
            </Field>
          </div>
          <SecretField
            label="Password"
            stored={Boolean(server?.hasPassword)}
            value={values.password}
            forget={values.forgetPassword}
            error={errors.password}
            note={secretNote}
            onChange={(v) => set('password', v)}
            onForget={(v) => set('forgetPassword', v)}
          />
        </fieldset>

        <fieldset disabled={readOnly || saving}>
          <legend>File access</legend>
          <p className="fieldset-description">How Tidemark reads the data directory and WAL files of this server.</p>
          <div className="radio-row" role="radiogroup" aria-label="How files are read">
            <label className="radio">
              <input type="radio" name="transport" value="local" checked={values.transport === 'local'} onChange={() => set('transport', 'local')} />
              Local — the server runs on this computer
            </label>
            <label className="radio">
              <input type="radio" name="transport" value="ssh" checked={values.transport === 'ssh'} onChange={() => set('transport', 'ssh')} />
              SSH
            </label>
          </div>
          {values.transport === 'ssh' && (
            <>
              <div className="grid-host">
                <Field label="SSH host" error={errors.sshHost}>
                  {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" spellCheck={false} {...text('sshHost')} />}
                </Field>
                <Field label="SSH port" error={errors.sshPort}>
                  {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} inputMode="numeric" autoComplete="off" {...text('sshPort')} />}
                </Field>
              </div>
              <div className="grid-2">
                <Field label="SSH user" error={errors.sshUser} description="The OS user that owns the data directory, usually postgres.">
                  {(p) => <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" spellCheck={false} {...text('sshUser')} />}
                </Field>
                <fieldset className="inline-group">
                  <legend>Authentication</legend>
                  <label className="radio">
                    <input type="radio" name="sshAuth" value="key" checked={values.sshAuth === 'key'} onChange={() => set('sshAuth', 'key')} />
                    Private key file
                  </label>
                  <label className="radio">
                    <input type="radio" name="sshAuth" value="agent" checked={values.sshAuth === 'agent'} onChange={() => set('sshAuth', 'agent')} />
                    ssh-agent ($SSH_AUTH_SOCK)
                  </label>
                </fieldset>
              </div>
              {values.sshAuth === 'key' && (
                <>
                  <Field label="Key path" error={errors.keyPath} description="On this computer, e.g. ~/.ssh/id_ed25519.">
                    {(p) => (
                      <div className="input-with-button">
                        <input id={p.id} aria-describedby={p.describedBy} aria-invalid={p.invalid} autoComplete="off" spellCheck={false} placeholder="~/.ssh/id_ed25519" {...text('keyPath')} />
                        {nativeDialogs && (
                          <button
                            type="button"
                            onClick={async () => {
                              const path = await browse('Choose the SSH private key');
                              if (path) set('keyPath', path);
                            }}
                          >
                            Browse…
                          </button>
                        )}
                      </div>
                    )}
                  </Field>
                  <SecretField
                    label="Key passphrase"
                    stored={Boolean(server?.hasPassphrase)}
                    value={values.passphrase}
                    forget={values.forgetPassphrase}
                    error={errors.passphrase}
                    note={`Only for an encrypted key. ${secretNote}`}
                    onChange={(v) => set('passphrase', v)}
                    onForget={(v) => set('forgetPassphrase', v)}
                  />
                </>
              )}
            </>
          )}
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={readOnly || saving} aria-busy={saving}>
            {saving ? 'Saving…' : server ? 'Save changes' : 'Add server'}
          </button>
          <button type="button" onClick={cancel} disabled={saving}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
