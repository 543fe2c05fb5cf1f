import type { AppError } from '../../shared/result';

/** An engine error exactly as the engine wrote it: message, then hint. */
export function ErrorMessage(props: { readonly error: AppError; readonly title?: string; readonly onDismiss?: () => void }) {
  const { error, title, onDismiss } = props;
  return (
    <div className="notice notice-error" role="alert" data-error-code={error.code}>
      <div className="notice-body">
        {title && <p className="notice-title">{title}</p>}
        <p className="error-message">{error.message}</p>
        {error.hint && <p className="error-hint">{error.hint}</p>}
      </div>
      {onDismiss && (
        <button type="button" className="button-quiet" onClick={onDismiss} aria-label="Dismiss this message">
          ×
        </button>
      )}
    </div>
  );
}
