import type { SettingsStore } from '../settings/settings-store';
import type { SecretKind, SecretStore } from './secret-store';
import { TidemarkError } from '../errors';

/** A cipher with a tag naming it; the Electron shell supplies one built on safeStorage. */
export interface SecretCipher {
  readonly tag: string;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
}

/** Secrets kept as tagged ciphertext in the settings file's `secrets` section. */
export class EncryptedSecretStore implements SecretStore {
  readonly persistent = true;

  constructor(
    private readonly settings: SettingsStore,
    private readonly cipher: SecretCipher,
  ) {}

  has(id: string, kind: SecretKind): boolean {
    return this.settings.current.secrets?.[id]?.[kind] !== undefined;
  }

  async get(id: string, kind: SecretKind): Promise<string | undefined> {
    const stored = this.settings.current.secrets?.[id]?.[kind];
    if (!stored) return undefined;
    if (stored.cipher !== this.cipher.tag) {
      throw new TidemarkError('SECRET_UNAVAILABLE', `The stored ${kind} was encrypted with ${stored.cipher}, which is not available here.`, {
        hint: 'Enter it again in the server form, or use ~/.pgpass / ssh-agent.',
      });
    }
    try {
      return await this.cipher.decrypt(Buffer.from(stored.data, 'base64'));
    } catch (e) {
      throw new TidemarkError('SECRET_UNAVAILABLE', `The stored ${kind} cannot be decrypted on this machine (${(e as Error).message}).`, {
        hint: 'Enter it again in the server form.',
      });
    }
  }

  async set(id: string, kind: SecretKind, value: string | null): Promise<void> {
    const data = value === null ? undefined : (await this.cipher.encrypt(value)).toString('base64');
    this.settings.update((doc) => {
      const secrets = { ...(doc.secrets ?? {}) };
      const entry = { ...(secrets[id] ?? {}) };
      if (data === undefined) delete entry[kind];
      else entry[kind] = { cipher: this.cipher.tag, data };
      if (Object.keys(entry).length) secrets[id] = entry;
      else delete secrets[id];
      return { ...doc, secrets };
    });
  }

  async forget(id: string): Promise<void> {
    if (!this.settings.current.secrets?.[id]) return;
    this.settings.update((doc) => {
      const { [id]: _gone, ...rest } = doc.secrets ?? {};
      return { ...doc, secrets: rest };
    });
  }
}
