import { useState, type FormEvent } from 'react';
import type { AppError } from '../../../shared/result';
import type { ManifestChecksums } from '../../../shared/models/settings';
import { ErrorMessage } from '../../components/error-message';
import { Field } from '../../components/field';
import { useAppStore } from '../../store';
import { selectNativeDialogs, selectReadOnly } from '../app/app-slice';
import { PARALLEL_MAX, settingsPatch, settingsValues, validateSettings, type SettingsErrors, type SettingsFormValues } from './settings-model';

/** Where backups go and how they are taken by default. */
export function SettingsPage() {
  const view = useAppStore((s) => s.settingsView);
  const readOnly = useAppStore(selectReadOnly);
  const nativeDialogs = useAppStore(selectNativeDialogs);
  const chooseFolder = useAppStore((s) => s.chooseFolder);
  const saveSettings = useAppStore((s) => s.saveSettings);
  const [values, setValues] = useState<SettingsFormValues | null>(view ? settingsValues(view.settings) : null);
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState<AppError | null>(null);

  if (!view || !values) {
    return (
      <section className="page">
        <h1>Settings</h1>
        <p className="muted">The settings could not be loaded.</p>
      </section>
    );
  }
  const set = <K extends keyof SettingsFormValues>(key: K, value: SettingsFormValues[K]): void => {
    setValues({ ...values, [key]: value });
    setSaved(false);
  };
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const found = validateSettings(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    setSaving(true);
    setSaveError(null);
    const r = await saveSettings(settingsPatch(values));
    setSaving(false);
    if (r.ok) {
      setValues(settingsValues(r.data.settings));
      setSaved(true);
    } else setSaveError(r.error);
  };

  return (
    <section className="page" aria-labelledby="settings-title">
      <header className="page-header">
        <div className="page-title">
          <h1 id="settings-title">Settings</h1>
          <p className="subtitle">
            Stored in <span className="mono">{view.path}</span>
          </p>
        </div>
      </header>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="Settings">
        <fieldset disabled={readOnly || saving}>
          <legend>Catalog</legend>
          <Field label="Backup root" error={errors.backupRoot} description="One folder per server below it, one per backup below that.">
            {(p) => (
              <div className="input-with-button">
                <input
                  id={p.id}
                  aria-describedby={p.describedBy}
                  aria-invalid={p.invalid}
                  className="mono"
                  spellCheck={false}
                  autoComplete="off"
                  value={values.backupRoot}
                  onChange={(e) => set('backupRoot', e.target.value)}
                />
                {nativeDialogs && (
                  <button
                    type="button"
                    onClick={async () => {
                      const path = await chooseFolder('Choose the backup root');
                      if (path) set('backupRoot', path);
                    }}
                  >
                    Choose…
                  </button>
                )}
              </div>
            )}
          </Field>
        </fieldset>
        <fieldset disabled={readOnly || saving}>
          <legend>New backups</legend>
          <fieldset className="inline-group">
            <legend>Default mode</legend>
            <div className="radio-column">
              <label className="radio">
                <input type="radio" name="defaultMode" value="concurrent" checked={values.defaultMode === 'concurrent'} onChange={() => set('defaultMode', 'concurrent')} />
                Concurrent — any version, primary or standby
              </label>
              <label className="radio">
                <input type="radio" name="defaultMode" value="exclusive" checked={values.defaultMode === 'exclusive'} onChange={() => set('defaultMode', 'exclusive')} />
                Exclusive — PostgreSQL 14 and older, primaries only
              </label>
            </div>
            <p className="field-description">A server's own choice on its page wins; servers that cannot take exclusive backups use concurrent.</p>
          </fieldset>
          <Field label="Parallel streams" error={errors.parallel} description={`Copy streams, 1 to ${PARALLEL_MAX}; over SSH, one connection each. A big file is cut into byte ranges shared among them.`}>
              {(p) => (
                <input
                  id={p.id}
                  aria-describedby={p.describedBy}
                  aria-invalid={p.invalid}
                  className="input-narrow"
                  inputMode="numeric"
                  autoComplete="off"
                  value={values.parallel}
                  onChange={(e) => set('parallel', e.target.value)}
                />
              )}
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={values.fastCheckpoint} onChange={(e) => set('fastCheckpoint', e.target.checked)} />
            Fast checkpoint — start at once instead of waiting for the next checkpoint
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={values.networkCompression === 'zstd'} onChange={(e) => set('networkCompression', e.target.checked ? 'zstd' : 'off')} />
            Network compression — the database host compresses the copy with zstd, if it has it; fewer bytes to send, some of its CPU
          </label>
          <Field label="Manifest checksums" description="What backup_manifest records for each file, for pg_verifybackup. CRC32C is pg_basebackup's default and the fastest; SHA-256 costs more CPU during the copy.">
            {(p) => (
              <select id={p.id} aria-describedby={p.describedBy} className="input-narrow" value={values.manifestChecksums} onChange={(e) => set('manifestChecksums', e.target.value as ManifestChecksums)}>
                <option value="CRC32C">CRC32C</option>
                <option value="SHA256">SHA-256</option>
              </select>
            )}
          </Field>
        </fieldset>
        {saveError && <ErrorMessage error={saveError} title="The settings were not saved" />}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={readOnly || saving} aria-busy={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
          {saved && (
            <span className="saved-note" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
