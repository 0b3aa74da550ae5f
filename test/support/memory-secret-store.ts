import type { SecretStore } from '../../electron/keychain/secret-store';

/**
 * Stand-in for the OS keychain in tests that are not about the keychain
 * (the keychain's own tests use gnome-keyring). Same SecretStore contract.
 */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory (test stand-in)';
  private readonly secrets = new Map<string, string>();

  async get(account: string) {
    return this.secrets.get(account) ?? null;
  }
  async set(account: string, secret: string) {
    this.secrets.set(account, secret);
  }
  async delete(account: string) {
    return this.secrets.delete(account);
  }
  async accounts() {
    return [...this.secrets.keys()].sort();
  }
}
