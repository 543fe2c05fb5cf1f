import { TidemarkError } from '../errors';

/** What error messages need to know about the connection. */
export interface PgErrorTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly password?: string;
}

interface PgLikeError {
  readonly message?: string;
  /** SQLSTATE for server errors, errno name (ECONNREFUSED…) for socket errors. */
  readonly code?: string;
  readonly hint?: string;
  readonly detail?: string;
}

const NETWORK_UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'ETIMEDOUT']);
const DNS_FAILURE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/**
 * One clear message and hint per failure a DBA meets when connecting or querying. TidemarkErrors
 * pass through unchanged, so callers can map whatever they catch.
 */
export function mapPgError(e: unknown, target: PgErrorTarget): TidemarkError {
  if (e instanceof TidemarkError) return e;
  const err: PgLikeError = typeof e === 'object' && e !== null ? (e as PgLikeError) : { message: String(e) };
  const message = err.message ?? String(e);
  const code = err.code ?? '';
  const where = `${target.host}:${target.port}`;
  const role = `"${target.user}"`;
  const cause = { cause: e };

  switch (code) {
    case '28P01':
      return new TidemarkError('PG_AUTH', `Password authentication failed for role ${role} on ${where}`, {
        ...cause,
        field: 'password',
        hint:
          target.password === undefined
            ? `No password is stored for this server, so Tidemark used $PGPASSWORD or the matching ~/.pgpass line ($PGPASSFILE): store the right password, or fix that line. Also check that role ${role} exists: PostgreSQL reports a missing role the same way.`
            : `Check the password stored for this server, and that role ${role} exists: PostgreSQL reports a missing role the same way.`,
      });
    case '28000':
      if (/pg_hba\.conf/i.test(message))
        return new TidemarkError('PG_AUTH', `${where} has no pg_hba.conf entry for this connection: ${message}`, {
          ...cause,
          hint: `Add a line to pg_hba.conf on the server, e.g. "host ${target.database} ${target.user} <this machine's address>/32 scram-sha-256", then run SELECT pg_reload_conf().`,
        });
      if (/role .* does not exist/i.test(message))
        return new TidemarkError('PG_AUTH', `Role ${role} does not exist on ${where}`, {
          ...cause,
          field: 'user',
          hint: `Fix the user name, or create the role: CREATE ROLE ${target.user} LOGIN REPLICATION PASSWORD '…'.`,
        });
      return new TidemarkError('PG_AUTH', `${where} refused role ${role}: ${message}`, cause);
    case '3D000':
      return new TidemarkError('PG_CONNECT', `Database "${target.database}" does not exist on ${where}`, {
        ...cause,
        field: 'database',
        hint: 'Any existing database will do for a physical backup, e.g. postgres.',
      });
    case '57P03':
      return new TidemarkError('PG_CONNECT', `${where} is not accepting connections: ${message}`, {
        ...cause,
        hint: 'The server is starting up, shutting down or in recovery without hot_standby. Try again once it is up.',
      });
    case '53300':
      return new TidemarkError('PG_CONNECT', `${where} has no free connection slots: ${message}`, {
        ...cause,
        hint: 'Raise max_connections (or the role\'s CONNECTION LIMIT), or close idle sessions.',
      });
    case '42501':
      return new TidemarkError('PG_PRIVILEGE', `Permission denied for role ${role} on ${where}: ${message}`, {
        ...cause,
        hint: err.hint ?? `Grant role ${target.user} the privilege named above, or use a superuser.`,
      });
    case 'ENOENT':
      // A Unix-socket host whose socket file is not there: no server listens in that directory.
      return new TidemarkError('PG_CONNECT', `No PostgreSQL server is listening at ${where}: the socket file is missing`, {
        ...cause,
        hint: 'Is PostgreSQL running? Check that the host is its unix_socket_directories and the port its port.',
      });
    case 'ECONNREFUSED':
      return new TidemarkError('PG_CONNECT', `Connection refused by ${where}`, {
        ...cause,
        hint: 'Is PostgreSQL running there, and listening on that address and port? Check listen_addresses and port in postgresql.conf, and any firewall.',
      });
  }
  if (DNS_FAILURE.has(code))
    return new TidemarkError('PG_CONNECT', `Host "${target.host}" not found (DNS lookup failed)`, {
      ...cause,
      field: 'host',
      hint: 'Check the host name, or use an IP address.',
    });
  if (NETWORK_UNREACHABLE.has(code))
    return new TidemarkError('PG_CONNECT', `${where} is unreachable (${code})`, {
      ...cause,
      hint: 'The host is down or a network route or firewall blocks the way.',
    });
  if (/timeout expired|connection timeout/i.test(message))
    return new TidemarkError('TIMEOUT', `No answer from PostgreSQL at ${where} in time`, cause);
  if (/does not support SSL/i.test(message))
    return new TidemarkError('PG_CONNECT', `${where} does not accept TLS connections, and sslMode is "require"`, {
      ...cause,
      field: 'sslMode',
      hint: 'Turn ssl on in postgresql.conf, or set sslMode to prefer or disable.',
    });
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /\bSSL\b|\bTLS\b|certificate/i.test(message))
    return new TidemarkError('PG_CONNECT', `TLS with ${where} failed: ${message}`, {
      ...cause,
      hint: 'Check ssl_cert_file / ssl_key_file on the server, or set sslMode to disable.',
    });
  if (/client password must be a string|password must be a string/i.test(message))
    return new TidemarkError('PG_AUTH', `${where} asks for a password for role ${role}, and none is known`, {
      ...cause,
      field: 'password',
      hint: 'Store a password for this server, add a line to ~/.pgpass (mode 0600), or set PGPASSWORD.',
    });
  if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection terminated/i.test(message))
    return new TidemarkError('PG_CONNECT', `${where} closed the connection: ${message}`, {
      ...cause,
      hint: 'Is that port a PostgreSQL server? The server log says why it ended the session.',
    });
  const detail = err.detail ? ` (${err.detail})` : '';
  return new TidemarkError('PG_QUERY', `${message}${detail}`, { ...cause, ...(err.hint && { hint: err.hint }) });
}
