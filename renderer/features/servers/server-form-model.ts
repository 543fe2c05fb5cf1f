/**
 * The add/edit server form without React: its values, its validation and its conversion to the
 * contract's ServerInput. The engine validates again; its VALIDATION errors name a `field`, which
 * formFieldFor() maps back onto the form.
 */
import type { ServerInput, ServerView, SslMode } from '../../../shared/models/server';

export interface ServerFormValues {
  readonly name: string;
  readonly host: string;
  readonly port: string;
  readonly user: string;
  readonly database: string;
  readonly sslMode: SslMode;
  readonly password: string;
  readonly forgetPassword: boolean;
  readonly transport: 'local' | 'ssh';
  readonly sshHost: string;
  readonly sshPort: string;
  readonly sshUser: string;
  readonly sshAuth: 'key' | 'agent';
  readonly keyPath: string;
  readonly passphrase: string;
  readonly forgetPassphrase: boolean;
}

export type FormField = keyof ServerFormValues;
export type FormErrors = Partial<Record<FormField, string>>;

export const SSL_MODES: readonly { readonly value: SslMode; readonly label: string }[] = [
  { value: 'disable', label: 'disable — never use TLS' },
  { value: 'prefer', label: 'prefer — TLS when the server offers it' },
  { value: 'require', label: 'require — refuse without TLS' },
];

export function initialValues(server?: ServerView): ServerFormValues {
  const t = server?.transport;
  return {
    name: server?.name ?? '',
    host: server?.host ?? '',
    port: String(server?.port ?? 5432),
    user: server?.user ?? 'postgres',
    database: server?.database ?? 'postgres',
    sslMode: server?.sslMode ?? 'prefer',
    password: '',
    forgetPassword: false,
    transport: t?.kind ?? 'local',
    sshHost: t?.kind === 'ssh' ? t.host : '',
    sshPort: String(t?.kind === 'ssh' ? t.port : 22),
    sshUser: t?.kind === 'ssh' ? t.user : 'postgres',
    sshAuth: t?.kind === 'ssh' ? t.auth : 'key',
    keyPath: t?.kind === 'ssh' ? (t.keyPath ?? '') : '',
    passphrase: '',
    forgetPassphrase: false,
  };
}

/** A TCP port as typed, or undefined when it is not a whole number from 1 to 65535. */
export function parsePort(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 65535 ? n : undefined;
}

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

export function validateServerForm(
  v: ServerFormValues,
  others: readonly Pick<ServerView, 'id' | 'name'>[],
  editingId?: string,
): FormErrors {
  const e: { -readonly [K in FormField]?: string } = {};
  const name = v.name.trim();
  if (!name) e.name = 'Enter a name for this server.';
  else if (others.some((s) => s.id !== editingId && sameName(s.name, name))) e.name = `Another server is already named “${name}”.`;
  if (!v.host.trim()) e.host = 'Enter the host name or IP address PostgreSQL listens on.';
  if (parsePort(v.port) === undefined) e.port = 'Enter a port from 1 to 65535.';
  if (!v.user.trim()) e.user = 'Enter the role to connect as.';
  if (!v.database.trim()) e.database = 'Enter the database to connect to (postgres is fine).';
  if (v.transport === 'ssh') {
    if (!v.sshHost.trim()) e.sshHost = 'Enter the SSH host of the database server.';
    if (parsePort(v.sshPort) === undefined) e.sshPort = 'Enter a port from 1 to 65535.';
    if (!v.sshUser.trim()) e.sshUser = 'Enter the OS user to log in as (usually postgres).';
    if (v.sshAuth === 'key' && !v.keyPath.trim()) e.keyPath = 'Enter the path of the private key file.';
  }
  return e;
}

/** `undefined` keeps a stored secret, `null` forgets it, a string replaces it. */
const secret = (typed: string, forget: boolean): string | null | undefined => (typed ? typed : forget ? null : undefined);

/** Only call with values that passed validateServerForm(). */
export function toServerInput(v: ServerFormValues, editing?: ServerView): ServerInput {
  // The engine keeps a trusted host key while host and port stay the same (only servers:trust-host-key sets one).
  return {
    ...(editing && { id: editing.id }),
    name: v.name.trim(),
    host: v.host.trim(),
    port: parsePort(v.port) ?? 5432,
    user: v.user.trim(),
    database: v.database.trim(),
    sslMode: v.sslMode,
    transport:
      v.transport === 'local'
        ? { kind: 'local' }
        : {
            kind: 'ssh',
            host: v.sshHost.trim(),
            port: parsePort(v.sshPort) ?? 22,
            user: v.sshUser.trim(),
            auth: v.sshAuth,
            ...(v.sshAuth === 'key' && { keyPath: v.keyPath.trim() }),
          },
    // Settings the form does not show survive an edit.
    ...(editing?.pgdata !== undefined && { pgdata: editing.pgdata }),
    ...(editing?.mode !== undefined && { mode: editing.mode }),
    ...(editing?.maxBackupAgeHours !== undefined && { maxBackupAgeHours: editing.maxBackupAgeHours }),
    ...(editing?.minBackups !== undefined && { minBackups: editing.minBackups }),
    password: secret(v.password, v.forgetPassword),
    passphrase: v.transport === 'ssh' && v.sshAuth === 'key' ? secret(v.passphrase, v.forgetPassphrase) : editing?.hasPassphrase ? null : undefined,
  };
}

const ENGINE_FIELDS: Readonly<Record<string, FormField>> = {
  name: 'name',
  host: 'host',
  port: 'port',
  user: 'user',
  database: 'database',
  sslMode: 'sslMode',
  password: 'password',
  passphrase: 'passphrase',
  transport: 'transport',
  'transport.host': 'sshHost',
  'transport.port': 'sshPort',
  'transport.user': 'sshUser',
  'transport.auth': 'sshAuth',
  'transport.keyPath': 'keyPath',
};

/** The form field an engine VALIDATION error names, if the form shows it. */
export const formFieldFor = (engineField: string | undefined): FormField | undefined =>
  engineField === undefined ? undefined : ENGINE_FIELDS[engineField];

/** A stored server as a servers:save request that changes nothing (secrets kept). */
export function viewToInput(s: ServerView): ServerInput {
  return {
    id: s.id,
    name: s.name,
    host: s.host,
    port: s.port,
    user: s.user,
    database: s.database,
    sslMode: s.sslMode,
    transport: s.transport,
    ...(s.pgdata !== undefined && { pgdata: s.pgdata }),
    ...(s.mode !== undefined && { mode: s.mode }),
    ...(s.maxBackupAgeHours !== undefined && { maxBackupAgeHours: s.maxBackupAgeHours }),
    ...(s.minBackups !== undefined && { minBackups: s.minBackups }),
  };
}
