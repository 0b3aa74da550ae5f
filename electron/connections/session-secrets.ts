import type { SecretStore } from '../keychain/secret-store';
import { keychainAccount } from './connection-profile';
import type { ConnectionStore } from './connection-store';

/**
 * The keychain plus passwords given for this session only (CONN-NO-KEYCHAIN):
 * a connection password from `--connection-password-file`, stdin or the UI's
 * prompt is answered from memory and never saved. Everything else (saving,
 * listing, deleting) goes to the keychain, so its facts (available or not)
 * stay the keychain's own.
 */
export class SessionSecretStore implements SecretStore {
  private readonly sessionPasswords = new Map<string, string>();

  constructor(
    private readonly keychain: SecretStore,
    private readonly connections: ConnectionStore,
  ) {}

  get backend(): string {
    return this.keychain.backend;
  }

  /** Uses `password` for the saved connection `name` in this session; refuses an unknown connection. */
  async useForConnection(name: string, password: string): Promise<void> {
    const profile = await this.connections.get(name);
    // An unknown name is reported where the connection is looked up (exit 2, with the names to pick from).
    if (profile) this.sessionPasswords.set(keychainAccount(profile), password);
  }

  async get(account: string): Promise<string | null> {
    return this.sessionPasswords.get(account) ?? this.keychain.get(account);
  }

  set(account: string, secret: string): Promise<void> {
    return this.keychain.set(account, secret);
  }

  /** Forgets the session password too: a removed connection's password is gone from memory as well. */
  delete(account: string): Promise<boolean> {
    this.sessionPasswords.delete(account);
    return this.keychain.delete(account);
  }

  accounts(): Promise<string[]> {
    return this.keychain.accounts();
  }
}
