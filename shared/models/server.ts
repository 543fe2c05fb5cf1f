export type BackupMode = 'concurrent' | 'exclusive';
export type ServerRole = 'primary' | 'standby';
export type SslMode = 'disable' | 'prefer' | 'require';

/** A host key the user accepted once (trust on first use, like OpenSSH's known_hosts). */
export interface KnownHostKey {
  /** OpenSSH style: `SHA256:` + unpadded base64 of the key blob's SHA-256. */
  readonly fingerprint: string;
  readonly keyType: string;
  readonly acceptedAt: string;
}

export type TransportConfig =
  | { readonly kind: 'local' }
  | {
      readonly kind: 'ssh';
      readonly host: string;
      readonly port: number;
      readonly user: string;
      /** `key`: a private key file (optionally with a passphrase); `agent`: $SSH_AUTH_SOCK. */
      readonly auth: 'key' | 'agent';
      readonly keyPath?: string;
      readonly knownHostKey?: KnownHostKey;
    };

/** What the last successful connection test learned; refreshed by servers:test. */
export interface ServerFacts {
  readonly version: string;
  readonly versionNum: number;
  readonly role: ServerRole;
  readonly dataDirectory: string;
  readonly systemIdentifier: string;
  readonly testedAt: string;
}

/** A server as stored in settings. Secrets are never part of it. */
export interface ServerConfig {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly sslMode: SslMode;
  readonly transport: TransportConfig;
  /** PGDATA as seen by the transport; defaults to the server's data_directory. */
  readonly pgdata?: string;
  /** Per-server override of the global default mode. */
  readonly mode?: BackupMode;
  readonly maxBackupAgeHours?: number;
  readonly minBackups?: number;
  readonly facts?: ServerFacts;
}

/** A server as the renderer sees it: whether secrets exist, never their values. */
export interface ServerView extends ServerConfig {
  readonly hasPassword: boolean;
  readonly hasPassphrase: boolean;
}

/**
 * Create (no id) or update (id) a server. For `password` and `passphrase`:
 * undefined keeps the stored value, null removes it, a string replaces it.
 */
export interface ServerInput {
  readonly id?: string;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database?: string;
  readonly sslMode?: SslMode;
  readonly transport: TransportConfig;
  readonly pgdata?: string;
  readonly mode?: BackupMode;
  readonly maxBackupAgeHours?: number;
  readonly minBackups?: number;
  readonly password?: string | null;
  readonly passphrase?: string | null;
}

export interface ServerTestReport {
  readonly version: string;
  readonly versionNum: number;
  readonly role: ServerRole;
  readonly dataDirectory: string;
  readonly systemIdentifier: string;
  readonly timeline: number;
  readonly ssh?: { readonly fingerprint: string; readonly keyType: string; readonly user: string };
  readonly durationMs: number;
}
