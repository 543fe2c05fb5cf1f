import { Field } from '../../components/field';

interface SecretFieldProps {
  readonly label: string;
  /** The engine holds a value (the renderer never sees it). */
  readonly stored: boolean;
  readonly value: string;
  readonly forget: boolean;
  readonly error?: string;
  readonly note: string;
  onChange(value: string): void;
  onForget(forget: boolean): void;
}

/** A password or passphrase: empty keeps the stored one, typing replaces it, a box forgets it. */
export function SecretField({ label, stored, value, forget, error, note, onChange, onForget }: SecretFieldProps) {
  return (
    <div className="secret-field">
      <Field label={label} error={error} description={stored ? `Stored — leave empty to keep it. ${note}` : note}>
        {(p) => (
          <input
            id={p.id}
            type="password"
            aria-describedby={p.describedBy}
            aria-invalid={p.invalid}
            autoComplete="new-password"
            placeholder={stored && !forget ? '•••••••• (stored)' : ''}
            disabled={forget}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </Field>
      {stored && (
        <label className="checkbox">
          <input type="checkbox" checked={forget} onChange={(e) => onForget(e.target.checked)} />
          Forget the stored {label.toLowerCase()}
        </label>
      )}
    </div>
  );
}
