import type { AppError, ErrorCode } from '../../shared/result';

/** The engine throws these; the dispatcher turns them into `{ ok: false, error }` values. */
export class TidemarkError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly field?: string;
  readonly details?: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { hint?: string; field?: string; details?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'TidemarkError';
    this.code = code;
    this.hint = extra.hint;
    this.field = extra.field;
    this.details = extra.details;
  }

  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint !== undefined && { hint: this.hint }),
      ...(this.field !== undefined && { field: this.field }),
      ...(this.details !== undefined && { details: this.details }),
    };
  }
}

export const isTidemarkError = (e: unknown): e is TidemarkError => e instanceof TidemarkError;

/** Any thrown value as an AppError; unknown errors keep their message under INTERNAL. */
export function toAppError(e: unknown): AppError {
  if (e instanceof TidemarkError) return e.toAppError();
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: message || 'Unexpected error' };
}

export const validation = (field: string, message: string, hint?: string): TidemarkError =>
  new TidemarkError('VALIDATION', message, { field, hint });
