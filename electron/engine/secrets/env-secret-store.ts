import type { SecretKind, SecretStore } from './secret-store';

/**
 * The CLI's secrets: nothing is stored. Passwords come the libpq way (PGPASSWORD, ~/.pgpass, read
 * by pg itself); a key passphrase from TIDEMARK_SSH_PASSPHRASE — or use ssh-agent.
 */
export class EnvSecretStore implements SecretStore {
  readonly persistent = false;
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(_id: string, kind: SecretKind): Promise<string | undefined> {
    return kind === 'passphrase' ? this.env.TIDEMARK_SSH_PASSPHRASE || undefined : undefined;
  }
  has(_id: string, kind: SecretKind): boolean {
    return kind === 'passphrase' && Boolean(this.env.TIDEMARK_SSH_PASSPHRASE);
  }
  async set(): Promise<void> {
    // The CLI never stores secrets.
  }
  async forget(): Promise<void> {}
}
