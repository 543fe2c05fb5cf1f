/**
 * Errors cross every process boundary as values (Electron drops custom error properties
 * thrown through invoke, electron#24427). `message` and `hint` are shown to the DBA as they are.
 */
export type ErrorCode =
  | 'VALIDATION' // bad input from the user; `field` says which one
  | 'NOT_FOUND'
  | 'DUPLICATE'
  | 'UNSUPPORTED' // the operation is not available here (e.g. a native dialog in browser mode)
  | 'SETTINGS_INVALID' // the settings file is malformed; the app runs read-only and never overwrites it
  | 'SECRET_UNAVAILABLE' // a stored password cannot be decrypted here
  | 'PG_CONNECT' // host down, port closed, DNS, TLS
  | 'PG_AUTH' // wrong password, no pg_hba entry, no such role
  | 'PG_QUERY' // a statement failed
  | 'PG_PRIVILEGE' // the role lacks a grant the operation needs
  | 'TIMEOUT'
  | 'SSH_CONNECT'
  | 'SSH_AUTH'
  | 'SSH_KEY' // private key unreadable, malformed, or encrypted without a passphrase
  | 'SSH_HOSTKEY_UNKNOWN' // details: fingerprint, keyType — must be accepted once by the user
  | 'SSH_HOSTKEY_CHANGED' // details: stored, offered — refused
  | 'SSH_COMMAND' // a remote command failed
  | 'MODE_UNSUPPORTED' // exclusive mode on PG 15+ or on a standby
  | 'BACKUP_BUSY' // one backup per server at a time
  | 'CHECKS_FAILED' // the pre-backup gate refused
  | 'BACKUP_FAILED'
  | 'CANCELLED'
  | 'DISK_FULL'
  | 'IO'
  | 'INTERNAL';

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
  /** The input field an error is about (form validation). */
  readonly field?: string;
  /** Machine-readable facts, e.g. host key fingerprints. */
  readonly details?: Readonly<Record<string, string>>;
}

export type Result<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly error: AppError };

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = <T = never>(error: AppError): Result<T> => ({ ok: false, error });
