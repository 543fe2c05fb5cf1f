/**
 * Passwords and key passphrases. They are never written to a plain file and never sent to the
 * renderer. The Electron shell encrypts them with safeStorage; the CLI and browser mode keep them
 * for the current run only (use ~/.pgpass and ssh-agent to avoid typing them again).
 */
export type SecretKind = 'password' | 'passphrase';

export interface SecretStore {
  /** Whether secrets survive a restart. */
  readonly persistent: boolean;
  get(serverId: string, kind: SecretKind): Promise<string | undefined>;
  has(serverId: string, kind: SecretKind): boolean;
  set(serverId: string, kind: SecretKind, value: string | null): Promise<void>;
  forget(serverId: string): Promise<void>;
}

export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  private readonly values = new Map<string, string>();
  private key = (id: string, kind: SecretKind): string => `${id}\u0000${kind}`;

  async get(id: string, kind: SecretKind): Promise<string | undefined> {
    return this.values.get(this.key(id, kind));
  }
  has(id: string, kind: SecretKind): boolean {
    return this.values.has(this.key(id, kind));
  }
  async set(id: string, kind: SecretKind, value: string | null): Promise<void> {
    if (value === null) this.values.delete(this.key(id, kind));
    else this.values.set(this.key(id, kind), value);
  }
  async forget(id: string): Promise<void> {
    this.values.delete(this.key(id, 'password'));
    this.values.delete(this.key(id, 'passphrase'));
  }
}
