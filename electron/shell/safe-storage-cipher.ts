import { safeStorage } from 'electron';
import type { SecretCipher } from '../engine/secrets/encrypted-secret-store';

/**
 * OS-backed encryption (Keychain, DPAPI, libsecret/kwallet). The interface is async so the
 * newer asynchronous safeStorage API can take over without touching callers.
 */
export const safeStorageCipher: SecretCipher = {
  tag: `electron-safeStorage:${process.platform}`,
  async encrypt(plain) {
    return safeStorage.encryptString(plain);
  },
  async decrypt(data) {
    return safeStorage.decryptString(data);
  },
};

/** On Linux without a keyring, safeStorage falls back to a hard-coded key: treat that as unavailable. */
export function safeStorageUsable(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  const backend = (safeStorage as { getSelectedStorageBackend?: () => string }).getSelectedStorageBackend?.();
  return backend !== 'basic_text';
}
