import { useId, type ReactNode } from 'react';

interface FieldProps {
  readonly label: string;
  readonly error?: string;
  readonly description?: ReactNode;
  /** Renders the control; wire the ids so the label, description and error reach screen readers. */
  readonly children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  readonly className?: string;
}

/** A labelled form control with its description and its validation message. */
export function Field({ label, error, description, children, className }: FieldProps) {
  const id = useId();
  const descId = description ? `${id}-desc` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [errId, descId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error && (
        <p className="field-error" id={errId}>
          {error}
        </p>
      )}
      {description && (
        <p className="field-description" id={descId}>
          {description}
        </p>
      )}
    </div>
  );
}
